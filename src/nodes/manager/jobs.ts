// The job-leader side of a manager (PROTOCOL.md §5.8–§5.11, §5.16 manager completion,
// §5.28): accept a job, pick workers, dispatch each workflow with a fresh fence token,
// follow acks, progress and final results, retry failures on another worker, report the
// DC's final result to the origin gate until acked, and delete the job after retention.
//
// Every status change is synced to the DC's other managers (`job-state-sync`) so one of
// them can take the job over (takeover.ts). The job table is plain mutable state; the
// only per-job timers are dispatch-ack timeouts and final-result retries.

import type { NodeEnv, TimerHandle } from "../../sim/index.js";
import type { ManagerConfig } from "../config.js";
import type {
  ClusterMessage,
  JobSpec,
  NodeId,
  WorkflowDispatchAck,
  WorkflowFinalResult,
  WorkflowProgress,
} from "../messages.js";
import { DeletedJobs } from "../parts/deleted-jobs.js";
import { EPOCH_STRIDE } from "../parts/fencing.js";
import { SyncCommits } from "./commits.js";
import { applyReplica, isTerminal, newJob, toReplica, type ManagedJob, type ManagedWorkflow } from "./job-state.js";
import type { WorkerRegistry } from "./workers.js";

export interface JobHost {
  readonly env: NodeEnv<ClusterMessage>;
  readonly cfg: ManagerConfig;
  readonly dc: string;
  readonly workers: WorkerRegistry;
  /** The DC's other managers (sync targets). */
  readonly peers: readonly NodeId[];
  /** This manager's current membership incarnation. */
  incarnation(): number;
  /** The DC election term this manager leads in (its fencing epoch). */
  term(): number;
  /**
   * DC leader with a valid lease (election.ts): no other leader can exist. A job leader
   * changes its jobs only then; a stale leader (cut off, paused) keeps its jobs on hold.
   */
  actsAsLeader(): boolean;
}

/** Where the job ledger lives in `env.durable` (PROTOCOL.md §1: the manager's job ledger is durable). */
const LEDGER_KEY = "manager.jobs";

export class JobTable {
  /**
   * Every job this manager leads or holds a replica of. The map is the durable ledger
   * itself (`env.durable`), so every change is on disk before any ack that depends on it;
   * a restarted manager starts from a clean copy of it (see the constructor).
   */
  readonly jobs: Map<string, ManagedJob>;
  /**
   * Jobs this manager led in an earlier life: their leader field names it, but what it
   * knew in flight is gone, so it does not own them until it takes them over like any
   * orphan (takeover.ts), with a new token and a reconcile.
   */
  private readonly inherited = new Set<string>();
  /** Jobs deleted here, so a late copy of a submission does not create one again. */
  readonly deleted: DeletedJobs;
  /** Jobs this manager leads that may have PENDING workflows: all `pump` has to look at. */
  private readonly waiting = new Set<ManagedJob>();
  /** Jobs with progress not yet pushed to their gate. */
  private readonly progressDirty = new Set<ManagedJob>();
  private readonly syncQueue = new Set<ManagedJob>();
  private readonly commits: SyncCommits;
  /** Terminal jobs this manager leads whose final result the gate has not acked yet. */
  private readonly finalsOwed = new Set<ManagedJob>();
  private readonly onSyncFlush = (): void => this.flushSyncs();
  private readonly ackTimers = new Map<string, TimerHandle>();
  private pumpTimer: TimerHandle = -1;
  private pumpAtUs = Infinity;
  /** During a pump: the fewest cores no worker could take (free cores only shrink within a pump). */
  private blockedAtCores = Infinity;
  private readonly onPump = (): void => {
    this.pumpTimer = -1;
    this.pumpAtUs = Infinity;
    this.pump();
  };
  private readonly onProgressPush = (): void => this.pushProgress();
  private readonly onCleanup = (): void => this.cleanup();
  private readonly onFinalResend = (): void => this.resendFinals();
  private readonly onPeerSync = (): void => {
    this.host.env.after(this.host.cfg.peerSyncIntervalMs * 1000, this.onPeerSync);
    // Also when not acting as leader: a new DC leader that missed a job learns it this way.
    // And jobs with changes not yet committed (their syncs may all have been lost).
    for (const job of this.jobs.values())
      if (this.owns(job) && (job.status === "running" || this.commits.hasWaiters(job.jobId))) this.sync(job);
  };

