// Global invariant checkers for every cluster scenario (issue 5 item 4). They live
// outside the nodes and see only emitted events (src/nodes/events.ts), fed one by one
// through `observe`; safety violations are reported as soon as they happen through the
// sink, end-of-run obligations by `finish`, and liveness reasons by `pending`.
//
//   terminal-once    every job a gate accepted reaches exactly one terminal state
//   client-once      the client hears each job's result exactly once (never twice; at the
//                    end, every submitted job was answered or rejected)
//   cores            no worker ever has more cores in use than it has
//   fencing          per (job, DC), a new job leader's first token (create, takeover) is above
//                    every token issued before it, and each leader's own tokens strictly
//                    increase (a cut-off stale leader may go on issuing: the workers must
//                    refuse it); per worker incarnation and sub-workflow, accepted tokens
//                    strictly increase and never fall at or below an accepted transfer
//                    token (a worker's fences are volatile, PROTOCOL §1: a restart resets them)
//   leader-per-term  at most one leader per term in each election group (DC or global)
//   single-run       no (job, DC, workflow, fence token) ever runs twice, nor twice at once
//   cleanup          a terminal job's state is deleted once its retention has passed,
//                    unless the node holding it restarted (volatile state gone) first
//
// and the checkers in src/nodes/checks/ (each file says what it checks): cores at rest,
// finalisation only after every DC reported, work leaving a worker only for a reason that
// holds, failure-detection bounds and transitions, votes and majorities, allowed job and
// workflow transitions, and no per-job state left at rest.

import type { EmitDetail } from "../sim/index.js";
import type { Checker, EndOfRun, HostState, PerJobView, ViolationSink } from "./checks/checker.js";
import { CORES_AT_REST, CoresAtRest } from "./checks/cores-at-rest.js";
import { ELECTION_VOTES, ElectionVotes } from "./checks/election-votes.js";
import { FAILURE_DETECTION, FailureDetection } from "./checks/failure-detection.js";
import { FINALIZE_REPORTS, FinalizeReports } from "./checks/finalize-reports.js";
import { MembershipViews } from "./checks/membership-views.js";
import { QUIESCENCE, Quiescence } from "./checks/quiescence.js";
import { TRANSITIONS, Transitions } from "./checks/transitions.js";
import { WORK_LEAVES_WORKER, WorkLeavesWorker } from "./checks/work-leaves-worker.js";
import {
  gateConfig,
  managerConfig,
  workerConfig,
  type GateConfig,
  type ManagerConfig,
  type WorkerConfig,
} from "./config.js";

export type { ViolationSink } from "./checks/checker.js";

export const CHECK_NAMES = {
  terminalOnce: "cluster: job reaches exactly one terminal state",
  clientOnce: "cluster: client hears each result exactly once",
  cores: "cluster: cores never over-allocated",
  fencing: "cluster: fence tokens strictly increase, stale never accepted",
  leaderPerTerm: "cluster: at most one leader per term per group",
  singleRun: "cluster: no workflow runs twice in one fence epoch",
  cleanup: "cluster: per-job state removed after retention",
  coresAtRest: CORES_AT_REST,
  finalizeReports: FINALIZE_REPORTS,
  workLeavesWorker: WORK_LEAVES_WORKER,
  failureDetection: FAILURE_DETECTION,
  electionVotes: ELECTION_VOTES,
  transitions: TRANSITIONS,
  quiescence: QUIESCENCE,
} as const;

/** The cluster the checkers watch: its configs, election groups and node roles (from the scenario). */
export interface ClusterShapeForChecks {
  gate: GateConfig;
  manager: ManagerConfig;
  worker: WorkerConfig;
  groupSizes: ReadonlyMap<string, number>;
  roles: ReadonlyMap<string, string>;
}

export interface RetentionOptions {
  gateJobRetentionMs: number;
  gateJobCleanupIntervalMs: number;
  managerCompletedJobMaxAgeMs: number;
  managerFailedJobMaxAgeMs: number;
  managerJobCleanupIntervalMs: number;
}

interface Held {
  node: string;
  role: "gate" | "manager";
  job: string;
  terminalAtUs: number;
  retentionUs: number;
}

