// The leader-gate side of a job (PROTOCOL.md §5.4–§5.5, §5.16–§5.17, §5.28): pick target
// DCs, dispatch to each DC's managers (leader first, maxRetriesPerDc retries each with
// full-jitter backoff, a `not-dc-leader` answer redirects to the named leader without
// counting), fail over to the next DC, aggregate per-DC final results into one global
// result delivered to the client until acked, time jobs out globally, and delete them
// after retention.

import type { NodeEnv } from "../../sim/index.js";
import type { GateConfig } from "../config.js";
import type { ClusterMessage, JobAck, JobFinalResult, JobOutcome, JobSpec, NodeId } from "../messages.js";
import type { DcView } from "./dc-view.js";
import {
  aggregateStatus,
  isTerminalStatus,
  newDcState,
  toGateReplica,
  type DcState,
  type GateJob,
} from "./job-state.js";

export interface GateHost {
  readonly env: NodeEnv<ClusterMessage>;
  readonly cfg: GateConfig;
  readonly dcView: DcView;
  /** Peer gates (replica targets). */
  readonly peers: readonly NodeId[];
}

export class GateJobs {
  /**
   * Led jobs and peer replicas. Durable: it stands for the per-job gate log (§1 Restart,
   * AD-38), so a restarted gate still knows its jobs; timers and leases are volatile.
   */
  readonly jobs: Map<string, GateJob>;
  private readonly rng;
  private readonly onTimeoutCheck = (): void => this.checkTimeouts();
  private readonly onCleanup = (): void => this.cleanup();
  private readonly onResend = (): void => this.resendResults();
  /** Terminal jobs this gate leads whose global result the client has not acked yet. */
  private readonly resultsOwed = new Set<GateJob>();

  constructor(private readonly host: GateHost) {
    this.rng = host.env.rng.fork("gate-dispatch");
    const durable = host.env.durable;
    if (!(durable["gate.jobs"] instanceof Map)) durable["gate.jobs"] = new Map<string, GateJob>();
    this.jobs = durable["gate.jobs"] as Map<string, GateJob>;
  }

  start(): void {
    const { env, cfg } = this.host;
    env.after(cfg.timeoutCheckIntervalMs * 1000, this.onTimeoutCheck);
    env.after(cfg.jobCleanupIntervalMs * 1000, this.onCleanup);
    env.after(cfg.requestTimeoutShortMs * 1000, this.onResend);
    this.resumeAfterRestart();
  }

  /** After a restart: the old life's timers are gone; redo pending dispatches and re-announce. */
  private resumeAfterRestart(): void {
    for (const job of this.jobs.values()) {
      for (const d of job.dcs.values()) d.timer = -1;
      if (this.leads(job) && isTerminalStatus(job.status) && !job.resultAcked) this.resultsOwed.add(job);
      if (!this.leads(job) || isTerminalStatus(job.status)) continue;
      for (const d of [...job.dcs.values()]) if (d.state === "dispatching") this.startDc(job, d.dc);
      this.announce(job);
    }
  }

  leads(job: GateJob): boolean {
    return job.leaderGate === this.host.env.id;
  }

  /** Creates the job (the client was already acked) and starts dispatching. */
  accept(spec: JobSpec, fenceToken: number): void {
    const { env, dcView } = this.host;
    const now = env.localNow();
    const job: GateJob = {
      spec,
      leaderGate: env.id,
      fenceToken,
      acceptedAtUs: now,
      status: "dispatching",
      dcs: new Map(),
      fallback: [],
      terminalAtUs: -1,
      resultAcked: false,
      orphanedSinceUs: -1,
    };
    this.jobs.set(spec.jobId, job);
    env.emit("job.accepted", { job: spec.jobId, fenceToken });
    const selection = dcView.select(Math.min(spec.datacenterCount, this.host.cfg.maxPrimaryDcs), now);
    if (!selection.ok) return this.finalize(job, "failed", selection.error);
    job.fallback = selection.fallback;
    for (const dc of selection.primary) this.startDc(job, dc);
    this.announce(job);
  }

  announce(job: GateJob): void {
    const replica = toGateReplica(job);
    for (const p of this.host.peers) this.host.env.send(p, { type: "job-leadership-announcement", replica });
  }

  // ---- dispatch to one DC ---------------------------------------------------------------

  startDc(job: GateJob, dc: string): void {
    const d = newDcState(dc);
    d.order = this.host.dcView.managerOrder(dc, this.host.env.localNow());
    job.dcs.set(dc, d);
    this.attempt(job, d);
  }