  constructor(private readonly host: JobHost) {
    this.deleted = new DeletedJobs(host.env, host.cfg.idempotencyCommittedTtlMs, "manager.deletedJobs");
    this.commits = new SyncCommits(host.peers.length + 1);
    this.jobs = new Map();
    const stored = host.env.durable[LEDGER_KEY];
    if (stored instanceof Map) {
      const now = host.env.localNow();
      for (const [jobId, old] of stored as Map<string, ManagedJob>) {
        const job = applyReplica(undefined, toReplica(old), now);
        if (job === null) continue;
        this.jobs.set(jobId, job);
        if (job.leader === host.env.id) this.inherited.add(jobId);
      }
      if (this.jobs.size > 0) host.env.mark("manager.ledger.reloaded");
    }
    host.env.durable[LEDGER_KEY] = this.jobs;
  }

  /**
   * This manager just won `term`. A job it leads under a fence token of an earlier term may
   * have been taken over and even finished by a leader in between whose word it missed (a
   * partition, a pause): it takes such a job over again, gathering its peers' copies first,
   * like a job it inherited from before a restart. Acting on its own stale copy would redo
   * work another leader already ended (chaos seed 3125).
   */
  reclaimEarlierTerms(term: number): void {
    for (const job of this.jobs.values()) {
      if (job.leader !== this.host.env.id || this.inherited.has(job.jobId)) continue;
      if (job.fence.current >= term * EPOCH_STRIDE) continue;
      if (job.status !== "running" && job.finalAcked) continue;
      this.host.env.mark("manager.job.reclaimedAfterElection");
      this.inherited.add(job.jobId);
    }
  }

  /** A job this manager led before it restarted was taken over (by itself or a peer). */
  takenOver(jobId: string): void {
    this.inherited.delete(jobId);
  }

  start(): void {
    const cfg = this.host.cfg;
    this.host.env.after(cfg.progressPushIntervalMs * 1000, this.onProgressPush);
    this.host.env.after(cfg.jobCleanupIntervalMs * 1000, this.onCleanup);
    this.host.env.after(cfg.requestTimeoutShortMs * 1000, this.onFinalResend);
    this.host.env.after(cfg.peerSyncIntervalMs * 1000, this.onPeerSync);
  }

  /** A peer finished and deleted a job this manager still leads: it was cut off meanwhile; drop it. */
  onSuperseded(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (job === undefined || !this.owns(job) || job.status !== "running") return;
    this.host.env.mark("manager.job.superseded");
    this.jobs.delete(jobId);
    this.commits.forget(jobId);
    this.deleted.addReplica(jobId, true);
    for (const wf of job.workflows.values()) this.clearAckTimer(jobId, wf.workflowId);
    this.host.env.emit("job.deleted", { job: jobId, role: "manager" });
  }

  /** Per-job obligations still open: dispatch ACK timers, owed final results, jobs waiting to place work. */
  openPerJob(): Record<string, string[]> {
    const live = (job: ManagedJob): boolean => this.jobs.get(job.jobId) === job && this.owns(job);
    return {
      dispatchAckTimers: [...this.ackTimers.keys()],
      finalsOwed: [...this.finalsOwed].filter((j) => live(j) && !j.finalAcked).map((j) => j.jobId),
      waiting: [...this.waiting].filter((j) => live(j) && j.status === "running").map((j) => j.jobId),
    };
  }

  get ledJobCount(): number {
    let n = 0;
    for (const j of this.jobs.values()) if (this.owns(j) && j.status === "running") n++;
    return n;
  }

