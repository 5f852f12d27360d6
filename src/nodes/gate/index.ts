// The gate (PROTOCOL.md §1, §5.1, §5.3 gate peers, §5.4–§5.5, §5.13, §5.16). Gates share
// one membership and one election ("global"); the elected gate-cluster leader checks
// quorum every quorumCheckIntervalMs and steps down after 3 failures in a row (§5.1).
// Any gate with quorum accepts a client's job and leads it (jobs.ts); peers keep replicas
// and adopt the jobs of a dead leader gate (orphans.ts). Unhealthy peers are reaped by
// the DeadPeerReaper (GP-1). Managers register and send heartbeats (dc-view.ts).

import type { NodeEnv, NodeFactory, SimNode } from "../../sim/index.js";
import { gateConfig, type GateConfig } from "../config.js";
import type { ClusterMessage, JobOutcome, JobSubmission, ManagerHeartbeatBody, NodeId } from "../messages.js";
import { assertNever } from "../messages.js";
import { DeadPeerReaper } from "../parts/dead-peer-reaper.js";
import { Election, majority } from "../parts/election.js";
import { Membership } from "../parts/membership.js";
import { PeerScope } from "../parts/peer-scope.js";
import { QuorumMonitor, quorumView, type QuorumView } from "../parts/quorum.js";
import type { PerJobView } from "../checks/checker.js";
import { DcView } from "./dc-view.js";
import { isTerminalStatus, type GateJob } from "./job-state.js";
import { GateJobs } from "./jobs.js";
import { JOB_OVER, JobLeases, type LeaseOutcome } from "./leases.js";
import { GateOrphans } from "./orphans.js";

export class GateNode implements SimNode<ClusterMessage> {
  readonly membership: Membership;
  readonly election: Election;
  readonly quorum: QuorumMonitor;
  readonly reaper: DeadPeerReaper;
  readonly dcView: DcView;
  readonly jobTable: GateJobs;
  readonly orphans: GateOrphans;
  readonly leases: JobLeases;
  private readonly peers: readonly NodeId[];
  private readonly configuredManagers: readonly NodeId[];
  private readonly onHealthSweep = (): void => this.sweepManagerHealth();
  /** When each peer gate was last heard from directly (local time): job leases renew on fresh contact only. */
  private readonly lastHeardUs = new Map<NodeId, number>();
  private readonly onLeaseRenewal = (): void => {
    this.env.after(Math.max(1000, this.cfg.jobLeaseMs / 2) * 1000, this.onLeaseRenewal);
    this.jobTable.renewLeases(this.heardFromMajority(), (job) => this.revalidate(job));
  };
  private readonly onLeaseSweep = (): void => {
    this.env.after(this.cfg.jobCleanupIntervalMs * 1000, this.onLeaseSweep);
    this.leases.sweep((jobId) => this.jobTable.jobs.has(jobId));
  };

  constructor(
    readonly env: NodeEnv<ClusterMessage>,
    readonly cfg: GateConfig,
  ) {
    this.peers = env.peers("gate").filter((id) => id !== env.id);
    this.configuredManagers = env.peers("manager");
    this.reaper = new DeadPeerReaper(
      env,
      { checkIntervalMs: cfg.deadPeerCheckIntervalMs, reapIntervalMs: cfg.deadPeerReapIntervalMs },
      {
        // A peer unhealthy for a whole reap interval is dead to this gate even while its
        // suspicion runs (a gate's is longer): its jobs are orphaned now, not never.
        onDead: (peer) => this.orphans.onPeerLost(peer),
        onPurge: (peer) => this.membership.purge(peer),
      },
    );
    // Gates and every manager (PROTOCOL.md §1; peer-scope.ts). Reaping and orphan
    // adoption concern gate peers only; managers are followed through their heartbeats.
    const peer = (id: NodeId): boolean => this.membership.roleOf(id) === "gate";
    this.membership = new Membership(env, cfg, PeerScope.forNode(env), {
      onSuspect: (id) => peer(id) && this.reaper.markUnhealthy(id),
      onDead: (id) => {
        if (!peer(id)) return;
        this.reaper.markUnhealthy(id);
        this.orphans.onPeerLost(id);
      },
      onAlive: (id) => peer(id) && this.reaper.markHealthy(id),
      onJoin: (id) => peer(id) && this.reaper.markHealthy(id),
      // A restarted peer kept its jobs (durable job log): nothing is orphaned by a restart.
    });
    this.election = new Election(env, cfg, "global", this.peers, {
      eligible: () => true,
      lhm: () => this.membership.lhm,
    });
    this.quorum = new QuorumMonitor(env, cfg, this.election, () => this.quorumState);
    this.dcView = new DcView(cfg.heartbeatTimeoutMs * 1000, this.configuredManagers);
    const host = {
      env,
      cfg,
      dcView: this.dcView,
      peers: this.peers,
      commitFinish: (jobId: string, outcome: JobOutcome, done: (o: LeaseOutcome) => void) =>
        this.leases.commitFinish(jobId, outcome, done),
      yieldTo: (job: GateJob, holder: NodeId) => this.orphans.yieldTo(job, holder),
    };
    this.jobTable = new GateJobs(host);
    this.leases = new JobLeases(
      env,
      this.peers,
      cfg.requestTimeoutShortMs,
      cfg.jobRetentionMs,
      (jobId) => this.jobTable.deleted.isFinished(jobId),
      (jobId) => ({ outcome: this.jobTable.deleted.outcomeOf(jobId), holder: this.jobTable.deleted.holderOf(jobId) }),
      (jobId, outcome, holder) => this.jobTable.finishedElsewhere(jobId, outcome, holder),
    );
    this.orphans = new GateOrphans(host, this.jobTable, () => this.liveGates(), this.leases);
  }

