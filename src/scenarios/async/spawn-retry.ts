// spawn/retry-backoff (SPAWN-14): retries of a flaky agent back off exponentially.

import { ms, now, sleep, type Micros, type Proc, type Rng } from "../../sim/index.js";
import { backoffCeiling, type BackoffPolicy, type Jitter } from "../../async/backoff.js";
import { retry, type RetryStop } from "../../async/retry.js";
import { RetryBudget } from "../../async/retry-budget.js";
import { defineScenario } from "../types.js";
import { duration, integer } from "../option-spec.js";
import { checkRounds } from "./rounds.js";

class Flaky extends Error {}
class Fatal extends Error {}

/** An agent that fails its first `failures` attempts; records when each attempt started. */
function flaky(failures: number, starts: Micros[]): (n: number) => Proc<string> {
  return function* (n) {
    starts.push(now());
    yield* sleep(ms(1));
    if (n <= failures) throw new Flaky(`attempt ${n} failed`);
    return `ok after ${n}`;
  };
}

export const spawnRetryBackoff = defineScenario({
  id: "spawn/retry-backoff",
  title: "Retries back off exponentially (none, full and decorrelated jitter; capped; budgeted)",
  description:
    "A flaky agent fails a drawn number of attempts, then succeeds. Without jitter the gaps between attempts must be exactly base·2^(n−1) (plus the 1 ms attempt), capped; with full jitter each delay must lie in [0, base·2^(n−1)] capped, whose ceiling doubles; with decorrelated jitter in [base, 3·previous] capped. " +
    "Retrying must stop at the per-item cap, never retry a non-retryable error, and a shared budget must bound the retries of many items together (items beyond it fail with 'budget-exhausted').",
  covers: ["SPAWN-14"],
  options: { rounds: 30, baseMs: 10, capMs: 2000 },
  schema: {
    rounds: integer(1, 100_000, "rounds, each with a drawn number of failures"),
    baseMs: duration("1ms", "1h", "the first backoff delay"),
    capMs: duration("1ms", "24h", "the longest backoff delay"),
  },
  shrinkable: { rounds: 1 },
  setup(ctx) {
    const { rounds, baseMs, capMs } = ctx.options;
    checkRounds(
      ctx,
      { rounds: rounds, check: "delays grow exponentially within their jitter bounds, capped" },
      function* (round, rng, problems) {
        const failures = rng.int(1, 10);
        for (const jitter of ["none", "full", "decorrelated"] as Jitter[]) {
          const policy: BackoffPolicy = { baseUs: ms(baseMs), capUs: ms(capMs), jitter };
          const starts: Micros[] = [];
          const delays: Micros[] = [];
          const out = yield* retry(flaky(failures, starts), {
            maxRetries: 12,
            backoff: policy,
            rng: rng.fork(jitter),
            onRetry: (i) => delays.push(i.delayUs),
          });
          const gaps = starts.slice(1).map((s, i) => s - starts[i]! - ms(1));
          if (out !== `ok after ${failures + 1}` || gaps.join() !== delays.join())
            problems.push(`round ${round} ${jitter}: ${out}, gaps ${gaps.join()} vs delays ${delays.join()}`);
          delays.forEach((d, i) => {
            const n = i + 1;
            const ceil = backoffCeiling(policy, n);
            const prev = i === 0 ? policy.baseUs : delays[i - 1]!;
            const ok =
              jitter === "none"
                ? d === ceil
                : jitter === "full"
                  ? d >= 0 && d <= ceil
                  : d >= Math.min(policy.baseUs, policy.capUs) &&
                    d <= Math.min(policy.capUs, Math.max(policy.baseUs, prev * 3));
            if (!ok)
              problems.push(
                `round ${round} ${jitter}: retry ${n} waited ${d}us (ceiling ${ceil}us, previous ${prev}us)`,
              );
          });
          if (jitter === "none" && delays.some((d, i) => i > 0 && d !== Math.min(ms(capMs), delays[i - 1]! * 2)))
            problems.push(`round ${round}: delays do not double: ${delays.join()}`);
        }
        problems.push(...(yield* limits(round, rng.int(1, 5), rng.fork("limits"))));
      },
    );
  },
});

/** Per-item cap, non-retryable errors and a shared budget. */
function* limits(round: number, cap: number, rng: Rng): Proc<string[]> {
  const out: string[] = [];
  const policy: BackoffPolicy = { baseUs: ms(1), capUs: ms(100), jitter: "none" };
  let stop: RetryStop | null = null;
  const starts: Micros[] = [];
  try {
    yield* retry(flaky(99, starts), { maxRetries: cap, backoff: policy, rng, onGiveUp: (why) => (stop = why) });
    out.push(`round ${round}: an always-failing item succeeded`);
  } catch {
    if (starts.length !== cap + 1 || stop !== "per-item-cap")
      out.push(`round ${round}: ${starts.length} attempts with cap ${cap}, stopped by ${stop}`);
  }
  let fatalAttempts = 0;
  try {
    yield* retry(
      function* () {
        fatalAttempts++;
        throw new Fatal("bad request");
      },
      { maxRetries: 5, backoff: policy, rng, retryable: (e) => !(e instanceof Fatal) },
    );
  } catch (error) {
    if (!(error instanceof Fatal) || fatalAttempts !== 1)
      out.push(`round ${round}: non-retryable error retried ${fatalAttempts - 1} times`);
  }
  const budget = new RetryBudget({ maxRetries: cap * 2 });
  const stops: (RetryStop | null)[] = [];
  for (let item = 0; item < 6; item++) {
    let why: RetryStop | null = null;
    try {
      yield* retry(flaky(99, []), { maxRetries: cap, backoff: policy, rng, budget, onGiveUp: (w) => (why = w) });
    } catch {
      stops.push(why);
    }
  }
  if (budget.withdrawn !== cap * 2 || !stops.includes("budget-exhausted") || budget.remaining !== 0)
    out.push(`round ${round}: budget withdrew ${budget.withdrawn} of ${cap * 2}; stops ${stops.join()}`);
  return out;
}
