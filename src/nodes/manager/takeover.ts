// Job-leader takeover inside a DC (PROTOCOL.md §5.12): when a job's leader dies, the DC
// leader takes the job over from its replica. It raises the job's fence token
// (old + 1, or the first token of its own term's epoch if that is higher), tells every worker that holds the job's
// workflows (`job-leader-worker-
// transfer`) and the origin gate (`job-leader-manager-transfer`), then reconciles: the
// workers are the source of truth (AD-4), so a workflow the replica thinks is live but
// no worker reports within requestTimeoutStandardMs is requeued.
//
// Which jobs move (§5.12, last bullet): every job the DC leader does not own — its leader
// died, restarted, or simply lost the DC leadership (a former leader holds its jobs on
// hold, election.ts lease) — and the jobs the DC leader itself led before it restarted.

import type { TimerHandle } from "../../sim/index.js";
import type { JobLeaderWorkerTransferAck, JobReplica, NodeId } from "../messages.js";
import { majority } from "../parts/election.js";
import { isTerminal, mergeReplica, type ManagedJob } from "./job-state.js";
import type { JobHost, JobTable } from "./jobs.js";

export class Takeovers {
  /** Gate notices not yet acked: job → token. Resent by `resend()`. */
  readonly pendingGateNotices = new Map<string, number>();
  /** Jobs whose peers' copies this manager gathers before taking them over: who answered. */
  private readonly gathering = new Map<string, { answered: Set<NodeId>; timer: TimerHandle }>();

  constructor(
    private readonly host: JobHost,
    private readonly table: JobTable,
  ) {}

  /** Takes over every job this manager (the DC leader) does not own, unless nothing is left to do for it. */
  takeOverAll(): void {
    for (const job of this.table.jobs.values()) {
      if (this.table.owns(job)) continue;
      if (job.status !== "running" && job.finalAcked) continue; // over and delivered: nothing to lead
      this.gather(job.jobId);
    }
  }

  /**
   * Step 0 of a takeover: a majority's copies of the job, folded into ours, so whatever
   * the old leader had committed (commits.ts) is known before anything is redone.
   */
  private gather(jobId: string): void {
    if (this.gathering.has(jobId)) return;
    const g = { answered: new Set([this.host.env.id]), timer: -1 };
    this.gathering.set(jobId, g);
    this.askPeers(jobId);
  }

  private askPeers(jobId: string): void {
    const g = this.gathering.get(jobId);
    if (g === undefined) return;
    if (this.enoughAnswers(g.answered)) return this.gathered(jobId);
    for (const p of this.host.peers) if (!g.answered.has(p)) this.host.env.send(p, { type: "job-state-pull", jobId });
    g.timer = this.host.env.after(this.host.cfg.requestTimeoutStandardMs * 1000, () => {
      g.timer = -1;
      if (!this.host.actsAsLeader()) {
        this.gathering.delete(jobId); // catchUp() starts over once this manager may act again
        return;
      }
      this.host.env.mark("manager.takeover.gatherRetry");
      this.askPeers(jobId);
    });
  }

  onPullResponse(from: NodeId, jobId: string, replica: JobReplica | null, finished: boolean): void {
    const g = this.gathering.get(jobId);
    const job = this.table.jobs.get(jobId);
    if (g === undefined || job === undefined || g.answered.has(from)) return;
    if (finished) {
      // A peer saw the job end and deleted it: this copy is a leftover (a late or replayed
      // sync brought it back), not a job to run again.
      if (g.timer !== -1) this.host.env.cancel(g.timer);
      this.gathering.delete(jobId);
      this.host.env.mark("manager.takeover.alreadyFinished");
      return this.table.dropFinished(jobId);
    }
    if (replica !== null) mergeReplica(job, replica, this.host.env.localNow());
    g.answered.add(from);
    if (this.enoughAnswers(g.answered)) this.gathered(jobId);
  }

  private enoughAnswers(answered: ReadonlySet<NodeId>): boolean {
    return answered.size >= majority(this.host.peers.length + 1);
  }

  private gathered(jobId: string): void {
    const g = this.gathering.get(jobId);
    if (g !== undefined && g.timer !== -1) this.host.env.cancel(g.timer);
    this.gathering.delete(jobId);
    const job = this.table.jobs.get(jobId);
    // Still ours to take: this manager still leads the DC and nobody else took it meanwhile.
    if (job === undefined || this.table.owns(job) || !this.host.actsAsLeader()) return;
    this.takeOver(job);
  }

  private takeOver(job: ManagedJob): void {
    const env = this.host.env;
    const from = job.leader;
    env.mark(
      from === env.id
        ? "manager.takeover.ownAfterRestart"
        : job.status === "running"
          ? "manager.takeover.running"
          : "manager.takeover.finished",
    );
    this.table.takenOver(job.jobId);
    this.table.restartCommits(job.jobId);
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
    const round = new Set<string>();
    job.reconciling = round;
    for (const w of holders)
      env.send(w, { type: "job-leader-worker-transfer", jobId: job.jobId, newLeader: env.id, fenceToken: token });
    env.after(this.host.cfg.requestTimeoutStandardMs * 1000, () => this.reconcileDone(job, round));
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
    if (job === undefined || !this.table.owns(job) || job.reconciling === null) return;
    for (const s of ack.workflowStates) {
      const wf = job.workflows.get(s.workflowId);
      if (wf === undefined) continue;
      job.fence.atLeast(s.fenceToken);
      if (isTerminal(wf.status)) {
        // Already over here (the replica knew its result): nothing to reconcile.
        this.host.env.mark("manager.reconcile.alreadyOver");
        continue;
      }
      if (s.fenceToken < wf.fenceToken && wf.status !== "pending") {
        this.host.env.mark("manager.reconcile.staleState");
        continue;
      }
      if (wf.status === "pending" && s.status !== "running" && s.fenceToken <= wf.fenceToken) {
        // The worker's result for this attempt got here first and already requeued the
        // workflow: nothing runs it any more, so confirming it would wait forever on a
        // result this leader has taken (chaos seed 1892).
        this.host.env.mark("manager.reconcile.resultAlreadyTaken");
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

  /** Ends one takeover's reconciliation window; `round` is that takeover's set of confirmed workflows. */
  private reconcileDone(job: ManagedJob, round: Set<string>): void {
    const confirmed = job.reconciling;
    // A later takeover of the same job opened its own window: this (older) timer must not
    // close it early, or workers that still hold the work are robbed of it (chaos seed 689).
    if (confirmed !== round || this.table.jobs.get(job.jobId) !== job || !this.table.owns(job)) return;
    if (!this.table.leads(job)) {
      // On hold (lease lapsed): conclude once this manager may act again.
      this.host.env.after(this.host.cfg.requestTimeoutStandardMs * 1000, () => this.reconcileDone(job, round));
      return;
    }
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
      if (job === undefined || !this.table.owns(job)) this.pendingGateNotices.delete(jobId);
      else if (this.table.leads(job)) {
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