  /**
   * A majority of gates (self included) was heard from within one job lease. A suspected
   * peer still counts toward the quorum view, so this, not `hasQuorum`, decides whether a
   * leader may renew its leases: a gate cut off from its peers lets them run out.
   */
  private heardFromMajority(): boolean {
    const since = this.env.localNow() - this.cfg.jobLeaseMs * 1000;
    let fresh = 1;
    for (const at of this.lastHeardUs.values()) if (at >= since) fresh++;
    return fresh >= majority(this.peers.length + 1);
  }

  // ---- read-only view ----------------------------------------------------------------
  get isLeader(): boolean {
    return this.election.isLeader;
  }
  get quorumState(): QuorumView {
    return quorumView(this.membership, this.peers);
  }
  get quorumFailureStreak(): number {
    return this.quorum.failureStreak;
  }
  get jobCount(): number {
    return this.jobTable.jobs.size;
  }
  /** Per-job state still open, for end-of-run checks (src/nodes/checks/checker.ts). */
  perJobView(): PerJobView {
    return {
      perJob: {
        ...this.orphans.openPerJob(),
        leaseRounds: this.leases.openRounds(),
        resultsOwed: this.jobTable.openResults(),
      },
    };
  }

  get activeJobCount(): number {
    let n = 0;
    for (const j of this.jobTable.jobs.values()) if (this.jobTable.leads(j) && !isTerminalStatus(j.status)) n++;
    return n;
  }

  start(): void {
    this.env.emit("node.started", { role: "gate", incarnation: this.env.incarnation });
    // Peers count as heard at boot: a gate that cannot hear them lets its leases lapse one lease later.
    for (const p of this.peers) this.lastHeardUs.set(p, this.env.localNow());
    this.membership.start();
    this.election.start();
    this.quorum.start();
    this.reaper.start();
    this.jobTable.start();
    for (const job of this.jobTable.jobs.values()) if (job.revalidating) this.revalidate(job);
    this.orphans.start();
    this.env.after(this.cfg.managerHealthCheckIntervalMs * 1000, this.onHealthSweep);
    this.env.after(this.cfg.jobCleanupIntervalMs * 1000, this.onLeaseSweep);
    this.env.after(Math.max(1000, this.cfg.jobLeaseMs / 2) * 1000, this.onLeaseRenewal);
  }