export class ClusterCheckers {
  private readonly terminalCount = new Map<string, number>();
  private readonly gateAccepted = new Map<string, string>();
  private readonly clientSubmitted = new Set<string>();
  private readonly clientAnswered = new Map<string, number>();
  private readonly clientRejected = new Set<string>();
  private readonly coresInUse = new Map<string, number>();
  private readonly issued = new Map<string, number>();
  /** Per worker (this incarnation): the highest accepted dispatch token per sub-workflow. */
  private readonly accepted = new Map<string, Map<string, number>>();
  /** Per worker (this incarnation): the highest accepted transfer token per job. */
  private readonly transferFloor = new Map<string, Map<string, number>>();
  private readonly leaders = new Map<string, string>();
  private readonly running = new Map<string, string>();
  private readonly everStarted = new Set<string>();
  private readonly held = new Map<string, Held>();
  private readonly lastStartUs = new Map<string, number>();

  private readonly views = new MembershipViews();
  private readonly more: Checker[];

  constructor(
    private readonly sink: ViolationSink,
    private readonly retention: RetentionOptions,
    shape: ClusterShapeForChecks = {
      gate: gateConfig(),
      manager: managerConfig(),
      worker: workerConfig(),
      groupSizes: new Map(),
      roles: new Map(),
    },
  ) {
    const ctx = { sink, ...shape };
    this.more = [
      new CoresAtRest(ctx),
      new FinalizeReports(ctx),
      new WorkLeavesWorker(ctx, this.views),
      new FailureDetection(ctx, this.views),
      new ElectionVotes(ctx),
      new Transitions(ctx),
      new Quiescence(ctx),
    ];
  }

  observe(node: string, kind: string, d: EmitDetail, atUs: number): void {
    this.observeOwn(node, kind, d, atUs);
    for (const c of this.more) c.observe(node, kind, d, atUs);
    // Last: the checkers above judge an event against the views as they stood before it.
    this.views.apply(node, kind, d);
  }

  /** A node's host went up, down or paused. */
  observeHost(node: string, state: HostState, atUs: number): void {
    for (const c of this.more) c.host?.(node, state, atUs);
  }

  private observeOwn(node: string, kind: string, d: EmitDetail, atUs: number): void {
    switch (kind) {
      case "node.started":
        return this.onNodeStarted(node, atUs);
      case "job.accepted":
        this.gateAccepted.set(str(d, "job"), node);
        return;
      case "job.terminal":
        return this.onTerminal(node, str(d, "job"), str(d, "status"), atUs);
      case "job.dcTerminal":
        return this.hold(
          node,
          "manager",
          str(d, "job"),
          atUs,
          str(d, "status") === "completed"
            ? this.retention.managerCompletedJobMaxAgeMs
            : this.retention.managerFailedJobMaxAgeMs,
          this.retention.managerJobCleanupIntervalMs,
        );
      case "job.deleted":
        this.held.delete(`${node}|${str(d, "job")}`);
        return;
      case "client.submitted":
        this.clientSubmitted.add(str(d, "job"));
        return;
      case "client.rejected":
        this.clientRejected.add(str(d, "job"));
        return;
      case "client.result":
        return this.onClientResult(node, str(d, "job"));
      case "cores.allocated":
      case "cores.freed":
        return this.onCores(node, kind, d);
      case "fence.issued":
        // Each DC's job leader fences the job independently: the key is (job, dc).
        return this.onIssued(node, `${str(d, "job")}@${str(d, "dc")}`, num(d, "token"), str(d, "purpose"));
      case "fence.accepted":
        return this.onAccepted(node, str(d, "job"), str(d, "workflow"), num(d, "token"));
      case "transfer.accepted": {
        const floors = perNode(this.transferFloor, node);
        const job = str(d, "job");
        floors.set(job, Math.max(floors.get(job) ?? -1, num(d, "token")));
        return;
      }
      case "leader.elected":
        return this.onLeader(node, str(d, "group"), num(d, "term"));
      case "workflow.started":
        return this.onStarted(node, runKey(d));
      case "workflow.finished":
        this.running.delete(runKey(d));
        return;
      default:
        return;
    }
  }

