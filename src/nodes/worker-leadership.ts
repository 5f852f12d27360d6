// The worker's side of job-leader failover (PROTOCOL.md §5.12): accepting a transfer
// only for a token above the job's last one and from a known manager (a duplicate is
// acked unchanged), answering with the state of every run of the job (AD-4), marking
// runs orphaned when their job leader dies or restarts, clearing the mark when it comes
// back or a transfer arrives, and cancelling runs still orphaned after
// orphanGracePeriodMs (reported CANCELLED, error "orphaned", so the next leader requeues).

import type { NodeEnv } from "../sim/index.js";
import type { WorkerConfig } from "./config.js";
import type { ClusterMessage, NodeId, WorkflowFinalResult, WorkflowOutcome, WorkerWorkflowState } from "./messages.js";
import { FenceTracker } from "./parts/fencing.js";
import type { Registrar } from "./parts/registrar.js";

/** A run as far as failover cares. */
export interface OrphanableRun {
  readonly key: string;
  readonly jobId: string;
  readonly workflowId: string;
  readonly fenceToken: number;
  orphanedSinceUs: number;
}

/** What the failover logic needs from the worker. */
export interface LeadershipHost<R extends OrphanableRun> {
  readonly env: NodeEnv<ClusterMessage>;
  readonly cfg: WorkerConfig;
  readonly runs: ReadonlyMap<string, R>;
  readonly pendingResults: ReadonlyMap<string, WorkflowFinalResult>;
  /** Results the old leader acked (kept until the job's timeout): a new leader hears them again. */
  readonly reportedResults: ReadonlyMap<string, WorkflowFinalResult>;
  readonly jobLeaders: Map<string, NodeId>;
  readonly managers: readonly NodeId[];
  readonly registrar: Registrar;
  finishRun(run: R, status: WorkflowOutcome, error: string | null): void;
}

export class WorkerLeadership<R extends OrphanableRun> {
  /** One token per job for transfers, starting at −1 (§5.24). */
  readonly fences = new FenceTracker();

  constructor(private readonly w: LeadershipHost<R>) {}

  onTransfer(from: NodeId, jobId: string, newLeader: NodeId, token: number): void {
    const known = this.w.managers.includes(newLeader);
    const current = this.fences.current(jobId);
    const duplicate = token === current && this.w.jobLeaders.get(jobId) === newLeader;
    let reason: string | null = null;
    if (!known) reason = "unknown manager";
    else if (token <= current && !duplicate) reason = "stale token";
    if (reason !== null) {
      if (known) this.w.env.mark("worker.transfer.staleToken");
      this.w.env.emit("transfer.rejected", { job: jobId, leader: newLeader, token, reason });
      this.w.env.emit("fence.rejected", { job: jobId, workflow: "*", token, last: current });
    } else if (duplicate) {
      this.w.env.mark("worker.transfer.duplicate");
    } else {
      this.w.env.mark("worker.transfer.accepted");
      this.fences.accept(jobId, token, this.w.env.localNow());
      // Route the job only while this worker still has something of it (a run or a result).
      if (this.holdsWork(jobId)) this.w.jobLeaders.set(jobId, newLeader);
      for (const run of this.w.runs.values()) if (run.jobId === jobId) run.orphanedSinceUs = -1;
      this.w.env.emit("transfer.accepted", { job: jobId, leader: newLeader, token });
      for (const result of this.w.pendingResults.values())
        if (result.jobId === jobId) this.w.env.send(newLeader, result);
      for (const result of this.w.reportedResults.values()) {
        if (result.jobId !== jobId) continue;
        this.w.env.mark("worker.transfer.reReported");
        this.w.env.send(newLeader, result);
      }
    }
    this.w.env.send(from, {
      type: "job-leader-worker-transfer-ack",
      jobId,
      accepted: reason === null,
      rejectionReason: reason,
      fenceToken: token,
      workflowStates: this.statesOf(jobId),
    });
  }

  private holdsWork(jobId: string): boolean {
    for (const run of this.w.runs.values()) if (run.jobId === jobId) return true;
    for (const r of this.w.pendingResults.values()) if (r.jobId === jobId) return true;
    return false;
  }

  private statesOf(jobId: string): WorkerWorkflowState[] {
    const states: WorkerWorkflowState[] = [];
    for (const run of this.w.runs.values())
      if (run.jobId === jobId)
        states.push({ workflowId: run.workflowId, fenceToken: run.fenceToken, status: "running" });
    for (const r of this.w.pendingResults.values())
      if (r.jobId === jobId) states.push({ workflowId: r.workflowId, fenceToken: r.fenceToken, status: r.status });
    for (const r of this.w.reportedResults.values())
      if (r.jobId === jobId) states.push({ workflowId: r.workflowId, fenceToken: r.fenceToken, status: r.status });
    return states;
  }

  onManagerLost(manager: NodeId): void {
    if (!this.w.managers.includes(manager)) return;
    const now = this.w.env.localNow();
    for (const run of this.w.runs.values()) {
      if (this.w.jobLeaders.get(run.jobId) !== manager || run.orphanedSinceUs >= 0) continue;
      this.w.env.mark("worker.run.orphaned");
      run.orphanedSinceUs = now;
      this.w.env.emit("workflow.orphaned", { job: run.jobId, workflow: run.workflowId, node: manager });
    }
  }

  onManagerBack(manager: NodeId, restarted: boolean): void {
    if (!this.w.managers.includes(manager)) return;
    // A restarted manager lost its registry (volatile state): register again.
    if (restarted) {
      this.w.env.mark("worker.manager.reregister");
      this.w.registrar.register(manager);
      return;
    }
    for (const run of this.w.runs.values()) {
      if (this.w.jobLeaders.get(run.jobId) === manager) run.orphanedSinceUs = -1;
    }
  }

  checkOrphans(): void {
    const now = this.w.env.localNow();
    const graceUs = this.w.cfg.orphanGracePeriodMs * 1000;
    for (const run of [...this.w.runs.values()]) {
      if (run.orphanedSinceUs >= 0 && now - run.orphanedSinceUs >= graceUs)
        this.w.finishRun(run, "cancelled", "orphaned");
    }
  }
}