  private attempt(job: GateJob, d: DcState): void {
    const manager = d.pending ?? d.order[d.index];
    if (manager === undefined) return this.dcFailed(job, d);
    d.pending = manager;
    this.host.env.emit("job.dispatchAttempt", { job: job.spec.jobId, dc: d.dc, manager });
    this.host.env.send(manager, {
      type: "job-submission",
      job: job.spec,
      originGate: this.host.env.id,
      gateFenceToken: job.fenceToken,
    });
    const jobId = job.spec.jobId;
    d.timer = this.host.env.after(this.host.cfg.managerDispatchTimeoutMs * 1000, () => {
      if (this.jobs.get(jobId) === job && d.pending === manager && d.state === "dispatching") this.retry(job, d);
    });
  }

  onJobAck(from: NodeId, ack: JobAck): void {
    const job = this.jobs.get(ack.jobId);
    if (job === undefined || !this.leads(job)) return;
    const d = [...job.dcs.values()].find((x) => x.pending === from && x.state === "dispatching");
    if (d === undefined) return;
    this.host.env.cancel(d.timer);
    if (ack.accepted) return this.dcAccepted(job, d, ack.leader ?? from);
    if (ack.error === "not-dc-leader" && ack.leader !== null && ack.leader !== from && d.redirects < d.order.length) {
      // A redirect, not an error: go to the named leader at once.
      d.redirects++;
      d.pending = ack.leader;
      return this.attempt(job, d);
    }
    this.retry(job, d);
  }

  private retry(job: GateJob, d: DcState): void {
    const cfg = this.host.cfg;
    d.attempt++;
    if (d.attempt > cfg.maxRetriesPerDc) {
      d.attempt = 0;
      d.index++;
    }
    d.pending = null;
    const capMs = Math.min(cfg.dispatchRetryMaxMs, cfg.dispatchRetryBaseMs * 2 ** d.attempt);
    d.timer = this.host.env.after(this.rng.int(0, capMs * 1000), () => {
      if (this.jobs.get(job.spec.jobId) === job && d.state === "dispatching") this.attempt(job, d);
    });
  }

  private dcAccepted(job: GateJob, d: DcState, manager: NodeId): void {
    d.state = "accepted";
    d.pending = null;
    d.manager = manager;
    if (job.status === "dispatching") job.status = "running";
    this.host.env.emit("job.dispatched", {
      job: job.spec.jobId,
      dc: d.dc,
      manager,
      attempts: d.index * (this.host.cfg.maxRetriesPerDc + 1) + d.attempt + 1,
    });
    this.announce(job);
  }

  /** Every manager of the DC failed: fail over to the next DC of the fallback queue (GM-1.3.2). */
  private dcFailed(job: GateJob, d: DcState): void {
    d.state = "failed";
    d.pending = null;
    this.host.env.emit("job.dcFailed", { job: job.spec.jobId, dc: d.dc });
    const next = job.fallback.shift();
    if (next !== undefined) return this.startDc(job, next);
    this.maybeFinalize(job);
  }

  // ---- results ------------------------------------------------------------------------

  onFinalResult(from: NodeId, r: JobFinalResult): void {
    const job = this.jobs.get(r.jobId);
    // Unknown here: leave it unacked so the manager retries (a transfer may re-route it).
    if (job === undefined || !this.leads(job)) return;
    this.host.env.send(from, { type: "job-final-result-ack", jobId: r.jobId, datacenter: r.datacenter });
    const d = job.dcs.get(r.datacenter);
    // A DC the gate gave up on (it failed over) may still report later: too late to count.
    if (
      d === undefined ||
      d.state === "failed" ||
      d.result !== null ||
      r.fenceToken < d.managerFenceToken ||
      isTerminalStatus(job.status)
    )
      return;
    d.result = r;
    d.state = "reported";
    d.managerFenceToken = r.fenceToken;
    this.maybeFinalize(job);
  }

  /** Waits for every target DC, finalising early if a reported DC already fixes a non-COMPLETED outcome. */
  private maybeFinalize(job: GateJob): void {
    if (isTerminalStatus(job.status)) return;
    const statuses: JobOutcome[] = [];
    let waiting = false;
    let accepted = 0;
    for (const d of job.dcs.values()) {
      if (d.state === "failed") continue;
      accepted++;
      if (d.result === null) waiting = true;
      else statuses.push(d.result.status);
    }
    if (accepted === 0 && job.fallback.length === 0) return this.finalize(job, "failed", "no DC accepted the job");
    const early = statuses.some((s) => s !== "completed");
    if (accepted === 0 || (waiting && !early)) return;
    // Every result we finalise on was inherited: the old leader gate already finalised
    // the job in the same step it acked them, so this gate takes over that terminal state.
    let inherited = true;
    for (const d of job.dcs.values()) if (d.result !== null && !d.inherited) inherited = false;
    this.finalize(job, aggregateStatus(statuses), null, inherited);
  }