  /** This manager is the job's leader (whether or not it may act right now). */
  owns(job: ManagedJob): boolean {
    return job.leader === this.host.env.id && !this.inherited.has(job.jobId);
  }

  /** This manager is the job's leader and may act on it now (`actsAsLeader`). */
  leads(job: ManagedJob): boolean {
    return this.owns(job) && this.host.actsAsLeader();
  }

  accept(spec: JobSpec, originGate: NodeId | null, gateFenceToken: number): ManagedJob {
    const env = this.host.env;
    const job = newJob(spec, env.id, this.host.incarnation(), originGate, gateFenceToken, env.localNow());
    this.jobs.set(job.jobId, job);
    job.fence.enterEpoch(this.host.term());
    const token = job.fence.next();
    env.emit("fence.issued", { job: job.jobId, dc: this.host.dc, token, purpose: "create" });
    env.emit("job.leaderAccepted", { job: job.jobId, dc: this.host.dc, fenceToken: token });
    this.sync(job);
    this.waiting.add(job);
    this.pump();
    return job;
  }

  /**
   * Replicates the job to the DC's other managers. Changes made in one step are coalesced
   * into one sync sent right after it (a zero-delay timer), so a step that moves several
   * workflows costs one replica per peer.
   */
  sync(job: ManagedJob): void {
    job.lastUpdateUs = this.host.env.localNow();
    this.syncQueue.add(job);
    if (this.syncQueue.size === 1) this.host.env.after(0, this.onSyncFlush);
  }

  private flushSyncs(): void {
    for (const job of this.syncQueue) {
      if (this.jobs.get(job.jobId) !== job || !this.owns(job)) continue;
      const replica = toReplica(job);
      const version = this.commits.next(job.jobId);
      for (const p of this.host.peers) this.host.env.send(p, { type: "job-state-sync", replica, version });
    }
    this.syncQueue.clear();
  }

  /** A peer holds the job as of `version`: changes up to it may be acted on once a majority does. */
  onSyncAck(from: NodeId, jobId: string, fenceToken: number, version: number): void {
    const job = this.jobs.get(jobId);
    if (job === undefined || !this.owns(job) || fenceToken !== job.fence.current) return;
    this.commits.ack(jobId, from, version);
  }

  /** Runs `fn` once the job's state as of now is held by a majority of the DC's managers. */
  afterCommit(job: ManagedJob, fn: () => void): void {
    this.sync(job); // the state as of now goes out in the next sync (coalesced with any queued one)
    const version = this.commits.current(job.jobId) + 1;
    this.commits.when(job.jobId, version, () => {
      if (this.jobs.get(job.jobId) === job && this.owns(job)) fn();
    });
  }

  /** A job a peer knows is over and deleted came back here from a stale copy: forget it as over. */
  dropFinished(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (job === undefined) return;
    this.jobs.delete(jobId);
    this.inherited.delete(jobId);
    this.commits.forget(jobId);
    this.deleted.addReplica(jobId, true);
    for (const wf of job.workflows.values()) this.clearAckTimer(jobId, wf.workflowId);
    this.host.env.emit("job.deleted", { job: jobId, role: "manager" });
  }

  /** A takeover raised the token: versions and acks start over. */
  restartCommits(jobId: string): void {
    this.commits.restart(jobId);
  }

  // ---- scheduling ---------------------------------------------------------------------

  /**
   * Dispatches every ready workflow of the jobs this manager leads that a worker can take,
   * in the order the jobs started waiting. Within a pump free cores only shrink, so once no
   * worker can take c cores, place() does not scan the workers again for c or more: a
   * saturated DC with a backlog of thousands of jobs costs O(backlog) a pump, not
   * O(backlog × workers), and does exactly what a full scan would.
   */
  pump(): void {
    const now = this.host.env.localNow();
    this.blockedAtCores = Infinity;
    for (const job of this.waiting) {
      if (this.jobs.get(job.jobId) !== job || !this.owns(job) || job.status !== "running") {
        this.waiting.delete(job);
        continue;
      }
      if (!this.host.actsAsLeader()) return; // on hold: catchUp() pumps again
      if (job.reconciling !== null) continue;
      let pending = 0;
      for (const wf of job.workflows.values()) {
        if (wf.status !== "pending") continue;
        pending++;
        if (wf.notBeforeUs > now) {
          this.host.env.mark("manager.place.backoffWait");
          this.wakeAt(wf.notBeforeUs);
          continue;
        }
        this.place(job, wf);
      }
      if (pending === 0) this.waiting.delete(job);
    }
  }

