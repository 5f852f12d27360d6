// The leader-gate side of a job (PROTOCOL.md §5.4–§5.5, §5.16–§5.17, §5.28): pick target
// DCs, dispatch to each DC's managers (leader first, maxRetriesPerDc retries each with
// full-jitter backoff, a `not-dc-leader` answer redirects to the named leader without
// counting), fail over to the next DC, aggregate per-DC final results into one global
// result delivered to the client until acked, time jobs out globally, and delete them
// after retention.

import type { NodeEnv } from "../../sim/index.js";
import type { GateConfig } from "../config.js";
import type { ClusterMessage, JobAck, JobFinalResult, JobOutcome, JobSpec, NodeId } from "../messages.js";
import { DeletedJobs } from "../parts/deleted-jobs.js";
import type { DcView } from "./dc-view.js";
import { JOB_OVER, type LeaseOutcome } from "./leases.js";
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
  /** Asks a majority of gates to record this gate finishing the job (leases.ts). */
  commitFinish(jobId: string, outcome: JobOutcome, done: (o: LeaseOutcome) => void): void;
  /** Another gate holds the job now: hold a replica that follows it (orphans.ts). */
  yieldTo(job: GateJob, holder: NodeId): void;
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
  /** Jobs deleted here, so a late copy of a submission does not create one again. */
  readonly deleted: DeletedJobs;

  constructor(private readonly host: GateHost) {
    this.rng = host.env.rng.fork("gate-dispatch");
    this.deleted = new DeletedJobs(host.env, host.cfg.idempotencyCommittedTtlMs, "gate.deletedJobs");
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

  /**
   * After a restart the old life's timers are gone. A terminal job still owes its result; a
   * job whose ending was decided completes its finish round; any other running one is led
   * again only once its lease is re-acquired (the gate calls `resumeLed`, `learnOver` or
   * steps back): another gate may have adopted it meanwhile.
   */
  private resumeAfterRestart(): void {
    for (const job of [...this.jobs.values()]) {
      for (const d of job.dcs.values()) d.timer = -1;
      job.finishing = false;
      if (job.leaderGate !== this.host.env.id) continue;
      if (isTerminalStatus(job.status)) {
        if (!job.resultAcked) this.resultsOwed.add(job);
      } else if (job.finishIntent !== null) {
        this.host.env.mark("gate.finalize.resumedAfterRestart");
        const i = job.finishIntent;
        this.finalize(job, i.status, i.error, i.inherited);
      } else job.revalidating = true;
    }
  }

  /** The lease is ours again: redo pending dispatches and re-announce. */
  resumeLed(job: GateJob): void {
    this.host.env.mark("gate.restart.resumeJob");
    job.revalidating = false;
    job.leaseExpiresUs = this.host.env.localNow() + this.host.cfg.jobLeaseMs * 1000;
    for (const d of job.dcs.values()) if (d.timer !== -1) this.host.env.cancel(d.timer);
    for (const d of [...job.dcs.values()]) if (d.state === "dispatching") this.startDc(job, d.dc);
    this.announce(job);
  }

  /**
   * A lease request was refused because the job is over. If this gate's own finish round
   * had reached a majority before it crashed, the ending is its own: complete it. If another
   * gate finished it, keep the outcome as a replica (a re-attaching client may ask).
   */
  learnOver(job: GateJob, holder: NodeId | null, finished: JobOutcome | null): void {
    const me = this.host.env.id;
    if (isTerminalStatus(job.status)) return; // ended here already (a finish round raced this one)
    // An "over" answer always names the outcome and the gate that ended it: a gate records
    // both with every ending it learns (leases.ts markFinished, the deleted-job ledger).
    if (finished === null || holder === null)
      throw new Error(`${me}: job ${job.spec.jobId} is over, but the answer names no outcome or no holder`);
    if (holder === me && job.leaderGate === me) {
      this.host.env.mark("gate.finalize.completedAfterRestart");
      job.revalidating = false;
      return this.finalizeNow(job, finished, job.finishIntent?.error ?? null, job.finishIntent?.inherited ?? false);
    }
    this.finishedElsewhere(job.spec.jobId, finished, holder);
  }

  /** Global results still owed to a client that has not acked them. */
  openResults(): string[] {
    return [...this.resultsOwed]
      .filter((job) => this.jobs.get(job.spec.jobId) === job && this.leads(job) && !job.resultAcked)
      .map((job) => job.spec.jobId);
  }

  /** This gate leads the job: its own, not being revalidated, and (while running) under a valid lease. */
  leads(job: GateJob): boolean {
    if (job.leaderGate !== this.host.env.id || job.revalidating) return false;
    return isTerminalStatus(job.status) || this.host.env.localNow() < job.leaseExpiresUs;
  }

  /**
   * The lease loop (§3.18): with a gate quorum, valid leases of running led jobs are
   * renewed; a lease that ran out (the gate was paused or cut off) makes the job wait
   * for `revalidate`, since a peer may have adopted it meanwhile.
   */
  renewLeases(hasQuorum: boolean, revalidate: (job: GateJob) => void): void {
    const env = this.host.env;
    const now = env.localNow();
    for (const job of [...this.jobs.values()]) {
      if (job.leaderGate !== env.id || job.revalidating || isTerminalStatus(job.status)) continue;
      if (now >= job.leaseExpiresUs) {
        env.mark("gate.lease.expired");
        env.emit("lease.expired", { job: job.spec.jobId, fenceToken: job.fenceToken });
        job.revalidating = true;
        revalidate(job);
      } else if (hasQuorum) job.leaseExpiresUs = now + this.host.cfg.jobLeaseMs * 1000;
      else env.mark("gate.lease.notRenewed");
    }
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
      announcedAtUs: now,
      revalidating: false,
      leaseExpiresUs: now + this.host.cfg.jobLeaseMs * 1000,
      finishing: false,
      finishIntent: null,
    };
    this.jobs.set(spec.jobId, job);
    env.emit("job.accepted", { job: spec.jobId, fenceToken });
    const selection = dcView.select(Math.min(spec.datacenterCount, this.host.cfg.maxPrimaryDcs), now);
    if (!selection.ok) {
      env.mark("gate.accept.noUsableDc");
      return this.finalize(job, "failed", selection.error);
    }
    if (selection.primary.length > 1) env.mark("gate.accept.multiDc");
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
    if (this.pastTimeout(job)) {
      // Nobody waits for this job any more, and the DC may have forgotten it already ran
      // (its deleted-job memory is shorter than a long outage): a dispatch now would run it
      // again under fresh fence tokens. The timeout check ends it instead.
      this.host.env.mark("gate.dispatch.pastTimeout");
      return;
    }
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
      if (this.jobs.get(jobId) !== job || d.pending !== manager || d.state !== "dispatching") return;
      if (isTerminalStatus(job.status)) return;
      this.host.env.mark("gate.dispatch.timeout");
      this.retry(job, d);
    });
  }

  onJobAck(from: NodeId, ack: JobAck): void {
    const job = this.jobs.get(ack.jobId);
    if (job === undefined || !this.leads(job)) return;
    const d = [...job.dcs.values()].find((x) => x.pending === from && x.state === "dispatching");
    if (d === undefined) return;
    this.host.env.cancel(d.timer);
    if (isTerminalStatus(job.status)) {
      // The job ended early (another DC failed) while this DC's dispatch was in flight.
      this.host.env.mark("gate.dispatch.afterTerminal");
      return;
    }
    if (ack.accepted) return this.dcAccepted(job, d, ack.leader ?? from);
    if (ack.error === "not-dc-leader" && ack.leader !== null && ack.leader !== from && d.redirects < d.order.length) {
      // A redirect, not an error: go to the named leader at once.
      this.host.env.mark("gate.dispatch.redirect");
      d.redirects++;
      d.pending = ack.leader;
      return this.attempt(job, d);
    }
    this.host.env.mark("gate.dispatch.refused");
    this.retry(job, d);
  }

  private retry(job: GateJob, d: DcState): void {
    const cfg = this.host.cfg;
    d.attempt++;
    if (d.attempt > cfg.maxRetriesPerDc) {
      this.host.env.mark("gate.dispatch.nextManager");
      d.attempt = 0;
      d.index++;
    }
    d.pending = null;
    const capMs = Math.min(cfg.dispatchRetryMaxMs, cfg.dispatchRetryBaseMs * 2 ** d.attempt);
    d.timer = this.host.env.after(this.rng.int(0, capMs * 1000), () => {
      if (this.jobs.get(job.spec.jobId) === job && d.state === "dispatching" && !isTerminalStatus(job.status))
        this.attempt(job, d);
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
    if (next !== undefined) {
      this.host.env.mark("gate.dc.failover");
      return this.startDc(job, next);
    }
    this.host.env.mark("gate.dc.failedNoFallback");
    this.maybeFinalize(job);
  }

  // ---- results ------------------------------------------------------------------------

  onFinalResult(from: NodeId, r: JobFinalResult): void {
    const job = this.jobs.get(r.jobId);
    // Unknown here: leave it unacked so the manager retries (a transfer may re-route it).
    if (job === undefined || !this.leads(job)) {
      this.host.env.mark("gate.result.notLeader");
      return;
    }
    this.host.env.send(from, { type: "job-final-result-ack", jobId: r.jobId, datacenter: r.datacenter });
    const d = job.dcs.get(r.datacenter);
    // A DC the gate gave up on (it failed over) may still report later: too late to count.
    const ignored =
      d === undefined
        ? null
        : d.state === "failed"
          ? "gate.result.fromFailedDc"
          : d.result !== null
            ? "gate.result.duplicate"
            : r.fenceToken < d.managerFenceToken
              ? "gate.result.staleToken"
              : isTerminalStatus(job.status)
                ? "gate.result.afterTerminal"
                : null;
    if (ignored !== null || d === undefined) {
      if (ignored !== null) this.host.env.mark(ignored);
      return;
    }
    this.host.env.emit("job.dcReported", {
      job: r.jobId,
      dc: r.datacenter,
      status: r.status,
      fenceToken: r.fenceToken,
    });
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
    if (accepted === 0 && job.fallback.length === 0) {
      this.host.env.mark("gate.finalize.noDcAccepted");
      return this.finalize(job, "failed", "no DC accepted the job");
    }
    const early = statuses.some((s) => s !== "completed");
    if (accepted === 0 || (waiting && !early)) return;
    this.host.env.mark(waiting ? "gate.finalize.early" : "gate.finalize.allReported");
    // Every result we finalise on was inherited: the old leader gate already finalised
    // the job in the same step it acked them, so this gate takes over that terminal state.
    let inherited = true;
    for (const d of job.dcs.values()) if (d.result !== null && !d.inherited) inherited = false;
    this.finalize(job, aggregateStatus(statuses), null, inherited);
  }

  /**
   * Ends the job, once: a majority of gates must first record that this gate, still its
   * holder, finishes it (leases.ts). A refusal means another gate adopted it (this one was
   * paused or cut off) or finished it: no second ending here.
   */
  finalize(job: GateJob, status: JobOutcome, error: string | null, inherited = false): void {
    if (isTerminalStatus(job.status) || job.finishing) return;
    const jobId = job.spec.jobId;
    // Once decided, the ending stays: peers may have recorded it already.
    job.finishIntent ??= { status, error, inherited };
    const intent = job.finishIntent;
    job.finishing = true;
    this.host.commitFinish(jobId, intent.status, (outcome) => {
      job.finishing = false;
      if (this.jobs.get(jobId) !== job || isTerminalStatus(job.status) || job.leaderGate !== this.host.env.id) return;
      if (outcome.ok) return this.finalizeNow(job, intent.status, intent.error, intent.inherited);
      if (outcome.error === JOB_OVER) return this.learnOver(job, outcome.holder, outcome.finished ?? null);
      // Refused by peers naming another holder: no stepping back. Peers that granted this
      // round recorded the job as over, ended by this gate, and every other gate now learns
      // that (the job can no longer be adopted); if this gate gave up the ending, nobody
      // would ever end it (chaos seed 4350). A holder that really adopted the job announces
      // itself with a higher token, and the replica update steps this gate back.
      this.host.env.mark(
        outcome.holder !== null && outcome.holder !== this.host.env.id
          ? "gate.finalize.refusedByHolder"
          : "gate.finalize.noMajority",
      );
      this.host.env.after(this.host.cfg.requestTimeoutShortMs * 1000, () =>
        this.finalize(job, intent.status, intent.error, intent.inherited),
      );
    });
  }

  /** A peer gate finished a job with this gate's grant (leases.ts): a replica held here is over too. */
  finishedElsewhere(jobId: string, outcome: JobOutcome, holder: NodeId): void {
    const job = this.jobs.get(jobId);
    if (job === undefined && !this.deleted.isFinished(jobId)) {
      // No replica here (never announced, or dropped as stale): the lease holder record that
      // says the job is over is forgotten after retention, so the ledger keeps the ending, or
      // a restarted former leader could later win a majority here and end it again (chaos seed 2579).
      this.host.env.mark("gate.ledger.finishedWithoutReplica");
      return this.deleted.addReplica(jobId, true, outcome, holder);
    }
    if (job === undefined || isTerminalStatus(job.status)) return;
    this.host.env.mark("gate.replica.finishedElsewhere");
    for (const d of job.dcs.values()) if (d.timer !== -1) this.host.env.cancel(d.timer);
    job.leaderGate = holder;
    job.revalidating = false;
    job.finishIntent = null;
    job.status = outcome;
    job.terminalAtUs = this.host.env.localNow();
    job.orphanedSinceUs = -1;
  }

  private finalizeNow(job: GateJob, status: JobOutcome, error: string | null, inherited: boolean): void {
    if (isTerminalStatus(job.status)) return;
    job.revalidating = false;
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
    if (job === undefined) return;
    this.host.env.mark("gate.result.clientAcked");
    job.resultAcked = true;
  }

  private resendResults(): void {
    this.host.env.after(this.host.cfg.requestTimeoutShortMs * 1000, this.onResend);
    for (const job of this.resultsOwed) {
      if (this.jobs.get(job.spec.jobId) === job && this.leads(job) && !job.resultAcked) {
        this.host.env.mark("gate.result.resent");
        this.sendResult(job, null);
      } else this.resultsOwed.delete(job);
    }
  }

  onProgress(from: NodeId, jobId: string, dc: string, sequence: number): void {
    this.host.env.send(from, { type: "job-progress-ack", jobId, gateId: this.host.env.id });
    const d = this.jobs.get(jobId)?.dcs.get(dc);
    if (d === undefined) return;
    // Ordered and deduplicated by sequence, never by fence token.
    if (sequence > d.lastProgressSequence) d.lastProgressSequence = sequence;
    else this.host.env.mark("gate.progress.outOfOrder");
  }

  /** The DC's job leader changed (§5.12 gate side): accept only a higher token. False: not a job this gate leads. */
  onManagerTransfer(jobId: string, dc: string, manager: NodeId, token: number): boolean {
    const job = this.jobs.get(jobId);
    const d = job?.dcs.get(dc);
    if (job === undefined || d === undefined || !this.leads(job)) {
      this.host.env.mark("gate.managerTransfer.notOurs");
      return false;
    }
    if (token > d.managerFenceToken) {
      this.host.env.mark("gate.managerTransfer.applied");
      d.manager = manager;
      d.managerFenceToken = token;
    } else this.host.env.mark("gate.managerTransfer.stale");
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
    this.host.env.mark("gate.result.inherited");
    this.host.env.emit("job.dcReported", { job: job.spec.jobId, dc, status, fenceToken: d.managerFenceToken });
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
      if (!this.leads(job) || isTerminalStatus(job.status) || !this.pastTimeout(job, now)) continue;
      env.mark("gate.timeout.global");
      for (const d of job.dcs.values()) {
        if (d.manager !== null && d.result === null)
          env.send(d.manager, { type: "job-global-timeout", jobId: job.spec.jobId, fenceToken: job.fenceToken });
      }
      this.finalize(job, "timeout", "job timeout");
    }
  }

  private pastTimeout(job: GateJob, now = this.host.env.localNow()): boolean {
    return now - job.acceptedAtUs > job.spec.timeoutMs * 1000;
  }

  private cleanup(): void {
    const { env, cfg } = this.host;
    env.after(cfg.jobCleanupIntervalMs * 1000, this.onCleanup);
    this.deleted.sweep();
    const now = env.localNow();
    for (const job of [...this.jobs.values()]) {
      const expired = isTerminalStatus(job.status) && now - job.terminalAtUs >= cfg.jobRetentionMs * 1000;
      // A replica whose terminal announcement never arrived: its job has long timed out. A
      // leader notices a timeout only at its next timeout check, and an adopter only after it
      // adopted, so the replica (and with it the lease holder it keeps known, leases.ts sweep)
      // stays that long after the timeout and after the last announcement: forgotten earlier,
      // a majority could grant a restarted former leader the lease of a job another gate
      // still leads, and both would step back (chaos seeds 1685, 2331, 4449).
      const timedOutAtUs = job.acceptedAtUs + job.spec.timeoutMs * 1000;
      const staleReplica =
        job.leaderGate !== env.id &&
        job.orphanedSinceUs < 0 &&
        now - Math.max(timedOutAtUs, job.announcedAtUs) >= (cfg.timeoutCheckIntervalMs + cfg.jobRetentionMs) * 1000;
      if (!expired && !staleReplica) continue;
      env.mark(expired ? "gate.cleanup.expired" : "gate.cleanup.staleReplica");
      this.jobs.delete(job.spec.jobId);
      if (isTerminalStatus(job.status) && this.leads(job)) this.deleted.addOutcome(job.spec.jobId, job.status);
      else if (isTerminalStatus(job.status)) this.deleted.addReplica(job.spec.jobId, true, job.status, job.leaderGate);
      else this.deleted.addReplica(job.spec.jobId, false);
      env.emit("job.deleted", { job: job.spec.jobId, role: "gate" });
    }
  }
}
