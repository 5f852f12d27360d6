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
import { applyReplica, toReplica } from "./job-state.js";
import { JobTable } from "./jobs.js";
import type { PerJobView } from "../checks/checker.js";
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
      onLeaseRestored: () => this.catchUp(),
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
      actsAsLeader: () => this.election.isLeader,
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

  /** Per-job state still open, for end-of-run checks (src/nodes/checks/checker.ts). */
  perJobView(): PerJobView {
    const notices = [...this.takeovers.pendingGateNotices.keys()].filter((j) => this.table.jobs.has(j));
    return { perJob: { ...this.table.openPerJob(), gateNotices: notices } };
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
      case "leader-heartbeat-ack":
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
        return this.onReplica(from, msg.replica, msg.version);
      case "job-state-sync-ack":
        return this.table.onSyncAck(from, msg.jobId, msg.fenceToken, msg.version);
      case "job-state-pull": {
        const held = this.table.jobs.get(msg.jobId);
        return this.env.send(from, {
          type: "job-state-pull-response",
          jobId: msg.jobId,
          replica: held === undefined ? null : toReplica(held),
          finished: held === undefined && this.table.deleted.isFinished(msg.jobId),
        });
      }
      case "job-state-pull-response":
        return this.takeovers.onPullResponse(from, msg.jobId, msg.replica, msg.finished);
      case "job-superseded":
        return this.table.onSuperseded(msg.jobId);
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
      case "register-callback":
      case "register-callback-response":
        return this.env.send(from, { type: "error-reply", inReplyTo: msg.type, reason: "not handled by manager" });
      default:
        return assertNever(msg, "message");
    }
  }

  // ---- submissions -------------------------------------------------------------------

  private onSubmission(from: NodeId, msg: JobSubmission): void {
    const jobId = msg.job.jobId;
    const existing = this.table.jobs.get(jobId);
    if (existing !== undefined) {
      // A retried dispatch (the first ack was lost): the job already has a leader here (the
      // DC leader takes over any job it does not own, so the answer stays true).
      this.env.mark("manager.submit.known");
      return this.env.send(from, { type: "job-ack", jobId, accepted: true, error: null, leader: existing.leader });
    }
    if (existing === undefined && this.table.deleted.has(jobId)) {
      // A late copy of a submission whose job has come and gone: the cached answer, no second job.
      this.env.mark("manager.submit.alreadyDeleted");
      return this.env.send(from, { type: "job-ack", jobId, accepted: true, error: null, leader: null });
    }
    if (!this.election.isLeader) {
      this.env.mark("manager.submit.notLeader");
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
    this.table.accept(msg.job, msg.originGate, msg.gateFenceToken);
    this.env.send(from, { type: "job-ack", jobId, accepted: true, error: null, leader: this.env.id });
  }

  private onReplica(from: NodeId, replica: Parameters<typeof applyReplica>[1], version: number): void {
    const existing = this.table.jobs.get(replica.jobId);
    if (existing === undefined && this.table.deleted.isFinished(replica.jobId)) {
      // A stale leader still syncs a job that was finished and deleted here: tell it.
      this.env.mark("manager.replica.ofDeletedJob");
      return this.env.send(from, { type: "job-superseded", jobId: replica.jobId });
    }
    if (existing === undefined && replica.fenceToken < this.table.deleted.forgottenToken(replica.jobId)) {
      // Older than the replica this manager dropped (a late or replayed sync from a leader
      // since replaced): it must not bring the job back in a state the DC has moved past,
      // where a takeover would redo work that ended meanwhile (chaos seed 1565).
      this.env.mark("manager.replica.belowForgottenToken");
      return;
    }
    if (existing !== undefined && replica.fenceToken < existing.fence.current && replica.leader !== existing.leader) {
      // A stale leader's sync (it was cut off while the job moved on): answer with what we know.
      this.env.mark("manager.replica.staleClaimAnswered");
      return this.env.send(from, { type: "job-state-sync", replica: toReplica(existing), version: 0 });
    }
    const sameToken = existing !== undefined && replica.fenceToken === existing.fence.current;
    if (sameToken && version <= existing.appliedVersion) {
      // An older sync arriving late (reordered or replayed): applying it would undo newer state.
      this.env.mark("manager.replica.olderVersion");
      return;
    }
    const job = applyReplica(existing, replica, this.env.localNow());
    if (job === null) {
      this.env.mark("manager.replica.stale");
      return;
    }
    job.appliedVersion = version;
    this.table.jobs.set(job.jobId, job);
    this.env.send(from, { type: "job-state-sync-ack", jobId: job.jobId, fenceToken: replica.fenceToken, version });
    // A former leader handing over a job the DC leader had not heard of (its syncs were lost).
    if (this.election.isLeader && !this.table.owns(job)) this.takeOverOrphans();
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
      this.env.mark("manager.gateTransfer.unknownJob");
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
    this.env.mark(
      token > job.gateFenceToken
        ? "manager.gateTransfer.applied"
        : accepted
          ? "manager.gateTransfer.repeat"
          : "manager.gateTransfer.stale",
    );
    if (token > job.gateFenceToken) {
      job.originGate = newGate;
      job.gateFenceToken = token;
      if (this.table.owns(job)) this.table.sync(job);
    }
    const delivered = job.finalAcked && job.status !== "running";
    if (delivered) this.env.mark("manager.gateTransfer.finalAlreadyDelivered");
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
    if (verdict === "stale") {
      this.env.mark("manager.heartbeat.stale");
      return;
    }
    if (verdict === "new" || verdict === "restarted") {
      this.env.emit("worker.registered", { worker: from, totalCores: body.totalCores, incarnation: body.incarnation });
    }
    // A restarted worker lost every run of its previous incarnation.
    if (verdict === "restarted") {
      this.env.mark("manager.worker.restartedHeartbeat");
      this.failWorkflowsOn(from, "worker restarted", body.incarnation);
    }
    this.table.pump();
  }

  private onSuspect(id: NodeId): void {
    for (const job of this.table.jobs.values()) {
      if (!this.table.leads(job)) continue;
      for (const wf of job.workflows.values()) {
        if (wf.worker === id && (wf.status === "running" || wf.status === "dispatched")) {
          this.env.mark("manager.worker.suspectedWithWork");
          this.env.emit("workflow.orphaned", { job: job.jobId, workflow: wf.workflowId, node: id });
        }
      }
    }
  }

  private onDead(id: NodeId): void {
    if (this.peers.includes(id)) {
      this.env.mark("manager.peer.dead");
      return this.takeOverOrphans();
    }
    // The suspicion period was the grace; the worker is gone, so its work moves (§5.11).
    this.env.mark("manager.worker.dead");
    this.failWorkflowsOn(id, "worker dead");
  }

  private onJoin(id: NodeId): void {
    if (!this.workers.workers.has(id)) return;
    this.env.mark("manager.worker.rejoined");
    this.table.pump();
  }

  /**
   * A peer jumped its incarnation by a restart's size before anyone declared it dead. For a
   * peer manager that means its jobs may be orphaned. For a worker it proves nothing (a
   * worker refuting its own death jumps just as far): its runs are given up only on its
   * heartbeat's process incarnation (onWorkerHeartbeat), which only a real restart raises.
   */
  private onRestart(id: NodeId): void {
    if (this.peers.includes(id)) {
      this.env.mark("manager.peer.restarted");
      return this.takeOverOrphans();
    }
    this.env.mark("manager.worker.incarnationJump");
  }

  /** Only the DC leader coordinates takeovers (§5.12 step 1), taking the jobs itself. */
  private takeOverOrphans(): void {
    if (this.election.isLeader) this.takeovers.takeOverAll();
  }

  /**
   * Work put on hold while this manager could not act as leader: workers that died or
   * restarted meanwhile lose their attempts now (the events that would have done it came
   * and went), then the table resumes what it deferred.
   */
  private catchUp(): void {
    if (!this.election.isLeader) return;
    this.takeOverOrphans();
    for (const job of this.table.jobs.values()) {
      if (!this.table.leads(job) || job.status !== "running") continue;
      for (const wf of job.workflows.values()) {
        if ((wf.status !== "running" && wf.status !== "dispatched") || wf.worker === null) continue;
        const record = this.workers.workers.get(wf.worker);
        if (this.membership.status(wf.worker) === "dead") {
          this.env.mark("manager.catchUp.workerDead");
          this.table.failAttempt(job, wf, "worker dead", true);
        } else if (record !== undefined && wf.workerIncarnation > 0 && record.incarnation > wf.workerIncarnation) {
          this.env.mark("manager.catchUp.workerRestarted");
          this.table.failAttempt(job, wf, "worker restarted", true);
        }
      }
    }
    this.table.catchUp();
  }

  /**
   * Moves the workflows in flight on `worker` elsewhere. After a restart only the attempts
   * addressed to an earlier life go: one already addressed to the new incarnation lives on.
   */
  private failWorkflowsOn(worker: NodeId, reason: string, incarnation = Number.POSITIVE_INFINITY): void {
    for (const job of this.table.jobs.values()) {
      if (!this.table.leads(job)) continue;
      for (const wf of job.workflows.values()) {
        const live = wf.status === "running" || wf.status === "dispatched";
        if (wf.worker === worker && live && wf.workerIncarnation < incarnation)
          this.table.failAttempt(job, wf, reason, true);
      }
    }
    this.table.pump();
  }

  private onBecameLeader(): void {
    this.table.reclaimEarlierTerms(this.election.term);
    this.sendGateStatus(false);
    this.catchUp();
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
