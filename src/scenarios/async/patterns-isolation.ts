// async/operation-isolation (ASYNC-1) and async/timeout-fallback (ASYNC-2, ASYNC-5).

import { gather, isCancelled, ms, now, sleep, type Micros, type Proc, type Rng } from "../../sim/index.js";
import { runWithTimeout } from "../../async/time-limit.js";
import { defineScenario } from "../types.js";
import { integer } from "../option-spec.js";

class OpFailed extends Error {
  override readonly name = "OpFailed";
  constructor(readonly op: number) {
    super(`operation ${op} failed`);
  }
}

interface OpPlan {
  durationUs: Micros;
  fails: boolean;
}

export const operationIsolation = defineScenario({
  id: "async/operation-isolation",
  title: "Concurrent operations stay isolated from each other's failures",
  description:
    "Runs `operations` concurrent operations with drawn durations, about a third of which throw, through gather in settle-all mode (asyncio.gather with return_exceptions). " +
    "Every operation must settle in its own position at its own time: successes with their own value, failures with their own error object, none cancelled, and the batch ends when the slowest ends. " +
    "A contrast run of the same batch in fail-fast mode must cancel the siblings at the first failure, which is exactly what isolation prevents.",
  covers: ["ASYNC-1"],
  options: { operations: 50, rounds: 10 },
  schema: {
    operations: integer(1, 100_000, "concurrent operations in each batch"),
    rounds: integer(1, 100_000, "batches run one after the other"),
  },
  size: { formula: "operations × rounds", estimate: (o) => o.operations * o.rounds },
  shrinkable: { operations: 2, rounds: 1 },
  setup(ctx) {
    const { operations, rounds } = ctx.options;
    const problems: string[] = [];
    const contrast: string[] = [];
    ctx.main(
      "isolation",
      (function* () {
        for (let round = 0; round < rounds; round++) {
          const rng = ctx.rng.fork(`round-${round}`);
          const plans: OpPlan[] = Array.from({ length: operations }, () => ({
            durationUs: rng.int(ms(1), ms(100)),
            fails: rng.chance(1, 3),
          }));
          plans[0]!.fails = true; // at least one failure per round
          const endedAt: (Micros | null)[] = plans.map(() => null);
          const t0 = now();
          const settled = yield* gather(
            plans.map((p, i) => op(i, p, endedAt)),
            { mode: "settle-all" },
          );
          settled.forEach((s, i) => {
            const p = plans[i]!;
            if (endedAt[i] !== t0 + p.durationUs)
              problems.push(`round ${round} op ${i} ended at +${(endedAt[i] ?? -1) - t0}us, planned ${p.durationUs}us`);
            else if (p.fails ? s.ok || !(s.error instanceof OpFailed) || s.error.op !== i : !s.ok || s.value !== i * 10)
              problems.push(`round ${round} op ${i}: ${JSON.stringify(s.ok ? s.value : String(s.error))}`);
          });
          if (now() !== t0 + Math.max(...plans.map((p) => p.durationUs)))
            problems.push(`round ${round}: batch ended at +${now() - t0}us`);
          contrast.push(yield* failFastContrast(plans, round));
        }
      })(),
    );
    ctx.check("every operation settles with its own outcome at its own time despite failing neighbours", () =>
      problems.length === 0 ? null : problems.slice(0, 3).join("; "),
    );
    ctx.check("contrast: fail-fast gather cancels the siblings at the first failure", () => {
      const bad = contrast.filter((c) => c !== "");
      return bad.length === 0 ? null : bad.slice(0, 3).join("; ");
    });
  },
});

function* op(i: number, plan: OpPlan, endedAt: (Micros | null)[]): Proc<number> {
  try {
    yield* sleep(plan.durationUs);
    if (plan.fails) throw new OpFailed(i);
    return i * 10;
  } finally {
    endedAt[i] = now();
  }
}

function* failFastContrast(plans: OpPlan[], round: number): Proc<string> {
  const endedAt: (Micros | null)[] = plans.map(() => null);
  const t0 = now();
  const firstFailUs = Math.min(...plans.filter((p) => p.fails).map((p) => p.durationUs));
  try {
    yield* gather(plans.map((p, i) => op(i, p, endedAt)));
    return `round ${round}: fail-fast gather did not throw`;
  } catch (error) {
    if (!(error instanceof OpFailed)) return `round ${round}: fail-fast threw ${String(error)}`;
  }
  const cut = plans.filter((p, i) => p.durationUs > firstFailUs && endedAt[i] !== t0 + firstFailUs);
  return cut.length === 0
    ? ""
    : `round ${round}: ${cut.length} slower sibling(s) were not cancelled at the first failure`;
}

