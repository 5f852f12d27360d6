// The manager (PROTOCOL.md §1, §3.4, §5.8–§5.12, §5.25). One membership with its DC's
// managers and workers; one election among the DC's managers, whose leader alone accepts
// submissions (others answer `not-dc-leader` naming the leader); registration with every
// gate and a heartbeat to each every gateStatusIntervalMs (and at once on a leadership
// change). Job work lives in jobs.ts (job leader) and takeover.ts (failover).
//
// Node state: SYNCING for startupSyncDelayMs, then ACTIVE (no state sync is modelled
// yet; a restarted manager relies on its peers' replicas and the workers instead).

import type { NodeEnv, NodeFactory, SimNode } from "../../sim/index.js";
import { managerConfig, type ManagerConfig } from "../config.js";
import type { ClusterMessage, JobSubmission, ManagerHeartbeatBody, NodeId, WorkerHeartbeatBody } from "../messages.js";
import { assertNever } from "../messages.js";
import { Election } from "../parts/election.js";
import { Membership } from "../parts/membership.js";
import { PeerScope } from "../parts/peer-scope.js";
import { QuorumMonitor, quorumView } from "../parts/quorum.js";
import { Registrar } from "../parts/registrar.js";
import { applyReplica } from "./job-state.js";
import { JobTable } from "./jobs.js";
import { Takeovers } from "./takeover.js";
import { WorkerRegistry } from "./workers.js";

export type ManagerState = "syncing" | "active";

export class ManagerNode implements SimNode<ClusterMessage> {
  readonly dc: string;
  readonly membership: Membership;
  readonly election: Election;
  readonly quorum: QuorumMonitor;
  readonly workers: WorkerRegistry;
  readonly table: JobTable;
  readonly takeovers: Takeovers;
  state: ManagerState = "syncing";
  private readonly peers: readonly NodeId[];
  private readonly gates: readonly NodeId[];
  private readonly gateRegistrar: Registrar;
  private version = 0;
  private readonly onGateStatus = (): void => this.sendGateStatus(true);
  private readonly onResend = (): void => {
    this.env.after(this.cfg.requestTimeoutShortMs * 1000, this.onResend);
    this.takeovers.resend();
  };

  constructor(
    readonly env: NodeEnv<ClusterMessage>,
    readonly cfg: ManagerConfig,
  ) {
    this.dc = env.dc ?? "";
    this.peers = env.peers("manager", this.dc).filter((id) => id !== env.id);
    this.gates = env.peers("gate");
    // Its DC's managers and workers, and the gates (PROTOCOL.md §1; peer-scope.ts). What a
    // manager does on a member's failure concerns its peers and workers only.
    const local = (id: NodeId): boolean => this.membership.roleOf(id) !== "gate";
    this.membership = new Membership(env, cfg, PeerScope.forNode(env), {
      onSuspect: (id) => local(id) && this.onSuspect(id),
      onDead: (id) => local(id) && this.onDead(id),
      onJoin: (id) => local(id) && this.onJoin(id),
      onRestart: (id) => local(id) && this.onRestart(id),
      onEmbedded: (from, body) => this.onWorkerHeartbeat(from, body),
    });
    this.election = new Election(env, cfg, this.dc, this.peers, {
      eligible: () => this.state === "active",
      lhm: () => this.membership.lhm,
      onBecameLeader: () => this.onBecameLeader(),
      onLeaderChanged: () => this.sendGateStatus(false),
    });
    this.quorum = new QuorumMonitor(env, cfg, this.election, () => quorumView(this.membership, this.peers));
    this.workers = new WorkerRegistry(this.membership);
    const host = {
      env,
      cfg,
      dc: this.dc,
      workers: this.workers,
      peers: this.peers,
      incarnation: () => this.membership.incarnation,
      term: () => this.election.term,
    };
    this.table = new JobTable(host);
    this.takeovers = new Takeovers(host, this.table);
    this.gateRegistrar = new Registrar(env, cfg.registrationRetryBaseMs, () => ({
      type: "manager-registration",
      body: this.heartbeatBody(),
    }));
  }

  // ---- read-only view ----------------------------------------------------------------
  get isLeader(): boolean {
    return this.election.isLeader;
  }
  get term(): number {
    return this.election.term;
  }
  get jobCount(): number {
    return this.table.jobs.size;
  }
  get ledJobCount(): number {
    return this.table.ledJobCount;
  }
  get workerCount(): number {
    return this.workers.workers.size;
  }

  start(): void {
    this.env.emit("node.started", { role: "manager", incarnation: this.env.incarnation });
    this.membership.start();
    this.election.start();
    this.quorum.start();
    this.table.start();
    for (const g of this.gates) this.gateRegistrar.register(g);
    this.env.after(this.cfg.startupSyncDelayMs * 1000, () => {
      this.state = "active";
    });
    this.env.after(this.cfg.gateStatusIntervalMs * 1000, this.onGateStatus);
    this.env.after(this.cfg.requestTimeoutShortMs * 1000, this.onResend);
  }