  private onNodeStarted(node: string, atUs: number): void {
    // A (re)started node has lost its volatile state: its cores, runs and held jobs.
    this.coresInUse.delete(node);
    this.accepted.delete(node);
    this.transferFloor.delete(node);
    for (const [key, holder] of [...this.running]) if (holder === node) this.running.delete(key);
    for (const [key, h] of [...this.held]) if (h.node === node) this.held.delete(key);
    this.lastStartUs.set(node, atUs);
  }

  private onTerminal(node: string, job: string, status: string, atUs: number): void {
    const n = (this.terminalCount.get(job) ?? 0) + 1;
    this.terminalCount.set(job, n);
    if (n > 1)
      this.sink(
        CHECK_NAMES.terminalOnce,
        `job ${job} reached a terminal state ${n} times (latest ${status} at ${node})`,
        [node],
      );
    this.hold(node, "gate", job, atUs, this.retention.gateJobRetentionMs, this.retention.gateJobCleanupIntervalMs);
  }

  private hold(
    node: string,
    role: "gate" | "manager",
    job: string,
    atUs: number,
    retentionMs: number,
    intervalMs: number,
  ): void {
    this.held.set(`${node}|${job}`, {
      node,
      role,
      job,
      terminalAtUs: atUs,
      retentionUs: (retentionMs + intervalMs) * 1000,
    });
  }

  private onClientResult(node: string, job: string): void {
    const n = (this.clientAnswered.get(job) ?? 0) + 1;
    this.clientAnswered.set(job, n);
    if (n > 1) this.sink(CHECK_NAMES.clientOnce, `client ${node} heard job ${job}'s result ${n} times`, [node]);
  }

  private onCores(node: string, kind: string, d: EmitDetail): void {
    const delta = kind === "cores.allocated" ? num(d, "cores") : -num(d, "cores");
    const inUse = (this.coresInUse.get(node) ?? 0) + delta;
    this.coresInUse.set(node, inUse);
    const total = num(d, "total");
    if (inUse > total || inUse < 0)
      this.sink(CHECK_NAMES.cores, `worker ${node} has ${inUse} cores in use of ${total}`, [node]);
    if (inUse !== num(d, "inUse"))
      this.sink(
        CHECK_NAMES.cores,
        `worker ${node} reports ${num(d, "inUse")} cores in use, its allocations add up to ${inUse}`,
        [node],
      );
  }

  private onIssued(node: string, job: string, token: number, purpose: string): void {
    const newLeader = purpose !== "dispatch";
    const last = newLeader ? (this.issued.get(job) ?? -1) : (this.issued.get(`${node}|${job}`) ?? -1);
    if (token <= last)
      this.sink(
        CHECK_NAMES.fencing,
        `job ${job}: ${node} issued ${purpose} token ${token}, not above ${last} issued ${newLeader ? "earlier" : "by itself earlier"}`,
        [node],
      );
    this.issued.set(`${node}|${job}`, token);
    this.issued.set(job, Math.max(this.issued.get(job) ?? -1, token));
  }

  private onAccepted(node: string, job: string, workflow: string, token: number): void {
    const key = `${job}/${workflow}`;
    const accepted = perNode(this.accepted, node);
    const last = accepted.get(key) ?? -1;
    const floor = this.transferFloor.get(node)?.get(job) ?? -1;
    if (token <= last || token <= floor)
      this.sink(
        CHECK_NAMES.fencing,
        `worker ${node} accepted stale token ${token} for ${job}/${workflow} (last ${last}, transfer ${floor})`,
        [node],
      );
    accepted.set(key, Math.max(last, token));
  }

  private onLeader(node: string, group: string, term: number): void {
    const key = `${group}#${term}`;
    const known = this.leaders.get(key);
    if (known !== undefined && known !== node)
      this.sink(CHECK_NAMES.leaderPerTerm, `group ${group} term ${term} has two leaders: ${known} and ${node}`, [
        known,
        node,
      ]);
    this.leaders.set(key, node);
  }

  private onStarted(node: string, key: string): void {
    const other = this.running.get(key);
    if (other !== undefined)
      this.sink(CHECK_NAMES.singleRun, `${key} started on ${node} while running on ${other}`, [node, other]);
    else if (this.everStarted.has(key))
      this.sink(CHECK_NAMES.singleRun, `${key} started a second time (on ${node})`, [node]);
    this.running.set(key, node);
    this.everStarted.add(key);
  }

