// A manager's per-job state: the jobs it leads and the replicas its DC peers sync to it
// (the model's stand-in for the per-job replicated log of AD-38). Also the conversions
// between the live form and the `JobReplica` message form.

import type { JobOutcome, JobReplica, JobSpec, NodeId, ReplicaWorkflow } from "../messages.js";
import { FenceCounter } from "../parts/fencing.js";

/** §3.1, without the retry sub-states (FAILED → PENDING happens in one step here). */
export type WorkflowState = "pending" | "dispatched" | "running" | "completed" | "failed" | "cancelled";

export interface ManagedWorkflow {
  readonly workflowId: string;
  readonly name: string;
  readonly cores: number;
  readonly declaredDurationMs: number;
  status: WorkflowState;
  worker: NodeId | null;
  fenceToken: number;
  attempts: number;
  failedWorkers: NodeId[];
  /** The worker process incarnation the current attempt was addressed to (0: unknown, e.g. from a replica). */
  workerIncarnation: number;
  notBeforeUs: number;
  completedCount: number;
}

export interface ManagedJob {
  readonly jobId: string;
  leader: NodeId;
  leaderIncarnation: number;
  readonly fence: FenceCounter;
  originGate: NodeId | null;
  gateFenceToken: number;
  readonly timeoutMs: number;
  readonly acceptedAtUs: number;
  readonly workflows: Map<string, ManagedWorkflow>;
  status: "running" | JobOutcome;
  timedOut: boolean;
  terminalAtUs: number;
  finalAcked: boolean;
  progressSequence: number;
  lastUpdateUs: number;
  /** During a takeover: workflows some worker confirmed; null otherwise. */
  reconciling: Set<string> | null;
  /** On a replica: the latest sync version applied under the current token (older copies are ignored). */
  appliedVersion: number;
}

export function isTerminal(s: WorkflowState): boolean {
  return s === "completed" || s === "failed" || s === "cancelled";
}

export function newJob(
  spec: JobSpec,
  leader: NodeId,
  leaderIncarnation: number,
  originGate: NodeId | null,
  gateFenceToken: number,
  nowUs: number,
): ManagedJob {
  const workflows = new Map<string, ManagedWorkflow>();
  for (const w of spec.workflows) {
    workflows.set(w.workflowId, {
      workflowId: w.workflowId,
      name: w.name,
      cores: w.cores,
      declaredDurationMs: w.declaredDurationMs,
      status: "pending",
      worker: null,
      fenceToken: 0,
      attempts: 0,
      failedWorkers: [],
      workerIncarnation: 0,
      notBeforeUs: 0,
      completedCount: 0,
    });
  }
  return {
    jobId: spec.jobId,
    leader,
    leaderIncarnation,
    fence: new FenceCounter(0),
    originGate,
    gateFenceToken,
    timeoutMs: spec.timeoutMs,
    acceptedAtUs: nowUs,
    workflows,
    status: "running",
    timedOut: false,
    terminalAtUs: -1,
    finalAcked: false,
    progressSequence: 0,
    lastUpdateUs: nowUs,
    reconciling: null,
    appliedVersion: 0,
  };
}

export function toReplica(job: ManagedJob): JobReplica {
  const workflows: ReplicaWorkflow[] = [];
  for (const w of job.workflows.values()) {
    workflows.push({
      workflowId: w.workflowId,
      name: w.name,
      cores: w.cores,
      declaredDurationMs: w.declaredDurationMs,
      status: w.status,
      worker: w.worker,
      fenceToken: w.fenceToken,
      attempts: w.attempts,
      failedWorkers: w.failedWorkers.slice(),
    });
  }
  return {
    jobId: job.jobId,
    leader: job.leader,
    leaderIncarnation: job.leaderIncarnation,
    fenceToken: job.fence.current,
    originGate: job.originGate,
    gateFenceToken: job.gateFenceToken,
    timeoutMs: job.timeoutMs,
    acceptedAtUs: job.acceptedAtUs,
    terminal: job.status !== "running",
    outcome: job.status === "running" ? null : job.status,
    finalDelivered: job.finalAcked,
    workflows,
  };
}

/** Applies a peer's sync; a replica with a lower fence token than ours is stale and dropped. */
export function applyReplica(existing: ManagedJob | undefined, r: JobReplica, nowUs: number): ManagedJob | null {
  if (existing !== undefined && r.fenceToken < existing.fence.current) return null;
  const job =
    existing ??
    newJob(
      { jobId: r.jobId, workflows: [], timeoutMs: r.timeoutMs, datacenterCount: 1, callbackAddr: "" },
      r.leader,
      r.leaderIncarnation,
      r.originGate,
      r.gateFenceToken,
      r.acceptedAtUs,
    );
  job.leader = r.leader;
  job.leaderIncarnation = r.leaderIncarnation;
  job.fence.atLeast(r.fenceToken);
  job.originGate = r.originGate;
  job.gateFenceToken = r.gateFenceToken;
  job.lastUpdateUs = nowUs;
  if (r.terminal && job.status === "running") {
    job.status = r.outcome ?? "completed";
    job.terminalAtUs = nowUs;
  }
  job.finalAcked = job.finalAcked || r.finalDelivered;
  for (const w of r.workflows) {
    job.workflows.set(w.workflowId, {
      workflowId: w.workflowId,
      name: w.name,
      cores: w.cores,
      declaredDurationMs: w.declaredDurationMs,
      status: w.status as WorkflowState,
      worker: w.worker,
      fenceToken: w.fenceToken,
      attempts: w.attempts,
      failedWorkers: w.failedWorkers.slice(),
      workerIncarnation: 0,
      notBeforeUs: 0,
      completedCount: 0,
    });
  }
  return job;
}

/** How far a workflow got under its token: a requeued attempt (PENDING after a token) is past its run. */
function progressRank(w: { status: string; fenceToken: number }): number {
  if (w.status === "completed" || w.status === "failed" || w.status === "cancelled") return 4;
  if (w.status === "pending") return w.fenceToken > 0 ? 3 : 0;
  return w.status === "running" ? 2 : 1;
}

/**
 * Folds a peer's copy into `job` before a takeover (takeover.ts): a copy under a higher
 * token replaces ours; under the same token each workflow keeps whichever copy got
 * further, so a change any of them holds survives.
 */
export function mergeReplica(job: ManagedJob, r: JobReplica, nowUs: number): void {
  if (r.fenceToken > job.fence.current) {
    applyReplica(job, r, nowUs);
    return;
  }
  if (r.fenceToken < job.fence.current) return;
  for (const w of r.workflows) {
    const mine = job.workflows.get(w.workflowId);
    const further =
      mine === undefined ||
      w.fenceToken > mine.fenceToken ||
      (w.fenceToken === mine.fenceToken && progressRank(w) > progressRank(mine));
    if (!further) continue;
    job.workflows.set(w.workflowId, {
      workflowId: w.workflowId,
      name: w.name,
      cores: w.cores,
      declaredDurationMs: w.declaredDurationMs,
      status: w.status as WorkflowState,
      worker: w.worker,
      fenceToken: w.fenceToken,
      attempts: Math.max(w.attempts, mine?.attempts ?? 0),
      failedWorkers: [...new Set([...(mine?.failedWorkers ?? []), ...w.failedWorkers])],
      workerIncarnation: 0,
      notBeforeUs: 0,
      completedCount: 0,
    });
  }
  if (r.terminal && job.status === "running") {
    job.status = r.outcome ?? "completed";
    job.terminalAtUs = nowUs;
  }
  job.finalAcked = job.finalAcked || r.finalDelivered;
}
