// The worker (PROTOCOL.md §1, §5.9, §5.12 worker side). It registers with every manager
// of its DC, accepts fenced dispatches by allocating cores atomically, runs each
// workflow for a seeded virtual duration while streaming progress to the job leader,
// and sends the final result until the job leader acks it. When a job leader dies the
// worker marks that job's runs orphaned; a valid transfer re-routes them, otherwise they
// are cancelled after orphanGracePeriodMs and reported as CANCELLED ("orphaned").
//
// The worker is the source of truth for what it runs (AD-4): it answers transfers with
// the state of every run of the job.

import type { NodeEnv, NodeFactory, SimNode, TimerHandle } from "../sim/index.js";
import { workerConfig, type WorkerConfig } from "./config.js";
import type {
  ClusterMessage,
  NodeId,
  WorkerHeartbeatBody,
  WorkflowDispatch,
  WorkflowFinalResult,
  WorkflowOutcome,
} from "./messages.js";
import { assertNever } from "./messages.js";
import { CoreAllocator } from "./parts/core-allocator.js";
import { FenceTracker } from "./parts/fencing.js";
import { Membership } from "./parts/membership.js";
import { PeerScope } from "./parts/peer-scope.js";
import { Registrar } from "./parts/registrar.js";
import type { PerJobView } from "./checks/checker.js";
import { WorkerLeadership } from "./worker-leadership.js";

interface Run {
  key: string;
  jobId: string;
  workflowId: string;
  fenceToken: number;
  /** The cores the dispatch asked for (and the allocator gave). */
  cores: number;
  startedAtUs: number;
  durationUs: number;
  endTimer: TimerHandle;
  orphanedSinceUs: number;
}