  /** Marks a job as having PENDING workflows (accept, requeue, takeover). */
  markWaiting(job: ManagedJob): void {
    this.waiting.add(job);
  }

  private place(job: ManagedJob, wf: ManagedWorkflow): void {
    // A request at least as large as one nobody could take in this pump cannot fit either.
    const worker = wf.cores >= this.blockedAtCores ? null : this.host.workers.pick(wf.cores, wf.failedWorkers);
    if (worker !== null) return this.dispatch(job, wf, worker.id);
    if (wf.failedWorkers.length === 0) this.blockedAtCores = Math.min(this.blockedAtCores, wf.cores);
    if (!this.host.workers.anyCandidate(wf.cores, wf.failedWorkers) && this.host.workers.workers.size > 0) {
      // Every worker that could run it has failed it (MW-6.2.3): a permanent failure.
      this.host.env.mark("manager.place.noWorkerLeft");
      this.finishWorkflow(job, wf, "failed", "no worker left");
      // Ending a workflow may end its job; whatever that frees, the next request scans again.
      this.blockedAtCores = Infinity;
      return;
    }
    this.host.env.mark("manager.place.waitForCores");
    this.wakeAt(this.host.env.localNow() + this.host.cfg.coreWaitSliceMs * 1000);
  }

  private dispatch(job: ManagedJob, wf: ManagedWorkflow, worker: NodeId): void {
    const env = this.host.env;
    const token = job.fence.next();
    wf.status = "dispatched";
    wf.worker = worker;
    wf.fenceToken = token;
    wf.attempts++;
    const record = this.host.workers.workers.get(worker);
    if (record !== undefined) record.reserved += wf.cores;
    wf.workerIncarnation = record?.incarnation ?? 0;
    env.emit("fence.issued", { job: job.jobId, dc: this.host.dc, token, purpose: "dispatch" });
    env.emit("workflow.dispatched", {
      job: job.jobId,
      dc: this.host.dc,
      workflow: wf.workflowId,
      worker,
      token,
      workerIncarnation: wf.workerIncarnation,
    });
    env.send(worker, {
      type: "workflow-dispatch",
      jobId: job.jobId,
      workflowId: wf.workflowId,
      name: wf.name,
      cores: wf.cores,
      declaredDurationMs: wf.declaredDurationMs,
      fenceToken: token,
      jobLeader: env.id,
      workerIncarnation: wf.workerIncarnation,
      jobTimeoutMs: job.timeoutMs,
    });
    this.armAckTimer(job, wf);
    this.sync(job);
  }

  private armAckTimer(job: ManagedJob, wf: ManagedWorkflow): void {
    const token = wf.fenceToken;
    const timer = this.host.env.after(this.host.cfg.requestTimeoutStandardMs * 1000, () =>
      this.dispatchTimedOut(job.jobId, wf.workflowId, token),
    );
    this.ackTimers.set(`${job.jobId}/${wf.workflowId}`, timer);
  }

  /**
   * This manager may act again (lease restored, or it just became DC leader): do what was
   * put on hold — the global timeouts the gate declared, the dispatch-ack timeouts that
   * fired, and placing pending work.
   */
  catchUp(): void {
    for (const job of this.jobs.values()) {
      if (!this.leads(job) || job.status !== "running") continue;
      if (job.timedOut) this.applyTimeout(job);
      for (const wf of job.workflows.values())
        if (wf.status === "dispatched" && !this.ackTimers.has(`${job.jobId}/${wf.workflowId}`))
          this.armAckTimer(job, wf);
      this.waiting.add(job);
    }
    this.pump();
  }

