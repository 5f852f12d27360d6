// SOAK-1 concurrent load: a burst of short and long tasks, all submitted at once. The
// worker must never run more than its limit, must actually use the limit (peak equals
// min(limit, tasks)), and must schedule exactly like a FIFO work-conserving pool.

import { ms, now, type Proc } from "../../sim/index.js";
import { fifoCheck, scheduleCheck } from "./checks.js";
import { buildReport, checkEach, makeWorker, type SoakEnv } from "./env.js";
import { predictFifo } from "./predict.js";
import type { ScenarioReport } from "./report.js";
import { SoakTracker, type TaskPlan } from "./tracker.js";

export function* concurrentLoad(env: SoakEnv): Proc<ScenarioReport> {
  const rng = env.rng;
  const limit = rng.int(2, 8);
  const taskCount = rng.int(limit * 3, limit * 8);
  const plans: TaskPlan[] = [];
  for (let index = 0; index < taskCount; index++) {
    const long = rng.chance(1, 4);
    plans.push({ index, durationUs: long ? rng.int(ms(50), ms(200)) : rng.int(ms(1), ms(5)), fails: false });
  }
  const worker = makeWorker(env, "concurrent-load", limit);
  worker.start();
  const statsBefore = worker.stats();
  const tracker = new SoakTracker();
  const t0 = now();
  for (const plan of plans) tracker.submit(worker, plan);
  yield* tracker.awaitAll();
  yield* worker.shutdown({ mode: "drain" });

  const predicted = predictFifo(
    plans.map((p) => ({ submitAtUs: t0, holdUs: p.durationUs })),
    limit,
  );
  const wantPeak = Math.min(limit, taskCount);
  return buildReport({
    env,
    scenario: "concurrent-load",
    tracker,
    worker,
    limit,
    statsBefore,
    extra: [
      {
        name: "the limit is used, not just respected",
        problem: tracker.peakRunning === wantPeak ? null : `peak ${tracker.peakRunning}, expected ${wantPeak}`,
      },
      checkEach("every task of the burst completes", tracker.records, (r) =>
        r.handle.outcome?.status === "completed" ? null : `t${r.plan.index} ${r.handle.outcome?.status}`,
      ),
      fifoCheck(tracker),
      scheduleCheck(tracker, predicted),
    ],
  });
}