  receive(from: NodeId, msg: ClusterMessage): void {
    this.membership.heard(from);
    switch (msg.type) {
      // Two thirds of all traffic is progress and its ack: the switch tests cases in order.
      case "workflow-progress":
        return this.table.onProgress(from, msg);
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
      case "worker-registration":
        this.onWorkerHeartbeat(from, {
          nodeId: from,
          incarnation: msg.incarnation,
          version: 0,
          totalCores: msg.totalCores,
          availableCores: msg.availableCores,
          state: "healthy",
          activeWorkflows: 0,
        });
        return this.env.send(from, {
          type: "registration-response",
          accepted: true,
          managerId: this.env.id,
          leaderId: this.election.leader,
          healthyManagers: this.healthyManagers(),
        });
      case "worker-heartbeat":
        return this.onWorkerHeartbeat(from, msg.body);
      case "manager-registration-response":
        return this.gateRegistrar.answered(from, msg.accepted, null);
      case "job-submission":
        return this.onSubmission(from, msg);
      case "workflow-dispatch-ack":
        return this.table.onDispatchAck(msg);
      case "workflow-final-result":
        return this.table.onFinalResult(from, msg);
      case "job-progress-ack":
      case "workflow-cancel-response":
      case "error-reply":
        return;
      case "job-final-result-ack":
        return this.table.onFinalAck(msg.jobId);
      case "job-global-timeout":
        return this.table.onGlobalTimeout(msg.jobId);
      case "job-state-sync":
        return this.onReplica(msg.replica);
      case "job-leader-worker-transfer-ack":
        return this.takeovers.onWorkerAck(from, msg);
      case "job-leader-manager-transfer-ack":
        if (msg.accepted) this.takeovers.onGateAck(msg.jobId);
        return;
      case "job-leader-gate-transfer":
        return this.onGateTransfer(from, msg.jobId, msg.newGate, msg.fenceToken);
      case "registration-response":
      case "manager-registration":
      case "manager-heartbeat":
      case "job-ack":
      case "workflow-dispatch":
      case "workflow-progress-ack":
      case "job-progress":
      case "workflow-final-result-ack":
      case "job-final-result":
      case "global-job-result":
      case "global-job-result-ack":
      case "workflow-cancel-request":
      case "job-leader-worker-transfer":
      case "job-leader-manager-transfer":
      case "job-leadership-announcement":
      case "gate-job-leader-transfer":
      case "job-leader-gate-transfer-ack":
      case "job-lease-request":
      case "job-lease-grant":
        return this.env.send(from, { type: "error-reply", inReplyTo: msg.type, reason: "not handled by manager" });
      default:
        return assertNever(msg, "message");
    }
  }

  // ---- submissions -------------------------------------------------------------------

  private onSubmission(from: NodeId, msg: JobSubmission): void {
    const jobId = msg.job.jobId;
    const existing = this.table.jobs.get(jobId);
    if (existing !== undefined && !this.isOrphaned(existing)) {
      // A retried dispatch (the first ack was lost): the job already has a leader here.
      return this.env.send(from, { type: "job-ack", jobId, accepted: true, error: null, leader: existing.leader });
    }
    if (!this.election.isLeader) {
      return this.env.send(from, {
        type: "job-ack",
        jobId,
        accepted: false,
        error: "not-dc-leader",
        leader: this.election.leader,
      });
    }
    if (this.state !== "active") {
      return this.env.send(from, {
        type: "job-ack",
        jobId,
        accepted: false,
        error: "manager not active",
        leader: null,
      });
    }
    if (existing !== undefined) this.takeovers.takeOver(existing);
    else this.table.accept(msg.job, msg.originGate, msg.gateFenceToken);
    this.env.send(from, { type: "job-ack", jobId, accepted: true, error: null, leader: this.env.id });
  }

  private onReplica(replica: Parameters<typeof applyReplica>[1]): void {
    const existing = this.table.jobs.get(replica.jobId);
    if (
      existing !== undefined &&
      existing.leader === this.env.id &&
      replica.leader !== this.env.id &&
      replica.fenceToken <= existing.fence.current
    )
      return;
    const job = applyReplica(existing, replica, this.env.localNow());
    if (job !== null) this.table.jobs.set(job.jobId, job);
  }