  private wakeAt(atUs: number): void {
    if (atUs >= this.pumpAtUs) return;
    if (this.pumpTimer !== -1) this.host.env.cancel(this.pumpTimer);
    this.pumpAtUs = atUs;
    this.pumpTimer = this.host.env.after(Math.max(0, atUs - this.host.env.localNow()), this.onPump);
  }

  private clearAckTimer(jobId: string, workflowId: string): void {
    const key = `${jobId}/${workflowId}`;
    const t = this.ackTimers.get(key);
    if (t === undefined) return;
    this.host.env.cancel(t);
    this.ackTimers.delete(key);
  }

  onDispatchAck(ack: WorkflowDispatchAck): void {
    const job = this.jobs.get(ack.jobId);
    const wf = job?.workflows.get(ack.workflowId);
    if (
      job === undefined ||
      wf === undefined ||
      !this.leads(job) ||
      wf.fenceToken !== ack.fenceToken ||
      wf.status !== "dispatched"
    ) {
      this.host.env.mark("manager.ack.ignored");
      return;
    }
    this.clearAckTimer(ack.jobId, ack.workflowId);
    if (ack.accepted) {
      wf.status = "running";
      this.host.env.emit("workflow.running", {
        job: job.jobId,
        dc: this.host.dc,
        workflow: wf.workflowId,
        worker: wf.worker ?? "",
        token: wf.fenceToken,
      });
      this.sync(job);
      return;
    }
    // Short of cores or queue room is transient; anything else counts against the worker.
    const transient =
      ack.error === "insufficient-cores" ||
      ack.error === "too many pending workflows" ||
      ack.error === "stale fence token" ||
      ack.error === "stale incarnation";
    this.host.env.mark(transient ? "manager.ack.rejectedTransient" : "manager.ack.rejectedBlamed");
    this.failAttempt(job, wf, `dispatch rejected: ${ack.error ?? "?"}`, !transient);
  }

  private dispatchTimedOut(jobId: string, workflowId: string, token: number): void {
    this.ackTimers.delete(`${jobId}/${workflowId}`);
    const job = this.jobs.get(jobId);
    const wf = job?.workflows.get(workflowId);
    if (job === undefined || wf === undefined || wf.fenceToken !== token || wf.status !== "dispatched") return;
    if (!this.leads(job)) return; // on hold: catchUp() re-arms it
    this.host.env.mark("manager.dispatch.timeout");
    this.failAttempt(job, wf, "dispatch timeout", true);
  }

  /** FAILED → (retry allowed) PENDING with backoff on another worker, else FAILED for good. */
  failAttempt(job: ManagedJob, wf: ManagedWorkflow, reason: string, blameWorker: boolean): void {
    const worker = wf.worker;
    this.clearAckTimer(job.jobId, wf.workflowId);
    const record = worker === null ? undefined : this.host.workers.workers.get(worker);
    if (record !== undefined && wf.status === "dispatched") record.reserved = Math.max(0, record.reserved - wf.cores);
    if (blameWorker && worker !== null && !wf.failedWorkers.includes(worker)) wf.failedWorkers.push(worker);
    const retry = wf.attempts < this.host.cfg.maxDispatchAttempts && job.status === "running" && !job.timedOut;
    this.host.env.emit("workflow.failed", {
      job: job.jobId,
      dc: this.host.dc,
      workflow: wf.workflowId,
      worker: worker ?? "",
      token: wf.fenceToken,
      reason,
      retry,
      blame: blameWorker,
    });
    if (!retry) {
      this.host.env.mark(job.timedOut ? "manager.retry.jobTimedOut" : "manager.retry.exhausted");
      // After the job's timeout the attempt was being cancelled (§3.1 CANCELLING): an attempt
      // that then fails or times out ends CANCELLED, the failure recorded as the reason.
      return job.timedOut
        ? this.finishWorkflow(job, wf, "cancelled", `cancel unconfirmed: ${reason}`)
        : this.finishWorkflow(job, wf, "failed", reason);
    }
    this.host.env.mark(blameWorker ? "manager.retry.blamed" : "manager.retry.unblamed");
    const cfg = this.host.cfg;
    const backoffMs = blameWorker
      ? Math.min(cfg.dispatchBackoffMaxMs, cfg.dispatchBackoffBaseMs * 2 ** (wf.attempts - 1))
      : cfg.dispatchBackoffBaseMs;
    wf.status = "pending";
    wf.worker = null;
    wf.notBeforeUs = this.host.env.localNow() + backoffMs * 1000;
    this.waiting.add(job);
    this.host.env.emit("workflow.requeued", {
      job: job.jobId,
      dc: this.host.dc,
      workflow: wf.workflowId,
      attempts: wf.attempts,
    });
    this.sync(job);
    this.wakeAt(wf.notBeforeUs);
  }

