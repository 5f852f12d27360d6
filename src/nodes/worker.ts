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
import { WorkerLeadership } from "./worker-leadership.js";

interface Run {
  key: string;
  jobId: string;
  workflowId: string;
  fenceToken: number;
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
  /** The current job leader per job this worker holds work for. */
  readonly jobLeaders = new Map<string, NodeId>();
  private readonly dispatchFences = new FenceTracker();
  private readonly leadership: WorkerLeadership<Run>;
  private readonly registrar: Registrar;
  private readonly managers: readonly NodeId[];
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
      incarnation: this.membership.incarnation,
      totalCores: cfg.totalCores,
      availableCores: this.cores.availableCores,
    }));
    this.leadership = new WorkerLeadership<Run>({
      env,
      cfg,
      runs: this.runs,
      pendingResults: this.pendingResults,
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

  receive(from: NodeId, msg: ClusterMessage): void {
    this.membership.heard(from);
    switch (msg.type) {
      // First: a third of all traffic (the switch tests cases in order).
      case "workflow-progress-ack":
        // Hot path: compare first, build the run key only when the route changed (§5.14).
        if (msg.jobLeader !== this.jobLeaders.get(msg.jobId) && this.runs.has(`${msg.jobId}/${msg.workflowId}`)) {
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
        return this.registrar.answered(from, msg.accepted, msg.leaderId);
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
      case "job-leader-worker-transfer-ack":
      case "job-leader-manager-transfer":
      case "job-leader-manager-transfer-ack":
      case "job-leadership-announcement":
      case "job-leader-gate-transfer":
      case "gate-job-leader-transfer":
      case "job-leader-gate-transfer-ack":
      case "job-lease-request":
      case "job-lease-grant":
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
    this.dispatchFences.accept(key, d.fenceToken);
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
    if (this.runs.size >= this.cfg.maxPendingWorkflows) return "too many pending workflows";
    const last = Math.max(this.dispatchFences.current(key), this.leadership.fences.current(d.jobId));
    if (d.fenceToken <= last) {
      this.env.emit("fence.rejected", { job: d.jobId, workflow: d.workflowId, token: d.fenceToken, last });
      return "stale fence token";
    }
    return null;
  }

  private startRun(key: string, d: WorkflowDispatch): void {
    const r = this.cfg.workflowDurationJitterRatio;
    const factor = 1 - r + 2 * r * this.rng.next();
    const durationUs = Math.max(1000, Math.round(d.declaredDurationMs * 1000 * factor));
    const run: Run = {
      key,
      jobId: d.jobId,
      workflowId: d.workflowId,
      fenceToken: d.fenceToken,
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
    if (pending === undefined || pending.fenceToken !== token || !ok) return;
    this.pendingResults.delete(key);
    this.dispatchFences.forget(key);
    this.forgetJobIfIdle(jobId);
  }

  /** A worker keeps retrying a pending final result until the job leader acks it. */
  private resendResults(): void {
    this.env.after(this.cfg.requestTimeoutShortMs * 1000, this.onResendResults);
    for (const result of this.pendingResults.values()) {
      const leader = this.jobLeaders.get(result.jobId);
      if (leader !== undefined && this.membership.status(leader) !== "dead") this.env.send(leader, result);
    }
  }

  private onCancelRequest(from: NodeId, jobId: string, workflowId: string): void {
    const run = this.runs.get(`${jobId}/${workflowId}`);
    if (run !== undefined) this.finishRun(run, "cancelled", "cancel requested");
    this.env.send(from, { type: "workflow-cancel-response", jobId, workflowId, wasRunning: run !== undefined });
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
        incarnation: this.membership.incarnation,
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
