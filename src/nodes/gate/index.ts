// The gate (PROTOCOL.md §1, §5.1, §5.3 gate peers, §5.4–§5.5, §5.13, §5.16). Gates share
// one membership and one election ("global"); the elected gate-cluster leader checks
// quorum every quorumCheckIntervalMs and steps down after 3 failures in a row (§5.1).
// Any gate with quorum accepts a client's job and leads it (jobs.ts); peers keep replicas
// and adopt the jobs of a dead leader gate (orphans.ts). Unhealthy peers are reaped by
// the DeadPeerReaper (GP-1). Managers register and send heartbeats (dc-view.ts).

import type { NodeEnv, NodeFactory, SimNode } from "../../sim/index.js";
import { gateConfig, type GateConfig } from "../config.js";
import type { ClusterMessage, JobSubmission, ManagerHeartbeatBody, NodeId } from "../messages.js";
import { assertNever } from "../messages.js";
import { DeadPeerReaper } from "../parts/dead-peer-reaper.js";
import { Election } from "../parts/election.js";
import { Membership } from "../parts/membership.js";
import { PeerScope } from "../parts/peer-scope.js";
import { QuorumMonitor, quorumView, type QuorumView } from "../parts/quorum.js";
import { DcView } from "./dc-view.js";
import { isTerminalStatus } from "./job-state.js";
import { GateJobs } from "./jobs.js";
import { JobLeases } from "./leases.js";
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
      (peer) => this.membership.purge(peer),
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
    const host = { env, cfg, dcView: this.dcView, peers: this.peers };
    this.jobTable = new GateJobs(host);
    this.leases = new JobLeases(env, this.peers, cfg.requestTimeoutShortMs, cfg.jobRetentionMs);
    this.orphans = new GateOrphans(
      host,
      this.jobTable,
      () => this.liveGates(),
      (jobId, gate) => this.leases.record(jobId, gate),
    );
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
  get activeJobCount(): number {
    let n = 0;
    for (const j of this.jobTable.jobs.values()) if (this.jobTable.leads(j) && !isTerminalStatus(j.status)) n++;
    return n;
  }

  start(): void {
    this.env.emit("node.started", { role: "gate", incarnation: this.env.incarnation });
    this.membership.start();
    this.election.start();
    this.quorum.start();
    this.reaper.start();
    this.jobTable.start();
    this.orphans.start();
    this.env.after(this.cfg.managerHealthCheckIntervalMs * 1000, this.onHealthSweep);
    this.env.after(this.cfg.jobCleanupIntervalMs * 1000, this.onLeaseSweep);
  }

  receive(from: NodeId, msg: ClusterMessage): void {
    this.membership.heard(from);
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
        return this.leases.onRequest(from, msg.jobId);
      case "job-lease-grant":
        return this.leases.onGrant(from, msg.jobId, msg.granted, msg.holder);
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
      case "job-leader-worker-transfer":
      case "job-leader-worker-transfer-ack":
      case "job-leader-manager-transfer-ack":
      case "job-leader-gate-transfer":
      case "gate-job-leader-transfer":
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
    if (existing !== undefined) return reply(true, null, existing.leaderGate);
    if (!this.quorumState.hasQuorum) return this.reject(spec.jobId, "quorum unavailable", null, reply);
    const selection = this.dcView.select(spec.datacenterCount, this.env.localNow());
    if (!selection.ok && selection.error === "initializing")
      return this.reject(spec.jobId, "initializing", null, reply);
    this.leases.acquire(spec.jobId, (outcome) => {
      if (!outcome.ok) return this.reject(spec.jobId, outcome.error, outcome.holder, reply);
      if (this.jobTable.jobs.has(spec.jobId)) return reply(true, null, this.env.id);
      reply(true, null, this.env.id);
      // The job lease's first acquisition: fence token 0 → 1 (§5.24).
      this.jobTable.accept(spec, 1);
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
        m.healthy = healthy;
        this.env.emit("manager.healthChanged", { manager: m.id, dc: m.dc, healthy });
      }
    }
  }

  private liveGates(): NodeId[] {
    const out = [this.env.id];
    for (const p of this.peers) {
      const s = this.membership.status(p);
      if (s === "ok" || s === "suspect") out.push(p);
    }
    return out;
  }
}

export function gateFactory(overrides: Partial<GateConfig> = {}): NodeFactory<ClusterMessage> {
  const cfg = gateConfig(overrides);
  return (env) => new GateNode(env, cfg);
}