  // ---- progress and results -----------------------------------------------------------

  onProgress(from: NodeId, p: WorkflowProgress): void {
    const job = this.jobs.get(p.jobId);
    if (job === undefined) return;
    this.host.env.send(from, {
      type: "workflow-progress-ack",
      jobId: p.jobId,
      workflowId: p.workflowId,
      jobLeader: job.leader,
      fenceToken: job.fence.current,
    });
    const wf = job.workflows.get(p.workflowId);
    if (wf === undefined || !this.leads(job) || wf.fenceToken !== p.fenceToken || job.status !== "running") {
      this.host.env.mark("manager.progress.ignored");
      return;
    }
    wf.completedCount = p.completedCount;
    this.progressDirty.add(job);
  }

  onFinalResult(from: NodeId, r: WorkflowFinalResult): void {
    const job = this.jobs.get(r.jobId);
    if (job === undefined && this.deleted.isFinished(r.jobId)) {
      // The job is over and gone: nobody needs this result any more, so the worker may drop it.
      this.host.env.mark("manager.result.forDeletedJob");
      this.host.env.send(from, {
        type: "workflow-final-result-ack",
        jobId: r.jobId,
        workflowId: r.workflowId,
        fenceToken: r.fenceToken,
        ok: true,
      });
      return;
    }
    if (job === undefined || !this.leads(job)) {
      // Not (yet) this job's leader: no ack, so the worker keeps the result until a transfer.
      this.host.env.mark("manager.result.notLeader");
      this.host.env.send(from, {
        type: "workflow-final-result-ack",
        jobId: r.jobId,
        workflowId: r.workflowId,
        fenceToken: r.fenceToken,
        ok: false,
      });
      return;
    }
    const wf = job.workflows.get(r.workflowId);
    // While a takeover reconciles, a result may carry a token we have not learned yet:
    // leave it unacked so the worker retries after the transfer ack has taught us.
    const ack = (ok: boolean): void =>
      this.host.env.send(from, {
        type: "workflow-final-result-ack",
        jobId: r.jobId,
        workflowId: r.workflowId,
        fenceToken: r.fenceToken,
        ok,
      });
    if (job.reconciling !== null && wf !== undefined && wf.fenceToken < r.fenceToken) {
      this.host.env.mark("manager.result.awaitingReconcile");
      return ack(false);
    }
    // A result under another token than the workflow's current one is stale (§7): nothing to keep.
    if (wf === undefined || wf.fenceToken !== r.fenceToken || wf.status === "pending") {
      this.host.env.mark("manager.result.stale");
      return ack(true);
    }
    // The worker may forget the result only once the DC holds what it changed (commits.ts).
    const ackWhenHeld = (): void => this.afterCommit(job, () => ack(true));
    if (isTerminal(wf.status)) {
      this.host.env.mark("manager.result.duplicate");
      return ackWhenHeld();
    }
    this.clearAckTimer(job.jobId, wf.workflowId);
    if (wf.status === "dispatched") this.host.env.mark("manager.result.beforeAck");
    if (r.status === "completed") this.finishWorkflow(job, wf, "completed", null);
    else if (r.status === "cancelled" && r.error === "orphaned" && !job.timedOut) {
      this.host.env.mark("manager.result.orphanedOnWorker");
      this.failAttempt(job, wf, "orphaned on worker", false);
    } else if (r.status === "cancelled") {
      this.host.env.mark("manager.result.cancelled");
      this.finishWorkflow(job, wf, "cancelled", r.error);
    } else {
      this.host.env.mark("manager.result.failed");
      this.failAttempt(job, wf, r.error ?? "execution error", true);
    }
    ackWhenHeld();
  }

