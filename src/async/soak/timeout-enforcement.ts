// SOAK-2 timeout enforcement: every task has a run-time limit; some are drawn to
// overrun it. An overrunning task must end timed-out exactly when its limit expires
// (measured from its start), its body must be unwound and its resource released at
// that same instant, and the freed slot must go to the next task then and there.

import { ms, now, type Proc } from "../../sim/index.js";
import { fifoCheck, scheduleCheck } from "./checks.js";
import { buildReport, checkEach, makeWorker, type SoakEnv } from "./env.js";
import { predictFifo } from "./predict.js";
import type { ScenarioReport } from "./report.js";
import { SoakTracker, type TaskPlan } from "./tracker.js";

export function* timeoutEnforcement(env: SoakEnv): Proc<ScenarioReport> {
  const rng = env.rng;
  const limit = rng.int(2, 6);
  const taskCount = rng.int(limit * 2, limit * 6);
  const plans: TaskPlan[] = [];
  for (let index = 0; index < taskCount; index++) {
    const timeoutUs = rng.int(ms(10), ms(50));
    const margin = rng.int(ms(1), ms(20));
    const overrun = rng.chance(1, 2);
    plans.push({
      index,
      timeoutUs,
      durationUs: overrun ? timeoutUs + margin : Math.max(0, timeoutUs - margin),
      fails: false,
    });
  }
  const worker = makeWorker(env, "timeout-enforcement", limit);
  worker.start();
  const statsBefore = worker.stats();
  const tracker = new SoakTracker();
  const t0 = now();
  for (const plan of plans) tracker.submit(worker, plan);
  yield* tracker.awaitAll();
  yield* worker.shutdown({ mode: "drain" });

  const predicted = predictFifo(
    plans.map((p) => ({ submitAtUs: t0, holdUs: Math.min(p.durationUs, p.timeoutUs!) })),
    limit,
  );
  const overrunning = tracker.records.filter((r) => r.plan.durationUs > r.plan.timeoutUs!);
  const within = tracker.records.filter((r) => r.plan.durationUs <= r.plan.timeoutUs!);
  return buildReport({
    env,
    scenario: "timeout-enforcement",
    tracker,
    worker,
    limit,
    statsBefore,
    extra: [
      checkEach(
        "an overrunning task times out exactly at its deadline, its work unwound and resource freed then",
        overrunning,
        (r) => {
          const o = r.handle.outcome;
          const deadline = (r.startedAtUs ?? Number.NaN) + r.plan.timeoutUs!;
          if (o?.status !== "timed-out") return `t${r.plan.index} ended ${o?.status}`;
          if (o.atUs !== deadline) return `t${r.plan.index} timed out at ${o.atUs}, deadline ${deadline}`;
          if (r.bodyEnd !== "unwound" || r.resourceReleasedAtUs !== deadline)
            return `t${r.plan.index} body ${r.bodyEnd}, resource freed at ${r.resourceReleasedAtUs}`;
          return null;
        },
      ),
      checkEach("a task within its deadline completes", within, (r) =>
        r.handle.outcome?.status === "completed" ? null : `t${r.plan.index} ${r.handle.outcome?.status}`,
      ),
      fifoCheck(tracker),
      scheduleCheck(tracker, predicted),
    ],
  });
}
