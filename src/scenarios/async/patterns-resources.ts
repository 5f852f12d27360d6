// async/backpressure (ASYNC-4) and async/lock-fairness (ASYNC-12): bounding and
// ordering access to a shared resource.

import { Lock, Semaphore, ms, now, sleep, join, type Micros, type Proc } from "../../sim/index.js";
import { predictFifo } from "../../async/soak/predict.js";
import { defineScenario } from "../types.js";
import { integer } from "../option-spec.js";

export const backpressure = defineScenario({
  id: "async/backpressure",
  title: "A semaphore bounds concurrent operations",
  description:
    "`operations` operations arrive at jittered instants and each runs inside `Semaphore(maxConcurrent)`. The number running at once, counted by the operations themselves, must never exceed the bound and must reach it; " +
    "waiting operations are admitted in arrival order the moment a permit frees, so every start and end matches the FIFO schedule computed without the runtime; all permits come back.",
  covers: ["ASYNC-4"],
  options: { operations: 300, maxConcurrent: 10 },
  schema: {
    operations: integer(1, 100_000, "operations arriving at jittered instants"),
    maxConcurrent: integer(1, 100_000, "permits of the semaphore that bounds them"),
  },
  size: { formula: "operations", estimate: (o) => o.operations },
  shrinkable: { operations: 1, maxConcurrent: 1 },
  setup(ctx) {
    const { operations, maxConcurrent } = ctx.options;
    const rng = ctx.rng.fork("ops");
    const sem = new Semaphore(maxConcurrent, "backpressure");
    let arrive = 0;
    const plans = Array.from({ length: operations }, () => {
      arrive += rng.int(0, ms(2));
      return { submitAtUs: arrive, holdUs: rng.int(ms(1), ms(40)) };
    });
    const runs: { startUs: number; endUs: number }[] = [];
    let running = 0;
    let peak = 0;
    function* op(i: number): Proc<void> {
      yield* sleep(plans[i]!.submitAtUs);
      yield* sem.withPermit(
        (function* () {
          running++;
          peak = Math.max(peak, running);
          const startUs = now();
          yield* sleep(plans[i]!.holdUs);
          runs[i] = { startUs, endUs: now() };
          running--;
        })(),
      );
    }
    ctx.main(
      "ops",
      (function* () {
        const tasks = plans.map((_, i) => ctx.spawn(`op-${i}`, op(i)));
        for (const t of tasks) yield* join(t);
      })(),
    );
    ctx.check("never more than maxConcurrent at once, and the bound is reached", () =>
      peak <= maxConcurrent && peak === Math.min(maxConcurrent, operations)
        ? null
        : `peak ${peak}, bound ${maxConcurrent}`,
    );
    ctx.check("admission is FIFO and work-conserving (schedule matches the prediction)", () => {
      const want = predictFifo(plans, maxConcurrent);
      const bad = want.findIndex((w, i) => runs[i]?.startUs !== w.startUs || runs[i]?.endUs !== w.endUs);
      return bad < 0
        ? null
        : `op ${bad} ran ${runs[bad]?.startUs}..${runs[bad]?.endUs}, expected ${want[bad]!.startUs}..${want[bad]!.endUs}`;
    });
    ctx.check("every permit is back", () =>
      sem.availablePermits === maxConcurrent ? null : `${maxConcurrent - sem.availablePermits} permits held`,
    );
    ctx.onFinish(() => ctx.metric("peakConcurrent", peak));
  },
});

export const lockFairness = defineScenario({
  id: "async/lock-fairness",
  title: "Lock waiters are served fairly (FIFO)",
  description:
    "`contenders` tasks arrive at distinct jittered instants and each takes a Lock `rounds` times, holding it for a drawn time and re-queuing after a think time. " +
    "Holders never overlap, every request is granted, and each grant goes to the longest-waiting requester: requests are granted in exactly the order they were made (ties impossible: arrivals are distinct).",
  covers: ["ASYNC-12"],
  options: { contenders: 40, rounds: 5 },
  schema: {
    contenders: integer(1, 10_000, "tasks contending for the lock"),
    rounds: integer(1, 10_000, "times each contender takes the lock"),
  },
  size: { formula: "contenders × rounds", estimate: (o) => o.contenders * o.rounds },
  shrinkable: { contenders: 2, rounds: 1 },
  setup(ctx) {
    const { contenders, rounds } = ctx.options;
    const rng = ctx.rng.fork("lock");
    const lock = new Lock("shared");
    const requests: { who: number; atUs: Micros; seq: number }[] = [];
    const grants: number[] = []; // request index in grant order
    let holders = 0;
    let overlap = 0;
    let seq = 0;
    function* contender(who: number, startUs: Micros): Proc<void> {
      yield* sleep(startUs);
      for (let r = 0; r < rounds; r++) {
        const req = requests.push({ who, atUs: now(), seq: seq++ }) - 1;
        yield* lock.acquire();
        grants.push(req);
        if (++holders > 1) overlap++;
        try {
          yield* sleep(rng.int(1, ms(3)));
        } finally {
          holders--;
          lock.release();
        }
        yield* sleep(rng.int(1, ms(2)));
      }
    }
    ctx.main(
      "contention",
      (function* () {
        const starts = rng.shuffle(Array.from({ length: contenders }, (_, i) => i * 7 + 1)); // distinct arrival instants
        const tasks = starts.map((s, who) => ctx.spawn(`contender-${who}`, contender(who, s)));
        for (const t of tasks) yield* join(t);
      })(),
    );
    ctx.check("holders never overlap", () => (overlap === 0 ? null : `${overlap} overlapping grants`));
    ctx.check("every request is granted (no starvation)", () =>
      grants.length === contenders * rounds ? null : `${grants.length}/${contenders * rounds} granted`,
    );
    ctx.check("grants follow request order (FIFO)", () => {
      const bad = grants.findIndex((g, i) => i > 0 && requests[g]!.seq < requests[grants[i - 1]!]!.seq);
      return bad < 0
        ? null
        : `request ${grants[bad]} (contender ${requests[grants[bad]!]!.who}) overtook an earlier one`;
    });
  },
});