  receive(from: NodeId, msg: ClusterMessage): void {
    this.membership.heard(from);
    if (this.lastHeardUs.has(from)) this.lastHeardUs.set(from, this.env.localNow());
    switch (msg.type) {
      case "probe":
      case "ack":
      case "ping-req":
      case "ping-req-ack":
      case "suspect":
      case "alive":
      case "dead":
        return this.membership.handle(from, msg);
      case "pre-vote-req":
      case "pre-vote-resp":
      case "leader-claim":
      case "leader-vote":
      case "leader-heartbeat":
      case "leader-heartbeat-ack":
      case "leader-stepdown":
        return this.election.handle(from, msg);
      case "manager-registration":
        return this.onManagerRegistration(from, msg.body);
      case "manager-heartbeat":
        return this.onManagerHeartbeat(msg.body);
      case "job-submission":
        return this.onSubmission(from, msg);
      case "job-ack":
        return this.jobTable.onJobAck(from, msg);
      case "job-progress":
        return this.jobTable.onProgress(from, msg.jobId, msg.datacenter, msg.progressSequence);
      case "job-final-result":
        return this.jobTable.onFinalResult(from, msg);
      case "global-job-result-ack":
        return this.jobTable.onResultAck(msg.jobId);
      case "job-leader-manager-transfer": {
        const known = this.jobTable.onManagerTransfer(msg.jobId, msg.datacenter, msg.newLeader, msg.fenceToken);
        return this.env.send(from, { type: "job-leader-manager-transfer-ack", jobId: msg.jobId, accepted: known });
      }
      case "job-leader-gate-transfer-ack":
        return this.orphans.onTransferAck(msg);
      case "job-leadership-announcement": {
        this.orphans.onReplica(msg.replica);
        const job = this.jobTable.jobs.get(msg.replica.job.jobId);
        if (job !== undefined) this.leases.record(job.spec.jobId, job.leaderGate);
        return;
      }
      case "job-lease-request":
        return this.leases.onRequest(from, msg.jobId, msg.forceFrom, msg.finish, msg.deadlineUs);
      case "register-callback":
        return this.onRegisterCallback(from, msg.jobId);
      case "job-lease-grant":
        return this.leases.onGrant(from, msg.jobId, msg);
      case "error-reply":
        return;
      case "worker-registration":
      case "registration-response":
      case "worker-heartbeat":
      case "manager-registration-response":
      case "workflow-dispatch":
      case "workflow-dispatch-ack":
      case "workflow-progress":
      case "workflow-progress-ack":
      case "job-progress-ack":
      case "workflow-final-result":
      case "workflow-final-result-ack":
      case "job-final-result-ack":
      case "global-job-result":
      case "workflow-cancel-request":
      case "workflow-cancel-response":
      case "job-global-timeout":
      case "job-state-sync":
      case "job-superseded":
      case "job-state-sync-ack":
      case "job-state-pull":
      case "job-state-pull-response":
      case "job-leader-worker-transfer":
      case "job-leader-worker-transfer-ack":
      case "job-leader-manager-transfer-ack":
      case "job-leader-gate-transfer":
      case "gate-job-leader-transfer":
      case "register-callback-response":
        return this.env.send(from, { type: "error-reply", inReplyTo: msg.type, reason: "not handled by gate" });
      default:
        return assertNever(msg, "message");
    }
  }

  private onSubmission(from: NodeId, msg: JobSubmission): void {
    const spec = msg.job;
    const reply = (accepted: boolean, error: string | null, leader: NodeId | null): void =>
      this.env.send(from, { type: "job-ack", jobId: spec.jobId, accepted, error, leader });
    const existing = this.jobTable.jobs.get(spec.jobId);
    // A client retry of a job some gate already owns is acked, never a second job.
    if (existing !== undefined) {
      this.env.mark("gate.submit.known");
      return reply(true, null, existing.leaderGate);
    }
    if (this.jobTable.deleted.has(spec.jobId)) {
      // A late copy of a submission whose job has come and gone: the cached answer, no second job.
      this.env.mark("gate.submit.alreadyDeleted");
      return reply(true, null, null);
    }
    if (!this.quorumState.hasQuorum) {
      this.env.mark("gate.submit.noQuorum");
      return this.reject(spec.jobId, "quorum unavailable", null, reply);
    }
    const selection = this.dcView.select(spec.datacenterCount, this.env.localNow());
    if (!selection.ok && selection.error === "initializing") {
      this.env.mark("gate.submit.initializing");
      return this.reject(spec.jobId, "initializing", null, reply);
    }
    this.leases.acquire(spec.jobId, (outcome) => {
      if (!outcome.ok) return this.reject(spec.jobId, outcome.error, outcome.holder, reply);
      // Defensive: a majority lease makes a concurrent acceptance of the job impossible.
      if (this.jobTable.jobs.has(spec.jobId)) return reply(true, null, this.env.id);
      reply(true, null, this.env.id);
      // The job lease's first acquisition: fence token 0 → 1 (§5.24).
      this.jobTable.accept(spec, 1);
    });
  }

