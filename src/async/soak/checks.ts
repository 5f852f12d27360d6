// The invariants every soak scenario checks, whatever it stresses. Each returns null
// when it holds, or a short description of the first few offenders.

import type { AsyncWorkerLike, WorkerStats } from "../worker-types.js";
import type { SoakCheck, SoakCounts } from "./report.js";
import type { SoakTracker, TaskRecord } from "./tracker.js";
import type { PredictedRun } from "./predict.js";

function firstFew(bad: string[]): string | null {
  return bad.length === 0 ? null : `${bad.length} task(s): ${bad.slice(0, 3).join("; ")}`;
}

function each(tracker: SoakTracker, test: (r: TaskRecord) => string | null): string | null {
  const bad: string[] = [];
  for (const r of tracker.records) {
    const problem = test(r);
    if (problem !== null) bad.push(`t${r.plan.index} ${problem}`);
  }
  return firstFew(bad);
}

/** Whether the body's observed ending fits the outcome the worker reported. */
function endingFits(r: TaskRecord): string | null {
  const o = r.handle.outcome;
  if (o === null) return "never ended";
  switch (o.status) {
    case "completed":
      return r.bodyEnd === "returned" && r.bodyEndedAtUs === o.atUs
        ? null
        : `completed but body ${r.bodyEnd ?? "never ran"}`;
    case "failed":
      return r.bodyEnd === "threw" ? null : `failed but body ${r.bodyEnd ?? "never ran"}`;
    case "timed-out":
      return r.bodyEnd === "unwound" && r.bodyEndedAtUs === o.atUs
        ? null
        : `timed out but body ${r.bodyEnd ?? "never ran"} at ${r.bodyEndedAtUs}`;
    case "cancelled":
      // Not started, unwound by the cancel, or ending at the very instant the cancel came.
      if (r.bodyEnd === null || r.bodyEnd === "unwound") return null;
      return r.bodyEndedAtUs === o.atUs ? null : `cancelled at ${o.atUs} but body ${r.bodyEnd} at ${r.bodyEndedAtUs}`;
  }
}

export interface CommonCheckInput {
  tracker: SoakTracker;
  worker: AsyncWorkerLike;
  limit: number;
  /** Worker stats taken before the scenario's first submission (for the count deltas). */
  statsBefore: WorkerStats;
  counts: SoakCounts;
}

export function commonChecks(input: CommonCheckInput): SoakCheck[] {
  const { tracker, worker, limit, statsBefore, counts } = input;
  const after = worker.stats();
  return [
    {
      name: "concurrency never exceeds the limit",
      problem: tracker.peakRunning <= limit ? null : `peak ${tracker.peakRunning} running, limit ${limit}`,
    },
    { name: "every task ends in exactly one terminal state", problem: each(tracker, endingFits) },
    {
      name: "callbacks fire once for every non-cancelled end, at that instant, never after a cancel",
      problem: each(tracker, (r) => {
        const o = r.handle.outcome;
        const want = o !== null && o.status !== "cancelled" ? 1 : 0;
        if (r.cancelAccepted && r.callbacks > 0) return `callback ran after an accepted cancel`;
        if (r.callbacks !== want) return `${r.callbacks} callback(s) for ${o?.status ?? "no outcome"}`;
        return want === 1 && r.callbackAtUs !== o!.atUs ? `callback at ${r.callbackAtUs}, outcome at ${o!.atUs}` : null;
      }),
    },
    {
      name: "an accepted cancel always ends cancelled; a refused one only hits a finished task",
      problem: each(tracker, (r) => {
        if (r.cancelAccepted && r.handle.outcome?.status !== "cancelled")
          return `cancel accepted but ended ${r.handle.outcome?.status}`;
        return r.refusedWhileOpen ? "cancel refused while the task was still open" : null;
      }),
    },
    {
      name: "no leaked slots or resources",
      problem:
        after.permitsInUse !== 0 ||
        after.active !== 0 ||
        after.queued !== 0 ||
        tracker.resourcesHeld !== 0 ||
        tracker.running !== 0
          ? `slots in use ${after.permitsInUse}, active ${after.active}, queued ${after.queued}, resources held ${tracker.resourcesHeld}, bodies running ${tracker.running}`
          : null,
    },
    { name: "counts add up", problem: countsProblem(counts, statsBefore, after) },
  ];
}

function countsProblem(c: SoakCounts, before: WorkerStats, after: WorkerStats): string | null {
  const ended = c.completed + c.cancelled + c.timedOut + c.failed;
  if (ended !== c.submitted) return `submitted ${c.submitted} but ${ended} ended`;
  const delta = {
    submitted: after.submitted - before.submitted,
    completed: after.completed - before.completed,
    cancelled: after.cancelled - before.cancelled,
    timedOut: after.timedOut - before.timedOut,
    failed: after.failed - before.failed,
  };
  for (const key of ["submitted", "completed", "cancelled", "timedOut", "failed"] as const) {
    if (delta[key] !== c[key]) return `worker says ${key} ${delta[key]}, harness saw ${c[key]}`;
  }
  return null;
}

/** Starts follow submission order (the worker admits FIFO). */
export function fifoCheck(tracker: SoakTracker): SoakCheck {
  const order = tracker.startOrder;
  const bad = order.findIndex((v, i) => i > 0 && v < order[i - 1]!);
  return {
    name: "tasks start in submission order",
    problem: bad < 0 ? null : `t${order[bad]} started after t${order[bad - 1]}`,
  };
}

/** Every task started and ended exactly when a FIFO, work-conserving worker would. */
export function scheduleCheck(tracker: SoakTracker, predicted: readonly PredictedRun[]): SoakCheck {
  const bad: string[] = [];
  tracker.records.forEach((r, i) => {
    const p = predicted[i];
    const endUs = r.handle.outcome?.atUs ?? null;
    if (p === undefined || r.startedAtUs !== p.startUs || endUs !== p.endUs) {
      bad.push(`t${r.plan.index} ran ${r.startedAtUs}..${endUs}, expected ${p?.startUs}..${p?.endUs}`);
    }
  });
  return {
    name: "every task started and ended when a FIFO work-conserving worker would (no stall)",
    problem: firstFew(bad),
  };
}