export class WorkerNode implements SimNode<ClusterMessage> {
  readonly membership: Membership;
  readonly cores: CoreAllocator;
  readonly runs = new Map<string, Run>();
  /** Final results not yet acked, by sub-workflow key. */
  readonly pendingResults = new Map<string, WorkflowFinalResult>();
  /**
   * Results the job leader acked, kept until their job's timeout (§5.11: "the worker still
   * reports the terminal state"): a leader that takes the job over from a replica that
   * missed the completion learns it here instead of running the workflow again.
   */
  readonly reportedResults = new Map<string, WorkflowFinalResult>();
  /** When each pending or reported result stops being worth keeping: its job's timeout after the dispatch. */
  private readonly resultExpiresUs = new Map<string, number>();
  /** The current job leader per job this worker holds work for. */
  readonly jobLeaders = new Map<string, NodeId>();
  private readonly dispatchFences = new FenceTracker();
  private readonly leadership: WorkerLeadership<Run>;
  private readonly registrar: Registrar;
  private readonly managers: readonly NodeId[];
  /** When a registration answer last made this worker register with a manager it held dead. */
  private readonly lastMetUs = new Map<NodeId, number>();
  private readonly rng;
  private version = 0;
  private heartbeat: WorkerHeartbeatBody | null = null;
  private heartbeatQueued = false;
  private progressTimer: TimerHandle = -1;
  private readonly onProgress = (): void => this.flushProgress();
  private readonly onHeartbeatFlush = (): void => this.sendHeartbeats();
  private readonly onOrphanCheck = (): void => {
    this.env.after(this.cfg.orphanCheckIntervalMs * 1000, this.onOrphanCheck);
    this.leadership.checkOrphans();
    this.forgetOldFences();
    this.rediscoverManagers();
  };
  private readonly onResendResults = (): void => this.resendResults();

  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly cfg: WorkerConfig,
  ) {
    const dc = env.dc ?? "";
    this.managers = env.peers("manager", dc);
    this.rng = env.rng.fork("runs");
    this.cores = new CoreAllocator(cfg.totalCores);
    // A worker tracks its DC's managers only (PROTOCOL.md §1; peer-scope.ts).
    this.membership = new Membership(env, cfg, PeerScope.forNode(env), {
      embed: () => this.heartbeatBody(),
      onDead: (id) => this.leadership.onManagerLost(id),
      onJoin: (id) => this.leadership.onManagerBack(id, true),
      onAlive: (id) => this.leadership.onManagerBack(id, false),
      onRestart: (id) => {
        // A quick restart loses the manager's memory just like a death does.
        this.leadership.onManagerLost(id);
        this.leadership.onManagerBack(id, true);
      },
    });
    this.registrar = new Registrar(env, cfg.registrationRetryBaseMs, () => ({
      type: "worker-registration",
      incarnation: this.env.incarnation,
      totalCores: cfg.totalCores,
      availableCores: this.cores.availableCores,
    }));
    this.leadership = new WorkerLeadership<Run>({
      env,
      cfg,
      runs: this.runs,
      pendingResults: this.pendingResults,
      reportedResults: this.reportedResults,
      jobLeaders: this.jobLeaders,
      managers: this.managers,
      registrar: this.registrar,
      finishRun: (run, status, error) => this.finishRun(run, status, error),
    });
  }

  // ---- read-only view for checkers and scenarios --------------------------------------
  get coresInUse(): number {
    return this.cores.coresInUse;
  }
  get activeWorkflowCount(): number {
    return this.runs.size;
  }
  get primaryManager(): NodeId | null {
    return this.registrar.leaderHint;
  }

  /** Per-job state and core use, for end-of-run checks (src/nodes/checks/checker.ts). */
  perJobView(): PerJobView {
    let runCores = 0;
    for (const run of this.runs.values()) runCores += run.cores;
    return {
      perJob: {
        runs: [...this.runs.keys()],
        pendingResults: [...this.pendingResults.keys()],
        jobLeaders: [...this.jobLeaders.keys()],
      },
      coresInUse: this.cores.coresInUse,
      runCores,
    };
  }

  start(): void {
    this.env.emit("node.started", {
      role: "worker",
      incarnation: this.env.incarnation,
      totalCores: this.cfg.totalCores,
    });
    this.membership.start();
    for (const m of this.managers) this.registrar.register(m);
    this.env.after(this.cfg.orphanCheckIntervalMs * 1000, this.onOrphanCheck);
    this.env.after(this.cfg.requestTimeoutShortMs * 1000, this.onResendResults);
  }

  /**
   * A worker that holds every manager of its DC dead talks to none of them, and a restarted
   * manager does not know the worker exists: register again, so one of them hears of it,
   * probes it, and the two memberships meet again.
   */
  /**
   * A registration answer names the DC's healthy managers, and the worker learns every one
   * (PROTOCOL.md §1, RegistrationResponse). One it had declared dead and forgotten (a long
   * isolation) would otherwise never hear from it again: the leader would never dispatch
   * here while its jobs wait for a worker (chaos seed 399).
   */
  private meetHealthyManagers(healthy: readonly NodeId[]): void {
    const now = this.env.localNow();
    for (const m of healthy) {
      const status = this.membership.status(m);
      if (status === "ok" || status === "suspect" || !this.managers.includes(m)) continue;
      // A manager still DEAD here answers without reviving (it must refute first): meet it
      // once per backoff cap, or every answer would send another registration round.
      const last = this.lastMetUs.get(m);
      if (this.registrar.pending(m) || (last !== undefined && now - last < Registrar.MAX_DELAY_MS * 1000)) continue;
      this.lastMetUs.set(m, now);
      this.env.mark("worker.managers.metThroughRegistration");
      this.registrar.register(m);
    }
  }

  private rediscoverManagers(): void {
    if (this.managers.every((m) => this.membership.status(m) !== "ok" && this.membership.status(m) !== "suspect")) {
      this.env.mark("worker.managers.rediscover");
      for (const m of this.managers) this.registrar.register(m);
    }
  }

  receive(from: NodeId, msg: ClusterMessage): void {
    this.membership.heard(from);
    switch (msg.type) {
      // First: a third of all traffic (the switch tests cases in order).
      case "workflow-progress-ack":
        // Hot path: compare first, build the run key only when the route changed (§5.14).
        if (msg.jobLeader !== this.jobLeaders.get(msg.jobId) && this.runs.has(`${msg.jobId}/${msg.workflowId}`)) {
          // A late or replayed ack from before a transfer names the old leader: following it
          // would send the run's final result where no one takes it (chaos seed 1595).
          if (msg.fenceToken < this.leadership.fences.current(msg.jobId)) {
            this.env.mark("worker.progressAck.staleLeader");
            return;
          }
          this.env.mark("worker.progressAck.rerouted");
          this.jobLeaders.set(msg.jobId, msg.jobLeader);
        }
        return;
      case "probe":
      case "ack":
      case "ping-req":
      case "ping-req-ack":
      case "suspect":
      case "alive":
      case "dead":
        return this.membership.handle(from, msg);
      case "registration-response":
        this.registrar.answered(from, msg.accepted, msg.leaderId);
        if (msg.accepted) this.meetHealthyManagers(msg.healthyManagers);
        return;
      case "workflow-dispatch":
        return this.onDispatch(from, msg);
      case "workflow-final-result-ack":
        return this.onResultAck(msg.jobId, msg.workflowId, msg.fenceToken, msg.ok);
      case "workflow-cancel-request":
        return this.onCancelRequest(from, msg.jobId, msg.workflowId);
      case "job-leader-worker-transfer":
        return this.leadership.onTransfer(from, msg.jobId, msg.newLeader, msg.fenceToken);
      case "error-reply":
        return;
      case "pre-vote-req":
      case "pre-vote-resp":
      case "leader-claim":
      case "leader-vote":
      case "leader-heartbeat":
      case "leader-heartbeat-ack":
      case "leader-stepdown":
      case "worker-registration":
      case "worker-heartbeat":
      case "manager-registration":
      case "manager-registration-response":
      case "manager-heartbeat":
      case "job-submission":
      case "job-ack":
      case "workflow-dispatch-ack":
      case "workflow-progress":
      case "job-progress":
      case "job-progress-ack":
      case "workflow-final-result":
      case "job-final-result":
      case "job-final-result-ack":
      case "global-job-result":
      case "global-job-result-ack":
      case "workflow-cancel-response":
      case "job-global-timeout":
      case "job-state-sync":
      case "job-superseded":
      case "job-state-sync-ack":
      case "job-state-pull":
      case "job-state-pull-response":
      case "job-leader-worker-transfer-ack":
      case "job-leader-manager-transfer":
      case "job-leader-manager-transfer-ack":
      case "job-leadership-announcement":
      case "job-leader-gate-transfer":
      case "gate-job-leader-transfer":
      case "job-leader-gate-transfer-ack":
      case "job-lease-request":
      case "job-lease-grant":
      case "register-callback":
      case "register-callback-response":
        return this.env.send(from, { type: "error-reply", inReplyTo: msg.type, reason: "not handled by worker" });
      default:
        return assertNever(msg, "message");
    }
  }

  // ---- dispatch and runs --------------------------------------------------------------

  private onDispatch(from: NodeId, d: WorkflowDispatch): void {
    const key = `${d.jobId}/${d.workflowId}`;
    const error = this.dispatchError(key, d);
    if (error !== null) {
      this.env.emit("workflow.rejected", {
        job: d.jobId,
        dc: this.env.dc,
        workflow: d.workflowId,
        token: d.fenceToken,
        reason: error,
      });
      this.env.send(from, {
        type: "workflow-dispatch-ack",
        jobId: d.jobId,
        workflowId: d.workflowId,
        fenceToken: d.fenceToken,
        accepted: false,
        error,
        coresAssigned: 0,
      });
      return;
    }
    const alloc = this.cores.allocate(key, d.cores);
    if (!alloc.ok) {
      // invalid-cores and exceeds-total cannot come from a manager that checks totalCores: no mark.
      if (alloc.error === "insufficient-cores") this.env.mark("worker.dispatch.insufficientCores");
      else if (alloc.error === "already-allocated") this.env.mark("worker.dispatch.alreadyAllocated");
      this.env.emit("workflow.rejected", {
        job: d.jobId,
        dc: this.env.dc,
        workflow: d.workflowId,
        token: d.fenceToken,
        reason: alloc.error,
      });
      this.env.send(from, {
        type: "workflow-dispatch-ack",
        jobId: d.jobId,
        workflowId: d.workflowId,
        fenceToken: d.fenceToken,
        accepted: false,
        error: alloc.error,
        coresAssigned: 0,
      });
      return;
    }
    this.dispatchFences.accept(key, d.fenceToken, this.env.localNow());
    this.jobLeaders.set(d.jobId, d.jobLeader);
    this.env.emit("fence.accepted", { job: d.jobId, workflow: d.workflowId, token: d.fenceToken });
    this.env.emit("cores.allocated", {
      job: d.jobId,
      workflow: d.workflowId,
      token: d.fenceToken,
      cores: d.cores,
      inUse: this.cores.coresInUse,
      total: this.cfg.totalCores,
    });
    this.startRun(key, d);
    this.env.send(from, {
      type: "workflow-dispatch-ack",
      jobId: d.jobId,
      workflowId: d.workflowId,
      fenceToken: d.fenceToken,
      accepted: true,
      error: null,
      coresAssigned: d.cores,
    });
  }

  private dispatchError(key: string, d: WorkflowDispatch): string | null {
    if (d.workerIncarnation !== this.env.incarnation) {
      this.env.mark("worker.dispatch.staleIncarnation");
      return "stale incarnation";
    }
    if (this.runs.size >= this.cfg.maxPendingWorkflows) {
      this.env.mark("worker.dispatch.queueFull");
      return "too many pending workflows";
    }
    const last = Math.max(this.dispatchFences.current(key), this.leadership.fences.current(d.jobId));
    if (d.fenceToken <= last) {
      this.env.mark("worker.dispatch.staleToken");
      this.env.emit("fence.rejected", { job: d.jobId, workflow: d.workflowId, token: d.fenceToken, last });
      return "stale fence token";
    }
    return null;
  }

  private startRun(key: string, d: WorkflowDispatch): void {
    const r = this.cfg.workflowDurationJitterRatio;
    const factor = 1 - r + 2 * r * this.rng.next();
    const durationUs = Math.max(1000, Math.round(d.declaredDurationMs * 1000 * factor));
    this.resultExpiresUs.set(key, this.env.localNow() + d.jobTimeoutMs * 1000);
    this.reportedResults.delete(key); // a new attempt supersedes the old one's result
    const run: Run = {
      key,
      jobId: d.jobId,
      workflowId: d.workflowId,
      fenceToken: d.fenceToken,
      cores: d.cores,
      startedAtUs: this.env.localNow(),
      durationUs,
      endTimer: -1,
      orphanedSinceUs: -1,
    };
    run.endTimer = this.env.after(durationUs, () => this.finishRun(run, this.drawOutcome(), null));
    this.runs.set(key, run);
    this.env.emit("workflow.started", { job: d.jobId, dc: this.env.dc, workflow: d.workflowId, token: d.fenceToken });
    this.changed();
    if (this.progressTimer === -1)
      this.progressTimer = this.env.after(this.cfg.progressFlushIntervalMs * 1000, this.onProgress);
  }

  private drawOutcome(): WorkflowOutcome {
    return this.rng.chance(this.cfg.workflowFailurePerMillion, 1_000_000) ? "failed" : "completed";
  }

  private finishRun(run: Run, status: WorkflowOutcome, error: string | null): void {
    if (this.runs.get(run.key) !== run) return;
    this.env.mark(
      status === "completed"
        ? "worker.run.completed"
        : status === "failed"
          ? "worker.run.failed"
          : error === "orphaned"
            ? "worker.run.orphanExpired"
            : "worker.run.cancelled",
    );
    this.env.cancel(run.endTimer);
    this.runs.delete(run.key);
    const freed = this.cores.free(run.key);
    this.env.emit("cores.freed", {
      job: run.jobId,
      workflow: run.workflowId,
      cores: freed,
      inUse: this.cores.coresInUse,
      total: this.cfg.totalCores,
    });
    this.env.emit("workflow.finished", {
      job: run.jobId,
      dc: this.env.dc,
      workflow: run.workflowId,
      token: run.fenceToken,
      status,
    });
    const result: WorkflowFinalResult = {
      type: "workflow-final-result",
      jobId: run.jobId,
      workflowId: run.workflowId,
      fenceToken: run.fenceToken,
      status,
      error: status === "failed" && error === null ? "execution error" : error,
      workerId: this.env.id,
      workerAvailableCores: this.cores.availableCores,
    };
    this.pendingResults.set(run.key, result);
    this.changed();
    // An orphaned run's result waits for a new job leader instead of going to a dead one.
    const leader = this.jobLeaders.get(run.jobId);
    if (leader !== undefined && run.orphanedSinceUs < 0) this.env.send(leader, result);
    else this.env.mark("worker.result.heldForNewLeader");
  }

  private flushProgress(): void {
    this.progressTimer = -1;
    if (this.runs.size === 0) return;
    const now = this.env.localNow();
    for (const run of this.runs.values()) {
      const leader = this.jobLeaders.get(run.jobId);
      if (leader === undefined || run.orphanedSinceUs >= 0) continue;
      const elapsedUs = now - run.startedAtUs;
      this.env.send(leader, {
        type: "workflow-progress",
        jobId: run.jobId,
        workflowId: run.workflowId,
        fenceToken: run.fenceToken,
        completedCount: Math.floor((elapsedUs * 100) / run.durationUs),
        elapsedMs: Math.floor(elapsedUs / 1000),
        workerAvailableCores: this.cores.availableCores,
      });
    }
    this.progressTimer = this.env.after(this.cfg.progressFlushIntervalMs * 1000, this.onProgress);
  }

  private onResultAck(jobId: string, workflowId: string, token: number, ok: boolean): void {
    const key = `${jobId}/${workflowId}`;
    const pending = this.pendingResults.get(key);
    if (pending === undefined && this.reportedResults.get(key)?.fenceToken === token) return; // re-reported after a takeover
    if (pending === undefined || pending.fenceToken !== token || !ok) {
      this.env.mark(ok ? "worker.resultAck.stale" : "worker.resultAck.refused");
      return;
    }
    this.env.mark("worker.resultAck.accepted");
    this.pendingResults.delete(key);
    this.reportedResults.set(key, pending);
    // The token stays (fenceRetentionMs): a late copy of this dispatch must still be refused.
    this.dispatchFences.touch(key, this.env.localNow());
    this.forgetJobIfIdle(jobId);
  }

  /**
   * A worker keeps retrying a pending final result until the job leader acks it, or until
   * its job's timeout has passed: by then the job is over everywhere (timed out if nothing
   * else), and a result that no manager took (every manager of the DC lost the job) would
   * otherwise be kept forever.
   */
  private resendResults(): void {
    this.env.after(this.cfg.requestTimeoutShortMs * 1000, this.onResendResults);
    const now = this.env.localNow();
    for (const [key, result] of [...this.pendingResults]) {
      if (now < (this.resultExpiresUs.get(key) ?? Number.POSITIVE_INFINITY)) continue;
      this.env.mark("worker.result.expired");
      this.pendingResults.delete(key);
      this.resultExpiresUs.delete(key);
      this.forgetJobIfIdle(result.jobId);
    }
    for (const key of [...this.reportedResults.keys()]) {
      if (now < (this.resultExpiresUs.get(key) ?? Number.POSITIVE_INFINITY)) continue;
      this.env.mark("worker.reported.expired");
      this.reportedResults.delete(key);
      this.resultExpiresUs.delete(key);
    }
    for (const result of this.pendingResults.values()) {
      const leader = this.jobLeaders.get(result.jobId);
      if (leader === undefined || this.membership.status(leader) === "dead") continue;
      this.env.mark("worker.result.resent");
      this.env.send(leader, result);
    }
  }

  private onCancelRequest(from: NodeId, jobId: string, workflowId: string): void {
    const run = this.runs.get(`${jobId}/${workflowId}`);
    this.env.mark(run === undefined ? "worker.cancel.notRunning" : "worker.cancel.running");
    if (run !== undefined) this.finishRun(run, "cancelled", "cancel requested");
    this.env.send(from, { type: "workflow-cancel-response", jobId, workflowId, wasRunning: run !== undefined });
  }

  /** Fences of work long over are dropped (fenceRetentionMs), so a worker's memory stays bounded. */
  private forgetOldFences(): void {
    const cutoff = this.env.localNow() - this.cfg.fenceRetentionMs * 1000;
    const live = (key: string): boolean => this.runs.has(key) || this.pendingResults.has(key);
    if (this.dispatchFences.forgetOlderThan(cutoff, live) > 0) this.env.mark("worker.fence.forgotten");
    const jobLive = (jobId: string): boolean => this.jobLeaders.has(jobId);
    this.leadership.fences.forgetOlderThan(cutoff, jobLive);
  }

  private forgetJobIfIdle(jobId: string): void {
    for (const run of this.runs.values()) if (run.jobId === jobId) return;
    for (const r of this.pendingResults.values()) if (r.jobId === jobId) return;
    this.jobLeaders.delete(jobId);
  }

  // ---- heartbeats ---------------------------------------------------------------------

  private heartbeatBody(): WorkerHeartbeatBody {
    if (this.heartbeat === null) {
      this.heartbeat = {
        nodeId: this.env.id,
        incarnation: this.env.incarnation,
        version: this.version,
        state: "healthy",
        totalCores: this.cfg.totalCores,
        availableCores: this.cores.availableCores,
        activeWorkflows: this.runs.size,
      };
    }
    return this.heartbeat;
  }

  /** Free cores changed: bump the version and send one coalesced direct heartbeat. */
  private changed(): void {
    this.version++;
    this.heartbeat = null;
    if (this.heartbeatQueued) return;
    this.heartbeatQueued = true;
    this.env.after(0, this.onHeartbeatFlush);
  }

  private sendHeartbeats(): void {
    this.heartbeatQueued = false;
    const body = this.heartbeatBody();
    for (const m of this.registrar.accepted)
      if (this.membership.status(m) !== "dead") this.env.send(m, { type: "worker-heartbeat", body });
  }
}

export function workerFactory(overrides: Partial<WorkerConfig> = {}): NodeFactory<ClusterMessage> {
  const cfg = workerConfig(overrides);
  return (env) => new WorkerNode(env, cfg);
}