  finishWorkflow(
    job: ManagedJob,
    wf: ManagedWorkflow,
    status: "completed" | "failed" | "cancelled",
    reason: string | null,
  ): void {
    wf.status = status;
    const detail = { job: job.jobId, dc: this.host.dc, workflow: wf.workflowId, token: wf.fenceToken, status, reason };
    // The ending is the DC's once a majority holds it; a leader that loses the job before
    // that never ended it (the next one may run the workflow again).
    this.afterCommit(job, () => this.host.env.emit("workflow.terminal", detail));
    this.progressDirty.add(job);
    this.sync(job);
    this.checkJobDone(job);
  }

  private checkJobDone(job: ManagedJob): void {
    if (job.status !== "running") return;
    let failed = 0;
    let completed = 0;
    for (const wf of job.workflows.values()) {
      if (!isTerminal(wf.status)) return;
      if (wf.status === "completed") completed++;
      else failed++;
    }
    job.status = job.timedOut ? "timeout" : completed === 0 && failed > 0 ? "failed" : "completed";
    this.host.env.mark(
      job.status === "timeout"
        ? "manager.job.timedOut"
        : job.status === "failed"
          ? "manager.job.failed"
          : failed > 0
            ? "manager.job.partlyFailed"
            : "manager.job.completed",
    );
    job.terminalAtUs = this.host.env.localNow();
    const detail = { job: job.jobId, dc: this.host.dc, status: job.status };
    this.sync(job);
    this.afterCommit(job, () => this.host.env.emit("job.dcTerminal", detail));
    this.oweFinal(job);
  }

  /**
   * Sends the job's final result once the DC holds the ending (a new leader would otherwise
   * not know it), and keeps retrying until acked.
   */
  oweFinal(job: ManagedJob): void {
    this.afterCommit(job, () => {
      this.finalsOwed.add(job);
      if (this.leads(job)) this.sendFinal(job);
    });
  }

  private sendFinal(job: ManagedJob): void {
    if (job.originGate === null || job.finalAcked) return;
    let completed = 0;
    let failed = 0;
    for (const wf of job.workflows.values()) wf.status === "completed" ? completed++ : failed++;
    const status = job.status === "running" ? "failed" : job.status;
    this.host.env.send(job.originGate, {
      type: "job-final-result",
      jobId: job.jobId,
      datacenter: this.host.dc,
      status,
      totalCompleted: completed,
      totalFailed: failed,
      fenceToken: job.fence.current,
      error: null,
    });
  }

  onFinalAck(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (job === undefined || job.finalAcked) return;
    this.host.env.mark("manager.final.acked");
    job.finalAcked = true;
    // Replicas learn it too: after a takeover or restart, any of them can tell an adopting gate.
    if (this.owns(job)) this.sync(job);
  }

  /** The final result is retried until acked or the gate has been silent too long. */
  private resendFinals(): void {
    this.host.env.after(this.host.cfg.requestTimeoutShortMs * 1000, this.onFinalResend);
    const now = this.host.env.localNow();
    const giveUpUs = this.host.cfg.gateUnresponsiveFallbackMs * 1000;
    for (const job of this.finalsOwed) {
      const owed =
        this.jobs.get(job.jobId) === job && this.owns(job) && !job.finalAcked && now - job.terminalAtUs < giveUpUs;
      if (owed && !this.leads(job)) continue; // on hold, still owed
      if (owed) {
        this.host.env.mark("manager.final.resent");
        this.sendFinal(job);
      } else {
        if (!job.finalAcked && now - job.terminalAtUs >= giveUpUs) this.host.env.mark("manager.final.gaveUp");
        this.finalsOwed.delete(job);
      }
    }
  }

