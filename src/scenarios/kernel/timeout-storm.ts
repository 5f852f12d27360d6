// kernel/timeout-storm: 1,000 processes race timeouts, cancellations and shields, all
// sharing a bounded semaphore. Each process draws its fate from the seed, so the
// expected outcome (and the exact virtual time it happens) is known in advance; the
// checks compare every process's actual ending with that prediction.

import {
  Semaphore,
  TimeoutError,
  here,
  join,
  ms,
  now,
  race,
  shield,
  sleep,
  withTimeout,
  isCancelled,
  type Proc,
  type Rng,
  type Task,
} from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { duration, integer } from "../option-spec.js";

type Mode = "timeout" | "cancel" | "shield" | "race";

interface Plan {
  mode: Mode;
  startUs: number;
  workUs: number;
  limitUs: number; // timeout, cancel time, or the rival's duration
  expected: string; // outcome label
  expectedAtUs: number;
}

interface Outcome {
  label: string;
  atUs: number;
  finallyRuns: number;
}

export const timeoutStorm = defineScenario({
  id: "kernel/timeout-storm",
  title: "1,000 processes racing timeouts, cancellations and shields",
  description:
    "Every process takes a permit from a shared semaphore, then (by a seeded draw) runs work " +
    "under a timeout, is cancelled from outside mid-work, is cancelled inside a shielded " +
    "section (cancellation must wait for the shield to end), or races two sleeps. The outcome " +
    "and its virtual time are predicted from the draws and checked for every process.",
  covers: [],
  options: { processes: 1000, permits: 64, maxWorkMs: 50 },
  schema: {
    processes: integer(1, 100_000, "processes racing timeouts, cancellations and shields"),
    permits: integer(1, 100_000, "permits of the shared semaphore"),
    maxWorkMs: duration("2ms", "1h", "longest seeded work a process does under its permit"),
  },
  size: { formula: "processes", estimate: (o) => o.processes },
  setup(ctx) {
    const { processes, permits, maxWorkMs } = ctx.options;
    const rng = ctx.rng.fork("plans");
    const sem = new Semaphore(permits, "storm");
    const plans: Plan[] = [];
    const outcomes: (Outcome | undefined)[] = [];
    let peakInUse = 0;
    // Start times are spread so permits are contended; the semaphore delays starts,
    // so predictions are made relative to the moment a process gets its permit.
    for (let i = 0; i < processes; i++) plans.push(drawPlan(rng, maxWorkMs));

    function* body(i: number, plan: Plan): Proc<void> {
      const outcome: Outcome = { label: "", atUs: 0, finallyRuns: 0 };
      outcomes[i] = outcome;
      yield* sleep(plan.startUs);
      yield* sem.acquire();
      peakInUse = Math.max(peakInUse, sem.inUse);
      const granted = now();
      try {
        outcome.label = yield* runMode(plan);
      } catch (error) {
        outcome.label = isCancelled(error)
          ? "cancelled"
          : error instanceof TimeoutError
            ? "timeout"
            : `error ${String(error)}`;
      } finally {
        outcome.finallyRuns++;
        outcome.atUs = now() - granted;
        sem.release();
      }
    }

    function* runMode(plan: Plan): Proc<string> {
      switch (plan.mode) {
        case "timeout":
          yield* withTimeout(sleep(plan.workUs), plan.limitUs, "work");
          return "completed";
        case "cancel":
          cancelLater(plan.limitUs);
          yield* sleep(plan.workUs);
          return "completed";
        case "shield":
          cancelLater(plan.limitUs);
          yield* shield(sleep(plan.workUs));
          return "completed";
        case "race": {
          const { index } = yield* race([sleepThen(plan.workUs, 0), sleepThen(plan.limitUs, 1)]);
          return index === 0 ? "race-first" : "race-second";
        }
      }
    }

    /** An outside canceller: cancels the running process `afterUs` from now (a no-op if it has ended). */
    function cancelLater(afterUs: number): void {
      const target = here();
      ctx.kernel.after(afterUs, () => target.cancel("storm canceller"));
    }

    ctx.main(
      "storm",
      (function* () {
        const tasks: Task<void>[] = [];
        for (let i = 0; i < processes; i++) tasks.push(ctx.spawn(`p${i}`, body(i, plans[i]!)));
        for (const t of tasks) yield* join(t);
      })(),
    );

    ctx.check("every process ended as predicted, at the predicted time", () => {
      const wrong: string[] = [];
      plans.forEach((plan, i) => {
        const o = outcomes[i];
        if (o === undefined) wrong.push(`p${i}: never started`);
        else if (o.label !== plan.expected || o.atUs !== plan.expectedAtUs) {
          wrong.push(`p${i} (${plan.mode}): ${o.label}@${o.atUs}us, expected ${plan.expected}@${plan.expectedAtUs}us`);
        }
      });
      return wrong.length === 0 ? null : `${wrong.length} wrong; ${wrong.slice(0, 3).join("; ")}`;
    });
    ctx.check("every finally block ran exactly once", () => {
      const bad = outcomes.findIndex((o) => o === undefined || o.finallyRuns !== 1);
      return bad < 0 ? null : `p${bad} ran its finally ${outcomes[bad]?.finallyRuns ?? 0} times`;
    });
    ctx.check("semaphore bound held and every permit came back", () => {
      if (peakInUse > permits) return `peak ${peakInUse} permits in use, bound ${permits}`;
      return sem.availablePermits === permits ? null : `${permits - sem.availablePermits} permits leaked`;
    });
    ctx.onFinish(() => {
      ctx.metric("peakPermitsInUse", peakInUse);
      for (const mode of ["timeout", "cancel", "shield", "race"] as const)
        ctx.metric(`mode.${mode}`, plans.filter((p) => p.mode === mode).length);
    });
  },
});

function* sleepThen(durationUs: number, value: number): Proc<number> {
  yield* sleep(durationUs);
  return value;
}

/** Draws distinct times so no outcome hinges on a tie. */
function drawPlan(rng: Rng, maxWorkMs: number): Plan {
  const mode = rng.pick<Mode>(["timeout", "cancel", "shield", "race"]);
  const startUs = ms(rng.int(0, 200));
  const workUs = ms(rng.int(2, maxWorkMs)) + 1;
  let limitUs = ms(rng.int(1, maxWorkMs + 10));
  if (limitUs === workUs) limitUs += 1;
  switch (mode) {
    case "timeout":
      return {
        mode,
        startUs,
        workUs,
        limitUs,
        expected: workUs < limitUs ? "completed" : "timeout",
        expectedAtUs: Math.min(workUs, limitUs),
      };
    case "cancel":
      return {
        mode,
        startUs,
        workUs,
        limitUs,
        expected: workUs < limitUs ? "completed" : "cancelled",
        expectedAtUs: Math.min(workUs, limitUs),
      };
    case "shield":
      // Cancellation during the shield is deferred to its end; after it, none is pending.
      return {
        mode,
        startUs,
        workUs,
        limitUs,
        expected: workUs < limitUs ? "completed" : "cancelled",
        expectedAtUs: workUs,
      };
    case "race":
      return {
        mode,
        startUs,
        workUs,
        limitUs,
        expected: workUs < limitUs ? "race-first" : "race-second",
        expectedAtUs: Math.min(workUs, limitUs),
      };
  }
}
