// SOAK-6 jitter storm: tasks arrive at jittered instants with jittered durations; some
// fail, some carry a timeout (zero included), and cancels land at drawn instants —
// including exactly on a task's completion or timeout instant, scheduled just before
// or just after the completion event, which is where cancel/complete races hide. The
// storm ends with a drain or a cancelling shutdown at a drawn instant. Every common
// invariant must hold, and admission must stay FIFO.

import { kernelOf, ms, sleep, spawn, join, type Kernel, type Proc, type Rng } from "../../sim/index.js";
import { fifoCheck } from "./checks.js";
import { buildReport, makeWorker, type SoakEnv } from "./env.js";
import type { ScenarioReport } from "./report.js";
import { SoakTracker, type TaskPlan, type TaskRecord } from "./tracker.js";
import type { AsyncWorkerLike } from "../worker-types.js";

type CancelMode = "none" | "after-submit" | "at-end-early" | "at-end-late" | "at-timeout" | "twice";
const CANCEL_MODES: readonly CancelMode[] = [
  "none",
  "none",
  "none",
  "after-submit",
  "at-end-early",
  "at-end-late",
  "at-timeout",
  "twice",
];

interface StormPlan extends TaskPlan {
  gapUs: number;
  cancel: CancelMode;
  cancelDelayUs: number;
}

function drawPlan(rng: Rng, index: number): StormPlan {
  const plan: StormPlan = {
    index,
    gapUs: rng.int(0, ms(3)),
    durationUs: rng.chance(1, 10) ? 0 : rng.int(0, ms(20)),
    fails: rng.chance(1, 6),
    cancel: rng.pick(CANCEL_MODES),
    cancelDelayUs: rng.int(0, ms(30)),
  };
  if (rng.chance(1, 3)) plan.timeoutUs = rng.chance(1, 10) ? 0 : rng.int(0, ms(25));
  return plan;
}

export function* jitterStorm(env: SoakEnv): Proc<ScenarioReport> {
  const rng = env.rng;
  const limit = rng.int(1, 8);
  const plans = Array.from({ length: rng.int(20, 60) }, (_, i) => drawPlan(rng, i));
  const ending = rng.pick(["drain", "cancel-shutdown", "drain-shutdown"] as const);
  const shutdownAfterUs = rng.int(0, ms(80));
  const worker = makeWorker(env, "jitter-storm", limit);
  worker.start();
  const statsBefore = worker.stats();
  const tracker = new SoakTracker();
  const kernel = kernelOf();
  tracker.onStart = (record) => armStartCancels({ kernel, tracker, worker, record, plan: plans[record.plan.index]! });

  const submitter = spawn("storm-submitter", submitAll({ plans, tracker, worker, kernel }));
  if (ending !== "drain") {
    yield* sleep(shutdownAfterUs);
    yield* worker.shutdown({ mode: ending === "cancel-shutdown" ? "cancel" : "drain" });
  }
  yield* join(submitter);
  yield* tracker.awaitAll();
  yield* worker.shutdown({ mode: "drain" });
  return buildReport({
    env,
    scenario: "jitter-storm",
    tracker,
    worker,
    limit,
    statsBefore,
    extra: [fifoCheck(tracker)],
  });
}

/** Submits with jittered gaps until done or the worker stops taking work. */
function* submitAll(input: {
  plans: StormPlan[];
  tracker: SoakTracker;
  worker: AsyncWorkerLike;
  kernel: Kernel;
}): Proc<void> {
  const { plans, tracker, worker, kernel } = input;
  for (const plan of plans) {
    yield* sleep(plan.gapUs);
    if (worker.state !== "running") return;
    const record = tracker.submit(worker, plan);
    if (plan.cancel === "after-submit" || plan.cancel === "twice") {
      kernel.after(plan.cancelDelayUs, () => tracker.cancel(worker, record, "storm"));
    }
  }
}

/**
 * Cancels aimed at the instant the body ends (or its timeout fires). "early" arms the
 * timer before the body's own sleep is scheduled, so it fires first at that instant;
 * "late" arms it one hop later, so it fires after the body's wake-up.
 */
function armStartCancels(input: {
  kernel: Kernel;
  tracker: SoakTracker;
  worker: AsyncWorkerLike;
  record: TaskRecord;
  plan: StormPlan;
}): void {
  const { kernel, tracker, worker, record, plan } = input;
  const cancel = (): void => {
    tracker.cancel(worker, record, "storm");
  };
  switch (plan.cancel) {
    case "at-end-early":
      kernel.after(plan.durationUs, cancel);
      return;
    case "at-end-late":
      kernel.after(0, () => kernel.after(plan.durationUs, cancel));
      return;
    case "at-timeout":
      if (plan.timeoutUs !== undefined) kernel.after(plan.timeoutUs, cancel);
      return;
    case "twice":
      kernel.after(plan.durationUs, cancel);
      return;
    case "none":
    case "after-submit":
      return;
  }
}
