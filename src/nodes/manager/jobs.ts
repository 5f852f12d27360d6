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
import { isTerminal, newJob, toReplica, type ManagedJob, type ManagedWorkflow } from "./job-state.js";
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
}

export class JobTable {
  readonly jobs = new Map<string, ManagedJob>();
  /** Jobs this manager leads that may have PENDING workflows: all `pump` has to look at. */
  private readonly waiting = new Set<ManagedJob>();
  /** Jobs with progress not yet pushed to their gate. */
  private readonly progressDirty = new Set<ManagedJob>();
  private readonly syncQueue = new Set<ManagedJob>();
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

  constructor(private readonly host: JobHost) {}

  start(): void {
    const cfg = this.host.cfg;
    this.host.env.after(cfg.progressPushIntervalMs * 1000, this.onProgressPush);
    this.host.env.after(cfg.jobCleanupIntervalMs * 1000, this.onCleanup);
    this.host.env.after(cfg.requestTimeoutShortMs * 1000, this.onFinalResend);
  }

  get ledJobCount(): number {
    let n = 0;
    for (const j of this.jobs.values()) if (j.leader === this.host.env.id && j.status === "running") n++;
    return n;
  }

  leads(job: ManagedJob): boolean {
    return job.leader === this.host.env.id;
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
      if (this.jobs.get(job.jobId) !== job) continue;
      const replica = toReplica(job);
      for (const p of this.host.peers) this.host.env.send(p, { type: "job-state-sync", replica });
    }
    this.syncQueue.clear();
  }

  // ---- scheduling ---------------------------------------------------------------------

  /**
   * Dispatches every ready workflow of the jobs this manager leads that a worker can take,
   * in the order the jobs started waiting. Once no worker has a free core the rest of the
   * queue waits for the next pump (a heartbeat, a result, the core-wait timer): a saturated
   * DC with a backlog of thousands of jobs then costs O(1) a pump, not O(backlog × workers).
   */
  pump(): void {
    const now = this.host.env.localNow();
    this.blockedAtCores = Infinity;
    for (const job of this.waiting) {
      if (this.blockedAtCores <= 1) break;
      if (this.jobs.get(job.jobId) !== job || !this.leads(job) || job.status !== "running") {
        this.waiting.delete(job);
        continue;
      }
      if (job.reconciling !== null) continue;
      let pending = 0;
      for (const wf of job.workflows.values()) {
        if (wf.status !== "pending") continue;
        pending++;
        if (wf.notBeforeUs > now) {
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
      return this.finishWorkflow(job, wf, "failed", "no worker left");
    }
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
    env.emit("fence.issued", { job: job.jobId, dc: this.host.dc, token, purpose: "dispatch" });
    env.emit("workflow.dispatched", { job: job.jobId, workflow: wf.workflowId, worker, token });
    env.send(worker, {
      type: "workflow-dispatch",
      jobId: job.jobId,
      workflowId: wf.workflowId,
      name: wf.name,
      cores: wf.cores,
      declaredDurationMs: wf.declaredDurationMs,
      fenceToken: token,
      jobLeader: env.id,
    });
    const key = `${job.jobId}/${wf.workflowId}`;
    const timer = env.after(this.host.cfg.requestTimeoutStandardMs * 1000, () =>
      this.dispatchTimedOut(job.jobId, wf.workflowId, token),
    );
    this.ackTimers.set(key, timer);
    this.sync(job);
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
    )
      return;
    this.clearAckTimer(ack.jobId, ack.workflowId);
    if (ack.accepted) {
      wf.status = "running";
      this.host.env.emit("workflow.running", {
        job: job.jobId,
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
      ack.error === "stale fence token";
    this.failAttempt(job, wf, `dispatch rejected: ${ack.error ?? "?"}`, !transient);
  }

  private dispatchTimedOut(jobId: string, workflowId: string, token: number): void {
    this.ackTimers.delete(`${jobId}/${workflowId}`);
    const job = this.jobs.get(jobId);
    const wf = job?.workflows.get(workflowId);
    if (job === undefined || wf === undefined || wf.fenceToken !== token || wf.status !== "dispatched") return;
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
      workflow: wf.workflowId,
      worker: worker ?? "",
      reason,
      retry,
    });
    if (!retry) return this.finishWorkflow(job, wf, "failed", reason);
    const cfg = this.host.cfg;
    const backoffMs = blameWorker
      ? Math.min(cfg.dispatchBackoffMaxMs, cfg.dispatchBackoffBaseMs * 2 ** (wf.attempts - 1))
      : cfg.dispatchBackoffBaseMs;
    wf.status = "pending";
    wf.worker = null;
    wf.notBeforeUs = this.host.env.localNow() + backoffMs * 1000;
    this.waiting.add(job);
    this.host.env.emit("workflow.requeued", { job: job.jobId, workflow: wf.workflowId, attempts: wf.attempts });
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
    });
    const wf = job.workflows.get(p.workflowId);
    if (wf === undefined || !this.leads(job) || wf.fenceToken !== p.fenceToken || job.status !== "running") return;
    wf.completedCount = p.completedCount;
    this.progressDirty.add(job);
  }

  onFinalResult(from: NodeId, r: WorkflowFinalResult): void {
    const job = this.jobs.get(r.jobId);
    if (job === undefined || !this.leads(job)) {
      // Not (yet) this job's leader: no ack, so the worker keeps the result until a transfer.
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
    const unknownYet = job.reconciling !== null && wf !== undefined && wf.fenceToken < r.fenceToken;
    this.host.env.send(from, {
      type: "workflow-final-result-ack",
      jobId: r.jobId,
      workflowId: r.workflowId,
      fenceToken: r.fenceToken,
      ok: !unknownYet,
    });
    // A result under another token than the workflow's current one is stale (§7).
    if (wf === undefined || wf.fenceToken !== r.fenceToken || isTerminal(wf.status) || wf.status === "pending") return;
    this.clearAckTimer(job.jobId, wf.workflowId);
    if (r.status === "completed") return this.finishWorkflow(job, wf, "completed", null);
    if (r.status === "cancelled" && r.error === "orphaned" && !job.timedOut)
      return this.failAttempt(job, wf, "orphaned on worker", false);
    if (r.status === "cancelled") return this.finishWorkflow(job, wf, "cancelled", r.error);
    this.failAttempt(job, wf, r.error ?? "execution error", true);
  }

  finishWorkflow(
    job: ManagedJob,
    wf: ManagedWorkflow,
    status: "completed" | "failed" | "cancelled",
    reason: string | null,
  ): void {
    wf.status = status;
    this.host.env.emit("workflow.terminal", { job: job.jobId, workflow: wf.workflowId, status, reason });
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
    job.terminalAtUs = this.host.env.localNow();
    this.host.env.emit("job.dcTerminal", { job: job.jobId, dc: this.host.dc, status: job.status });
    this.sync(job);
    this.oweFinal(job);
  }

  /** Sends the job's final result now and keeps retrying until acked. */
  oweFinal(job: ManagedJob): void {
    this.finalsOwed.add(job);
    this.sendFinal(job);
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
    job.finalAcked = true;
    // Replicas learn it too: after a takeover or restart, any of them can tell an adopting gate.
    if (this.leads(job)) this.sync(job);
  }

  /** The final result is retried until acked or the gate has been silent too long. */
  private resendFinals(): void {
    this.host.env.after(this.host.cfg.requestTimeoutShortMs * 1000, this.onFinalResend);
    const now = this.host.env.localNow();
    const giveUpUs = this.host.cfg.gateUnresponsiveFallbackMs * 1000;
    for (const job of this.finalsOwed) {
      const owed =
        this.jobs.get(job.jobId) === job && this.leads(job) && !job.finalAcked && now - job.terminalAtUs < giveUpUs;
      if (owed) this.sendFinal(job);
      else this.finalsOwed.delete(job);
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
    if (job === undefined || !this.leads(job) || job.status !== "running" || job.timedOut) return;
    job.timedOut = true;
    for (const wf of job.workflows.values()) {
      if (wf.status === "pending") this.finishWorkflow(job, wf, "cancelled", "job timeout");
      else if ((wf.status === "running" || wf.status === "dispatched") && wf.worker !== null) {
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
    const now = this.host.env.localNow();
    for (const job of [...this.jobs.values()]) {
      const maxAgeUs = (job.status === "completed" ? cfg.completedJobMaxAgeMs : cfg.failedJobMaxAgeMs) * 1000;
      const terminalLongEnough = job.status !== "running" && now - job.terminalAtUs >= maxAgeUs;
      // A replica whose leader went silent is dropped after the longest retention too.
      const abandonedReplica = !this.leads(job) && now - job.lastUpdateUs >= cfg.failedJobMaxAgeMs * 1000;
      if (!terminalLongEnough && !abandonedReplica) continue;
      this.jobs.delete(job.jobId);
      for (const wf of job.workflows.values()) this.clearAckTimer(job.jobId, wf.workflowId);
      this.host.env.emit("job.deleted", { job: job.jobId, role: "manager" });
    }
  }
}
