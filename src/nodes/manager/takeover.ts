// Job-leader takeover inside a DC (PROTOCOL.md §5.12): when a job's leader dies, the DC
// leader takes the job over from its replica. It raises the job's fence token
// (old + 1, or the first token of its own term's epoch if that is higher), tells every worker that holds the job's
// workflows (`job-leader-worker-
// transfer`) and the origin gate (`job-leader-manager-transfer`), then reconciles: the
// workers are the source of truth (AD-4), so a workflow the replica thinks is live but
// no worker reports within requestTimeoutStandardMs is requeued.
//
// Simplified: only jobs whose leader is DEAD move; a DC leader change alone does not
// move the jobs of a live former leader.

import type { JobLeaderWorkerTransferAck, NodeId } from "../messages.js";
import type { ManagedJob } from "./job-state.js";
import type { JobHost, JobTable } from "./jobs.js";

export class Takeovers {
  /** Gate notices not yet acked: job → token. Resent by `resend()`. */
  readonly pendingGateNotices = new Map<string, number>();

  constructor(
    private readonly host: JobHost,
    private readonly table: JobTable,
  ) {}

  /** Takes over every replica that `orphaned` says has lost its leader. */
  takeOverOrphans(orphaned: (job: ManagedJob) => boolean): void {
    for (const job of this.table.jobs.values()) {
      if (job.leader !== this.host.env.id && orphaned(job)) this.takeOver(job);
    }
  }

  takeOver(job: ManagedJob): void {
    const env = this.host.env;
    const from = job.leader;
    env.mark(job.status === "running" ? "manager.takeover.running" : "manager.takeover.finished");
    job.leader = env.id;
    job.leaderIncarnation = this.host.incarnation();
    job.fence.enterEpoch(this.host.term());
    const token = job.fence.next();
    env.emit("fence.issued", { job: job.jobId, dc: this.host.dc, token, purpose: "takeover" });
    env.emit("job.takeover", { job: job.jobId, dc: this.host.dc, fenceToken: token, from });
    const holders = new Set<NodeId>();
    for (const wf of job.workflows.values()) {
      if ((wf.status === "dispatched" || wf.status === "running") && wf.worker !== null) holders.add(wf.worker);
    }
    job.reconciling = new Set();
    for (const w of holders)
      env.send(w, { type: "job-leader-worker-transfer", jobId: job.jobId, newLeader: env.id, fenceToken: token });
    env.after(this.host.cfg.requestTimeoutStandardMs * 1000, () => this.reconcileDone(job));
    if (job.originGate !== null && job.status === "running") {
      this.pendingGateNotices.set(job.jobId, token);
      this.notifyGate(job, token);
    }
    // A job that finished under the old leader may still owe the gate its final result.
    if (job.status !== "running" && !job.finalAcked) this.table.oweFinal(job);
    this.table.sync(job);
  }

  onWorkerAck(from: NodeId, ack: JobLeaderWorkerTransferAck): void {
    const job = this.table.jobs.get(ack.jobId);
    if (job === undefined || job.leader !== this.host.env.id || job.reconciling === null) return;
    for (const s of ack.workflowStates) {
      const wf = job.workflows.get(s.workflowId);
      if (wf === undefined) continue;
      job.fence.atLeast(s.fenceToken);
      if (s.fenceToken < wf.fenceToken && wf.status !== "pending") {
        this.host.env.mark("manager.reconcile.staleState");
        continue;
      }
      this.host.env.mark("manager.reconcile.confirmed");
      // What the worker runs (or has finished and will report) is the truth (AD-4).
      this.host.env.emit("workflow.reconciled", {
        job: job.jobId,
        dc: this.host.dc,
        workflow: wf.workflowId,
        worker: from,
        token: s.fenceToken,
        was: wf.status,
      });
      wf.worker = from;
      wf.fenceToken = s.fenceToken;
      if (wf.status === "pending" || wf.status === "dispatched") wf.status = "running";
      job.reconciling.add(wf.workflowId);
    }
  }

  private reconcileDone(job: ManagedJob): void {
    const confirmed = job.reconciling;
    if (confirmed === null || this.table.jobs.get(job.jobId) !== job) return;
    job.reconciling = null;
    for (const wf of job.workflows.values()) {
      if ((wf.status === "dispatched" || wf.status === "running") && !confirmed.has(wf.workflowId)) {
        this.host.env.mark("manager.reconcile.lost");
        this.table.failAttempt(job, wf, "lost in takeover", false);
      }
    }
    this.table.sync(job);
    this.table.markWaiting(job);
    this.table.pump();
  }

  onGateAck(jobId: string): void {
    this.pendingGateNotices.delete(jobId);
  }

  resend(): void {
    for (const [jobId, token] of this.pendingGateNotices) {
      const job = this.table.jobs.get(jobId);
      if (job === undefined || job.leader !== this.host.env.id) this.pendingGateNotices.delete(jobId);
      else {
        this.host.env.mark("manager.takeover.gateNoticeResent");
        this.notifyGate(job, token);
      }
    }
  }

  private notifyGate(job: ManagedJob, token: number): void {
    if (job.originGate === null) return;
    this.host.env.send(job.originGate, {
      type: "job-leader-manager-transfer",
      jobId: job.jobId,
      datacenter: this.host.dc,
      newLeader: this.host.env.id,
      fenceToken: token,
    });
  }
}