  /**
   * End-of-run obligations. `settled` says the run healed and had its liveness budget, so
   * every job must have its single answer by now.
   */
  finish(
    nowUs: number,
    settled: boolean,
    isUp: (node: string) => boolean = () => true,
    viewOf: (node: string) => PerJobView | null = () => null,
    cleanedUp = false,
  ): void {
    const end: EndOfRun = { nowUs, settled, cleanedUp, isUp, viewOf };
    for (const c of this.more) c.finish?.(end);
    for (const h of this.held.values()) {
      // A node that is down holds nothing: its volatile state went with it.
      if (nowUs - h.terminalAtUs > h.retentionUs && isUp(h.node))
        this.sink(
          CHECK_NAMES.cleanup,
          `${h.role} ${h.node} still holds job ${h.job}, terminal since ${Math.floor(h.terminalAtUs / 1000)}ms`,
          [h.node],
        );
    }
    if (!settled) return;
    for (const [job, gate] of this.gateAccepted) {
      if ((this.terminalCount.get(job) ?? 0) === 0)
        this.sink(CHECK_NAMES.terminalOnce, `job ${job} (accepted by ${gate}) never reached a terminal state`, [gate]);
    }
    for (const job of this.clientSubmitted) {
      if (!this.clientAnswered.has(job) && !this.clientRejected.has(job))
        this.sink(CHECK_NAMES.clientOnce, `job ${job}: the client never heard a result`, []);
    }
  }

  /** Terminal jobs some node still holds (awaiting retention), or null when none. */
  pendingCleanup(): string | null {
    for (const h of this.held.values())
      return `${h.role} ${h.node} still holds job ${h.job} (retention ${Math.floor(h.retentionUs / 1000)}ms)`;
    return null;
  }

  /** Why the cluster has not converged yet, or null: a client still waits, or a gate has not ended a job. */
  pending(): string | null {
    const waiting: string[] = [];
    for (const job of this.clientSubmitted) {
      if (!this.clientAnswered.has(job) && !this.clientRejected.has(job)) waiting.push(job);
    }
    if (waiting.length > 0)
      return `${waiting.length} job(s) without a client result: ${waiting.slice(0, 5).join(", ")}${waiting.length > 5 ? ", ..." : ""}`;
    const open: string[] = [];
    for (const job of this.gateAccepted.keys()) if ((this.terminalCount.get(job) ?? 0) === 0) open.push(job);
    if (open.length === 0) return null;
    return `${open.length} accepted job(s) no gate has ended yet: ${open.slice(0, 5).join(", ")}${open.length > 5 ? ", ..." : ""}`;
  }
}

function perNode<V>(map: Map<string, Map<string, V>>, node: string): Map<string, V> {
  let inner = map.get(node);
  if (inner === undefined) {
    inner = new Map();
    map.set(node, inner);
  }
  return inner;
}

/** A run is one (job, DC, workflow, fence token). */
function runKey(d: EmitDetail): string {
  return `${str(d, "job")}@${str(d, "dc")}/${str(d, "workflow")}#${num(d, "token")}`;
}

function str(d: EmitDetail, key: string): string {
  const v = d[key];
  return typeof v === "string" ? v : String(v);
}

function num(d: EmitDetail, key: string): number {
  const v = d[key];
  return typeof v === "number" ? v : Number(v);
}

/** The retention windows the cleanup check allows, from the node configs in use. */
export function retentionFrom(
  gate: { jobRetentionMs: number; jobCleanupIntervalMs: number },
  manager: { completedJobMaxAgeMs: number; failedJobMaxAgeMs: number; jobCleanupIntervalMs: number },
): RetentionOptions {
  return {
    gateJobRetentionMs: gate.jobRetentionMs,
    gateJobCleanupIntervalMs: gate.jobCleanupIntervalMs,
    managerCompletedJobMaxAgeMs: manager.completedJobMaxAgeMs,
    managerFailedJobMaxAgeMs: manager.failedJobMaxAgeMs,
    managerJobCleanupIntervalMs: manager.jobCleanupIntervalMs,
  };
}