  private pushProgress(): void {
    this.host.env.after(this.host.cfg.progressPushIntervalMs * 1000, this.onProgressPush);
    for (const job of this.progressDirty) {
      if (!this.leads(job) || job.originGate === null || this.jobs.get(job.jobId) !== job) continue;
      let finished = 0;
      for (const wf of job.workflows.values()) if (isTerminal(wf.status)) finished++;
      this.host.env.send(job.originGate, {
        type: "job-progress",
        jobId: job.jobId,
        datacenter: this.host.dc,
        progressSequence: ++job.progressSequence,
        finishedWorkflows: finished,
        totalWorkflows: job.workflows.size,
        fenceToken: job.fence.current,
      });
    }
    this.progressDirty.clear();
  }

  /** The gate declared a global timeout: cancel what runs, drop what waits (MW-7.1.5). */
  onGlobalTimeout(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (job === undefined || !this.owns(job) || job.status !== "running" || job.timedOut) return;
    this.host.env.mark("manager.timeout.global");
    job.timedOut = true;
    if (this.leads(job)) this.applyTimeout(job); // else on hold: catchUp() applies it
  }

  private applyTimeout(job: ManagedJob): void {
    const jobId = job.jobId;
    for (const wf of job.workflows.values()) {
      if (wf.status === "pending") {
        this.host.env.mark("manager.timeout.pendingCancelled");
        this.finishWorkflow(job, wf, "cancelled", "job timeout");
      } else if ((wf.status === "running" || wf.status === "dispatched") && wf.worker !== null) {
        this.host.env.mark("manager.timeout.cancelSent");
        this.host.env.send(wf.worker, {
          type: "workflow-cancel-request",
          jobId,
          workflowId: wf.workflowId,
          reason: "job timeout",
        });
      }
    }
  }

  /** §5.28: completed jobs go after completedJobMaxAgeMs, others after failedJobMaxAgeMs. */
  private cleanup(): void {
    const cfg = this.host.cfg;
    this.host.env.after(cfg.jobCleanupIntervalMs * 1000, this.onCleanup);
    this.deleted.sweep();
    const now = this.host.env.localNow();
    for (const job of [...this.jobs.values()]) {
      const maxAgeUs = (job.status === "completed" ? cfg.completedJobMaxAgeMs : cfg.failedJobMaxAgeMs) * 1000;
      const terminalLongEnough = job.status !== "running" && now - job.terminalAtUs >= maxAgeUs;
      // A replica whose leader went silent is dropped after the longest retention too.
      const abandonedReplica = !this.owns(job) && now - job.lastUpdateUs >= cfg.failedJobMaxAgeMs * 1000;
      if (!terminalLongEnough && !abandonedReplica) continue;
      this.host.env.mark(terminalLongEnough ? "manager.cleanup.expired" : "manager.cleanup.abandonedReplica");
      this.jobs.delete(job.jobId);
      this.inherited.delete(job.jobId);
      this.commits.forget(job.jobId);
      // Only a job known to be over is remembered as over; an abandoned replica of a running
      // job may still run elsewhere.
      if (this.owns(job) && job.status !== "running") this.deleted.addOutcome(job.jobId, job.status);
      else if (job.status !== "running") this.deleted.addReplica(job.jobId, true, job.status);
      else this.deleted.addForgotten(job.jobId, job.fence.current);
      for (const wf of job.workflows.values()) this.clearAckTimer(job.jobId, wf.workflowId);
      this.host.env.emit("job.deleted", { job: job.jobId, role: "manager" });
    }
  }
}