  /**
   * A gate adopted the job (§5.13): follow it only for a higher token. The job leader
   * tells it whether the old gate already has this DC's final result, so the adopter
   * inherits a terminal state rather than reaching a second one.
   */
  private onGateTransfer(from: NodeId, jobId: string, newGate: NodeId, token: number): void {
    const job = this.table.jobs.get(jobId);
    const base = { type: "job-leader-gate-transfer-ack", jobId, datacenter: this.dc } as const;
    if (job === undefined) {
      return this.env.send(from, {
        ...base,
        accepted: false,
        currentGate: null,
        currentFenceToken: 0,
        finalDelivered: false,
        status: null,
      });
    }
    const accepted = token > job.gateFenceToken || (token === job.gateFenceToken && job.originGate === newGate);
    if (token > job.gateFenceToken) {
      job.originGate = newGate;
      job.gateFenceToken = token;
      if (this.table.leads(job)) this.table.sync(job);
    }
    const delivered = job.finalAcked && job.status !== "running";
    this.env.send(from, {
      ...base,
      accepted,
      currentGate: job.originGate,
      currentFenceToken: job.gateFenceToken,
      finalDelivered: delivered,
      status: delivered && job.status !== "running" ? job.status : null,
    });
  }

  // ---- workers and peers ---------------------------------------------------------------

  private onWorkerHeartbeat(from: NodeId, body: WorkerHeartbeatBody): void {
    const verdict = this.workers.apply(body, this.env.localNow());
    if (verdict === "stale") return;
    if (verdict === "new" || verdict === "restarted") {
      this.env.emit("worker.registered", { worker: from, totalCores: body.totalCores, incarnation: body.incarnation });
    }
    // A restarted worker lost every run of its previous incarnation.
    if (verdict === "restarted") this.failWorkflowsOn(from, "worker restarted");
    this.table.pump();
  }

  private onSuspect(id: NodeId): void {
    for (const job of this.table.jobs.values()) {
      if (!this.table.leads(job)) continue;
      for (const wf of job.workflows.values()) {
        if (wf.worker === id && (wf.status === "running" || wf.status === "dispatched")) {
          this.env.emit("workflow.orphaned", { job: job.jobId, workflow: wf.workflowId, node: id });
        }
      }
    }
  }

  private onDead(id: NodeId): void {
    if (this.peers.includes(id)) return this.takeOverOrphans();
    // The suspicion period was the grace; the worker is gone, so its work moves (§5.11).
    this.failWorkflowsOn(id, "worker dead");
  }

  private onJoin(id: NodeId): void {
    if (this.workers.workers.has(id)) this.table.pump();
  }

  /** A peer or worker restarted before anyone declared it dead: its volatile work is gone. */
  private onRestart(id: NodeId): void {
    if (this.peers.includes(id)) return this.takeOverOrphans();
    this.failWorkflowsOn(id, "worker restarted");
  }

  /** A job's leader is dead, or has restarted since it took the job (its memory is gone). */
  private isOrphaned(job: { leader: NodeId; leaderIncarnation: number }): boolean {
    if (job.leader === this.env.id) return false;
    if (this.membership.status(job.leader) === "dead") return true;
    return this.membership.incarnationOf(job.leader) >= job.leaderIncarnation + this.cfg.zombieIncarnationBump;
  }

  /** Only the DC leader coordinates takeovers (§5.12 step 1), taking the jobs itself. */
  private takeOverOrphans(): void {
    if (this.election.isLeader) this.takeovers.takeOverOrphans((job) => this.isOrphaned(job));
  }

  private failWorkflowsOn(worker: NodeId, reason: string): void {
    for (const job of this.table.jobs.values()) {
      if (!this.table.leads(job)) continue;
      for (const wf of job.workflows.values()) {
        if (wf.worker === worker && (wf.status === "running" || wf.status === "dispatched"))
          this.table.failAttempt(job, wf, reason, true);
      }
    }
    this.table.pump();
  }

  private onBecameLeader(): void {
    this.sendGateStatus(false);
    this.takeOverOrphans();
  }

  // ---- gate-facing heartbeat -----------------------------------------------------------

  private heartbeatBody(): ManagerHeartbeatBody {
    const t = this.workers.totals();
    return {
      nodeId: this.env.id,
      datacenter: this.dc,
      incarnation: this.membership.incarnation,
      version: ++this.version,
      isLeader: this.election.isLeader,
      term: this.election.term,
      acceptingJobs: this.state === "active" && this.election.isLeader,
      hasQuorum: quorumView(this.membership, this.peers).hasQuorum,
      activeJobs: this.table.ledJobCount,
      workerCount: t.workerCount,
      healthyWorkerCount: t.healthy,
      totalCores: t.totalCores,
      availableCores: t.availableCores,
    };
  }

  private sendGateStatus(periodic: boolean): void {
    if (periodic) this.env.after(this.cfg.gateStatusIntervalMs * 1000, this.onGateStatus);
    const body = this.heartbeatBody();
    for (const g of this.gates) this.env.send(g, { type: "manager-heartbeat", body });
  }

  private healthyManagers(): NodeId[] {
    const out = [this.env.id];
    for (const p of this.peers) if (this.membership.isHealthy(p)) out.push(p);
    return out;
  }
}

export function managerFactory(overrides: Partial<ManagerConfig> = {}): NodeFactory<ClusterMessage> {
  const cfg = managerConfig(overrides);
  return (env) => new ManagerNode(env, cfg);
}
