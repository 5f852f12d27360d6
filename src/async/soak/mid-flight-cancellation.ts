// SOAK-3 mid-flight cancellation: some tasks are cancelled at a drawn instant strictly
// inside their run. A cancelled task must never run its completion callback, its body
// must unwind and free its resource at the cancel instant, and its slot must pass to
// the next queued task at that instant.

import { kernelOf, ms, now, type Proc } from "../../sim/index.js";
import { fifoCheck, scheduleCheck } from "./checks.js";
import { buildReport, checkEach, makeWorker, type SoakEnv } from "./env.js";
import { predictFifo } from "./predict.js";
import type { ScenarioReport } from "./report.js";
import { SoakTracker, type TaskPlan } from "./tracker.js";

export function* midFlightCancellation(env: SoakEnv): Proc<ScenarioReport> {
  const rng = env.rng;
  const limit = rng.int(2, 6);
  const taskCount = rng.int(limit * 2, limit * 6);
  const plans: TaskPlan[] = [];
  const cancelAfterUs: (number | null)[] = [];
  for (let index = 0; index < taskCount; index++) {
    const durationUs = rng.int(ms(20), ms(100));
    plans.push({ index, durationUs, fails: false });
    cancelAfterUs.push(rng.chance(1, 2) ? rng.int(1, durationUs - 1) : null);
  }
  const worker = makeWorker(env, "mid-flight-cancellation", limit);
  worker.start();
  const statsBefore = worker.stats();
  const tracker = new SoakTracker();
  const kernel = kernelOf();
  // The canceller is outside the task: a timer armed when the body is seen running.
  tracker.onStart = (record) => {
    const after = cancelAfterUs[record.plan.index];
    if (after !== null && after !== undefined) kernel.after(after, () => tracker.cancel(worker, record, "mid-flight"));
  };
  const t0 = now();
  for (const plan of plans) tracker.submit(worker, plan);
  yield* tracker.awaitAll();
  yield* worker.shutdown({ mode: "drain" });

  const predicted = predictFifo(
    plans.map((p, i) => ({ submitAtUs: t0, holdUs: cancelAfterUs[i] ?? p.durationUs })),
    limit,
  );
  const targeted = tracker.records.filter((r) => cancelAfterUs[r.plan.index] !== null);
  return buildReport({
    env,
    scenario: "mid-flight-cancellation",
    tracker,
    worker,
    limit,
    statsBefore,
    extra: [
      checkEach(
        "a task cancelled mid-flight ends cancelled with no callback, resources freed at the cancel instant",
        targeted,
        (r) => {
          const o = r.handle.outcome;
          const at = r.cancelAskedAtUs;
          if (!r.cancelAccepted) return `t${r.plan.index} cancel refused`;
          if (o?.status !== "cancelled" || r.callbacks !== 0)
            return `t${r.plan.index} ended ${o?.status} with ${r.callbacks} callback(s)`;
          if (o.atUs !== at || r.resourceReleasedAtUs !== at || r.bodyEnd !== "unwound")
            return `t${r.plan.index} cancel at ${at}, ended ${o.atUs}, resource freed ${r.resourceReleasedAtUs}`;
          return null;
        },
      ),
      checkEach(
        "an untouched task completes",
        tracker.records.filter((r) => !targeted.includes(r)),
        (r) => (r.handle.outcome?.status === "completed" ? null : `t${r.plan.index} ${r.handle.outcome?.status}`),
      ),
      fifoCheck(tracker),
      scheduleCheck(tracker, predicted),
    ],
  });
}