interface Step {
  primaryUs: Micros;
  timeoutUs: Micros;
}

class StepTimeout extends Error {}

/** One dependent step: the primary under its own timeout, else the fallback (instant, degraded). */
function* step(
  input: number,
  s: Step,
  log: { degraded: boolean; atUs: Micros; primaryUnwound: boolean },
): Proc<number> {
  const start = now();
  try {
    const value = yield* runWithTimeout(primary(input, s.primaryUs, log), {
      timeoutUs: s.timeoutUs,
      label: "primary",
      onExpire: () => new StepTimeout(),
    });
    log.atUs = now() - start;
    return value;
  } catch (error) {
    if (!(error instanceof StepTimeout)) throw error;
    log.degraded = true;
    log.atUs = now() - start;
    return input + 1000; // the fallback answer: a cached or default value
  }
}

function* primary(input: number, durationUs: Micros, log: { primaryUnwound: boolean }): Proc<number> {
  try {
    yield* sleep(durationUs);
    return input + 1;
  } catch (error) {
    if (isCancelled(error)) log.primaryUnwound = true;
    throw error;
  }
}

function drawChain(rng: Rng, length: number): Step[] {
  return Array.from({ length }, () => {
    const timeoutUs = rng.int(ms(10), ms(50));
    return { timeoutUs, primaryUs: rng.chance(1, 3) ? timeoutUs + rng.int(1, ms(500)) : rng.int(0, timeoutUs - 1) };
  });
}

export const timeoutFallback = defineScenario({
  id: "async/timeout-fallback",
  title: "Timed-out primaries fall back; dependent steps do not cascade",
  description:
    "Each chain is `steps` dependent steps (each feeds the next). A step calls its primary under its own timeout; about a third of primaries hang past it. " +
    "A timed-out primary must be cancelled and the step must return its fallback exactly at the timeout (ASYNC-5). The chain must then carry on: the next step runs on the fallback value within its own budget, so a slow upstream never makes downstream steps time out and the chain always completes within the sum of step timeouts (ASYNC-2).",
  covers: ["ASYNC-2", "ASYNC-5"],
  options: { chains: 60, steps: 4 },
  schema: {
    chains: integer(1, 100_000, "chains of dependent steps"),
    steps: integer(1, 1_000, "dependent steps in each chain"),
  },
  size: { formula: "chains × steps", estimate: (o) => o.chains * o.steps },
  shrinkable: { chains: 1, steps: 1 },
  setup(ctx) {
    const { chains, steps } = ctx.options;
    const problems: string[] = [];
    let degradedSteps = 0;
    ctx.main(
      "chains",
      (function* () {
        for (let c = 0; c < chains; c++) {
          const plan = drawChain(ctx.rng.fork(`chain-${c}`), steps);
          const t0 = now();
          let value = 0;
          let expected = 0;
          for (const [k, s] of plan.entries()) {
            const log = { degraded: false, atUs: 0, primaryUnwound: false };
            value = yield* step(value, s, log);
            const slow = s.primaryUs >= s.timeoutUs;
            expected = slow ? expected + 1000 : expected + 1;
            if (log.degraded !== slow)
              problems.push(
                `chain ${c} step ${k}: degraded=${log.degraded}, primary ${s.primaryUs}us vs timeout ${s.timeoutUs}us`,
              );
            else if (slow && (log.atUs !== s.timeoutUs || !log.primaryUnwound))
              problems.push(
                `chain ${c} step ${k}: fell back at +${log.atUs}us (timeout ${s.timeoutUs}us), primary cancelled=${log.primaryUnwound}`,
              );
            if (slow) degradedSteps++;
          }
          const budget = plan.reduce((a, s) => a + s.timeoutUs, 0);
          if (value !== expected) problems.push(`chain ${c}: value ${value}, expected ${expected}`);
          if (now() - t0 > budget) problems.push(`chain ${c}: took ${now() - t0}us, budget ${budget}us`);
        }
      })(),
    );
    ctx.check("timed-out primaries are cancelled and fall back at their timeout; chains complete within budget", () =>
      problems.length === 0 ? null : problems.slice(0, 3).join("; "),
    );
    ctx.check("the run exercised fallbacks", () => (degradedSteps > 0 ? null : "no primary ever timed out"));
    ctx.onFinish(() => ctx.metric("degradedSteps", degradedSteps));
  },
});