  finalize(job: GateJob, status: JobOutcome, error: string | null, inherited = false): void {
    if (isTerminalStatus(job.status)) return;
    job.status = status;
    job.terminalAtUs = this.host.env.localNow();
    for (const d of job.dcs.values()) if (d.timer !== -1) this.host.env.cancel(d.timer);
    this.host.env.emit(inherited ? "job.terminalInherited" : "job.terminal", { job: job.spec.jobId, status, error });
    // Re-sending an inherited result is safe: the client ignores a result it already has.
    this.resultsOwed.add(job);
    this.sendResult(job, error);
    this.announce(job);
  }

  private sendResult(job: GateJob, error: string | null): void {
    if (!isTerminalStatus(job.status)) return;
    let completed = 0;
    let failed = 0;
    const per: string[] = [];
    for (const d of job.dcs.values()) {
      if (d.state === "failed") continue;
      per.push(`${d.dc}:${d.result?.status ?? "missing"}`);
      completed += d.result?.totalCompleted ?? 0;
      failed += d.result?.totalFailed ?? 0;
    }
    this.host.env.send(job.spec.callbackAddr, {
      type: "global-job-result",
      jobId: job.spec.jobId,
      status: job.status,
      perDatacenterStatuses: per.join(","),
      totalCompleted: completed,
      totalFailed: failed,
      error,
    });
  }

  onResultAck(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (job !== undefined) job.resultAcked = true;
  }

  private resendResults(): void {
    this.host.env.after(this.host.cfg.requestTimeoutShortMs * 1000, this.onResend);
    for (const job of this.resultsOwed) {
      if (this.jobs.get(job.spec.jobId) === job && this.leads(job) && !job.resultAcked) this.sendResult(job, null);
      else this.resultsOwed.delete(job);
    }
  }

  onProgress(from: NodeId, jobId: string, dc: string, sequence: number): void {
    this.host.env.send(from, { type: "job-progress-ack", jobId, gateId: this.host.env.id });
    const d = this.jobs.get(jobId)?.dcs.get(dc);
    // Ordered and deduplicated by sequence, never by fence token.
    if (d !== undefined && sequence > d.lastProgressSequence) d.lastProgressSequence = sequence;
  }

  /** The DC's job leader changed (§5.12 gate side): accept only a higher token. False: not a job this gate leads. */
  onManagerTransfer(jobId: string, dc: string, manager: NodeId, token: number): boolean {
    const job = this.jobs.get(jobId);
    const d = job?.dcs.get(dc);
    if (job === undefined || d === undefined || !this.leads(job)) return false;
    if (token > d.managerFenceToken) {
      d.manager = manager;
      d.managerFenceToken = token;
    }
    return true;
  }

  /** An adopted job's DC result that the previous leader gate already received (see orphans.ts). */
  inheritResult(job: GateJob, dc: string, status: JobOutcome): void {
    const d = job.dcs.get(dc);
    if (d === undefined || d.result !== null || isTerminalStatus(job.status)) return;
    d.result = {
      type: "job-final-result",
      jobId: job.spec.jobId,
      datacenter: dc,
      status,
      totalCompleted: 0,
      totalFailed: 0,
      fenceToken: d.managerFenceToken,
      error: null,
    };
    d.state = "reported";
    d.inherited = true;
    this.maybeFinalize(job);
  }

  // ---- timeouts and cleanup -------------------------------------------------------------

  private checkTimeouts(): void {
    const { env, cfg } = this.host;
    env.after(cfg.timeoutCheckIntervalMs * 1000, this.onTimeoutCheck);
    const now = env.localNow();
    for (const job of [...this.jobs.values()]) {
      if (!this.leads(job) || isTerminalStatus(job.status) || now - job.acceptedAtUs <= job.spec.timeoutMs * 1000)
        continue;
      for (const d of job.dcs.values()) {
        if (d.manager !== null && d.result === null)
          env.send(d.manager, { type: "job-global-timeout", jobId: job.spec.jobId, fenceToken: job.fenceToken });
      }
      this.finalize(job, "timeout", "job timeout");
    }
  }

  private cleanup(): void {
    const { env, cfg } = this.host;
    env.after(cfg.jobCleanupIntervalMs * 1000, this.onCleanup);
    const now = env.localNow();
    for (const job of [...this.jobs.values()]) {
      const expired = isTerminalStatus(job.status) && now - job.terminalAtUs >= cfg.jobRetentionMs * 1000;
      // A replica whose terminal announcement never arrived: its job has long timed out.
      const staleReplica =
        !this.leads(job) &&
        job.orphanedSinceUs < 0 &&
        now - job.acceptedAtUs >= (job.spec.timeoutMs + cfg.jobRetentionMs) * 1000;
      if (!expired && !staleReplica) continue;
      this.jobs.delete(job.spec.jobId);
      env.emit("job.deleted", { job: job.spec.jobId, role: "gate" });
    }
  }
}