  /**
   * A client re-attaches to a job it has no result for (§2.5): the current status, and the
   * final result again if the job is over here; a job deleted after retention is answered
   * from the ledger, so a client cut off longer than the retention still learns its outcome.
   */
  private onRegisterCallback(from: NodeId, jobId: string): void {
    const reply = (known: boolean, status: JobOutcome | null, leaderGate: NodeId | null): void =>
      this.env.send(from, { type: "register-callback-response", jobId, known, status, leaderGate });
    const job = this.jobTable.jobs.get(jobId);
    if (job !== undefined) {
      const terminal = isTerminalStatus(job.status) ? job.status : null;
      this.env.mark(terminal === null ? "gate.callback.running" : "gate.callback.finished");
      return reply(true, terminal, job.leaderGate);
    }
    const outcome = this.jobTable.deleted.outcomeOf(jobId);
    this.env.mark(outcome === null ? "gate.callback.unknownJob" : "gate.callback.fromLedger");
    reply(outcome !== null, outcome, null);
  }

  /** A restarted gate re-acquires a led job's lease before acting as its leader again. */
  private revalidate(job: GateJob): void {
    const jobId = job.spec.jobId;
    this.leases.acquire(jobId, (outcome) => {
      if (this.jobTable.jobs.get(jobId) !== job || !job.revalidating) return;
      if (outcome.ok) return this.jobTable.resumeLed(job);
      if (outcome.error === JOB_OVER) return this.jobTable.learnOver(job, outcome.holder, outcome.finished ?? null);
      if (outcome.holder !== null && outcome.holder !== this.env.id) return this.orphans.yieldTo(job, outcome.holder);
      // No majority answered yet: ask again later; until then the job waits.
      this.env.mark("gate.restart.leaseRetry");
      this.env.after(this.cfg.requestTimeoutShortMs * 1000, () => this.revalidate(job));
    });
  }

  private reject(
    jobId: string,
    reason: string,
    holder: NodeId | null,
    reply: (accepted: boolean, error: string | null, leader: NodeId | null) => void,
  ): void {
    this.env.emit("job.rejected", { job: jobId, reason });
    reply(false, reason, holder);
  }

  private onManagerRegistration(from: NodeId, body: ManagerHeartbeatBody): void {
    if (!this.configuredManagers.includes(from)) {
      this.env.mark("gate.registration.unknownDc");
      this.env.send(from, {
        type: "manager-registration-response",
        accepted: false,
        gateId: this.env.id,
        error: "unknown datacenter",
        healthyGates: [],
      });
      return;
    }
    this.onManagerHeartbeat(body);
    this.env.send(from, {
      type: "manager-registration-response",
      accepted: true,
      gateId: this.env.id,
      error: null,
      healthyGates: this.liveGates(),
    });
  }

  private onManagerHeartbeat(body: ManagerHeartbeatBody): void {
    if (this.dcView.apply(body, this.env.localNow()))
      this.env.emit("manager.registered", { manager: body.nodeId, dc: body.datacenter });
  }

  /** GM-2.3.4: a manager with no heartbeat for heartbeatTimeoutMs is unhealthy. */
  private sweepManagerHealth(): void {
    this.env.after(this.cfg.managerHealthCheckIntervalMs * 1000, this.onHealthSweep);
    const now = this.env.localNow();
    for (const managers of this.dcView.dcManagers.values()) {
      for (const m of managers.values()) {
        const healthy = this.dcView.isFresh(m, now);
        if (healthy === m.healthy) continue;
        this.env.mark(healthy ? "gate.manager.healthy" : "gate.manager.unhealthy");
        m.healthy = healthy;
        this.env.emit("manager.healthChanged", { manager: m.id, dc: m.dc, healthy });
      }
    }
  }

  private liveGates(): NodeId[] {
    const out = [this.env.id];
    for (const p of this.peers) {
      const s = this.membership.status(p);
      if ((s === "ok" || s === "suspect") && !this.reaper.isDead(p)) out.push(p);
    }
    return out;
  }
}

export function gateFactory(overrides: Partial<GateConfig> = {}): NodeFactory<ClusterMessage> {
  const cfg = gateConfig(overrides);
  return (env) => new GateNode(env, cfg);
}
