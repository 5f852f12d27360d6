// SOAK-4 failure propagation: some tasks throw. Each error must reach the caller that
// awaits the handle as the very same object, and the worker must keep going: every
// other task completes on the FIFO schedule, and a task submitted after all the
// failures starts at once.

import { ms, now, type Proc } from "../../sim/index.js";
import { fifoCheck, scheduleCheck } from "./checks.js";
import { buildReport, checkEach, makeWorker, type SoakEnv } from "./env.js";
import { predictFifo } from "./predict.js";
import type { ScenarioReport } from "./report.js";
import { SoakTaskError, SoakTracker, type TaskPlan, type TaskRecord } from "./tracker.js";

export function* failurePropagation(env: SoakEnv): Proc<ScenarioReport> {
  const rng = env.rng;
  const limit = rng.int(1, 6);
  const taskCount = rng.int(limit * 2, limit * 6);
  const plans: TaskPlan[] = [];
  for (let index = 0; index < taskCount; index++)
    plans.push({ index, durationUs: rng.int(ms(1), ms(40)), fails: rng.chance(1, 3) });
  const worker = makeWorker(env, "failure-propagation", limit);
  worker.start();
  const statsBefore = worker.stats();
  const tracker = new SoakTracker();
  const t0 = now();
  for (const plan of plans) tracker.submit(worker, plan);

  // The caller side: await each result and keep what was thrown.
  const caught = new Map<TaskRecord, unknown>();
  for (const r of tracker.records) {
    try {
      yield* r.handle.result();
    } catch (error) {
      caught.set(r, error);
    }
  }
  const probeStart = now();
  const probe = tracker.submit(worker, { index: taskCount, durationUs: ms(1), fails: false });
  yield* probe.handle.settled();
  yield* tracker.awaitAll();
  yield* worker.shutdown({ mode: "drain" });

  const predicted = predictFifo(
    plans.map((p) => ({ submitAtUs: t0, holdUs: p.durationUs })),
    limit,
  );
  predicted.push({ startUs: probeStart, endUs: probeStart + ms(1) });
  return buildReport({
    env,
    scenario: "failure-propagation",
    tracker,
    worker,
    limit,
    statsBefore,
    extra: [
      checkEach("a task's exception reaches the awaiting caller unchanged", tracker.records, (r) => {
        const error = caught.get(r);
        if (!r.plan.fails) return error === undefined ? null : `t${r.plan.index} threw ${String(error)} but should not`;
        const o = r.handle.outcome;
        const same =
          o?.status === "failed" &&
          o.error === error &&
          error instanceof SoakTaskError &&
          error.taskIndex === r.plan.index;
        return same ? null : `t${r.plan.index} caller saw ${String(error)}`;
      }),
      checkEach(
        "failures do not stall the worker: every other task completes",
        tracker.records.filter((r) => !r.plan.fails),
        (r) => (r.handle.outcome?.status === "completed" ? null : `t${r.plan.index} ${r.handle.outcome?.status}`),
      ),
      fifoCheck(tracker),
      scheduleCheck(tracker, predicted),
    ],
  });
}
