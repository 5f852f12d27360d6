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
//
// They keep incremental state only (issue 22): what each check needs of the work in
// flight, and a job's record for a bounded window after the job has ended everywhere
// (checked-jobs.ts), so a day-long run holds no more than a ten-minute one.

import type { EmitDetail } from "../sim/index.js";
import { CheckedJobs, type JobRecord } from "./checked-jobs.js";
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
  /** How long a job's record outlives the job (checked-jobs.ts); 10 virtual minutes unless set. */
  endedJobWindowMs?: number;
}

const ENDED_JOB_WINDOW_MS = 600_000;

interface Held {
  node: string;
  role: "gate" | "manager";
  job: string;
  terminalAtUs: number;
  retentionUs: number;
}

/** A run in progress: where it runs, and whose it is. */
interface Running {
  node: string;
  job: string;
}

/**
 * The checkers keep incremental state only: per-node counters, runs in progress, jobs held
 * until retention, and a record per job while it is in flight (see checked-jobs.ts). Memory
 * follows the work in flight, not the length of the run.
 */
export class ClusterCheckers {
  private readonly jobs: CheckedJobs;
  /** Submitted jobs the client has not heard about yet, in submission order. */
  private readonly waiting = new Set<string>();
  /** Jobs a gate accepted that no gate has ended yet, in order of first acceptance. */
  private readonly open = new Set<string>();
  private readonly coresInUse = new Map<string, number>();
  /**
   * Each node's current incarnation as a key prefix: a worker's fences are volatile, so
   * its accepted tokens are kept per incarnation, and a restart starts it afresh without
   * visiting the job records of the old one (they go when their jobs do).
   */
  private readonly incarnationKeys = new Map<string, string>();
  private readonly starts = new Map<string, number>();
  private readonly leaders = new Map<string, string>();
  private readonly running = new Map<string, Running>();
  private readonly held = new Map<string, Held>();

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
    this.jobs = new CheckedJobs((retention.endedJobWindowMs ?? ENDED_JOB_WINDOW_MS) * 1000, (job) => {
      for (const c of this.more) c.forgetJob?.(job);
    });
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
      case "cores.allocated":
      case "cores.freed":
        return this.onCores(node, kind, d);
      case "leader.elected":
        return this.onLeader(node, str(d, "group"), num(d, "term"));
      default:
        // Every event about a job keeps its record alive, so the checkers in checks/ may keep
        // per-job state until the record goes (forgetJob), however late the event.
        if (d["job"] !== undefined) this.onJobEvent(node, kind, d, atUs);
        return;
    }
  }

  /** An event about one job: update its record, then retire the record if the job has ended. */
  private onJobEvent(node: string, kind: string, d: EmitDetail, atUs: number): void {
    const job = str(d, "job");
    const rec = this.jobs.get(job);
    this.applyJobEvent(node, kind, d, atUs, job, rec);
    this.jobs.settle(job, rec, atUs);
    this.jobs.expire(atUs);
  }

  private applyJobEvent(node: string, kind: string, d: EmitDetail, atUs: number, job: string, rec: JobRecord): void {
    switch (kind) {
      case "job.accepted":
        rec.acceptedBy = node;
        if (rec.terminals === 0) this.open.add(job);
        return;
      case "job.terminal":
        return this.onTerminal(node, job, rec, str(d, "status"), atUs);
      case "job.dcTerminal":
        return this.hold(
          node,
          "manager",
          job,
          rec,
          atUs,
          str(d, "status") === "completed"
            ? this.retention.managerCompletedJobMaxAgeMs
            : this.retention.managerFailedJobMaxAgeMs,
          this.retention.managerJobCleanupIntervalMs,
        );
      case "job.deleted":
        if (this.held.delete(`${node}|${job}`)) rec.holders--;
        return;
      case "client.submitted":
        rec.clientSubmitted = true;
        if (rec.clientAnswers === 0 && !rec.clientRejected) this.waiting.add(job);
        return;
      case "client.rejected":
        rec.clientRejected = true;
        this.waiting.delete(job);
        return;
      case "client.result":
        return this.onClientResult(node, job, rec);
      case "fence.issued":
        // Each DC's job leader fences the job independently: the key is (job, dc).
        return this.onIssued(node, job, rec, str(d, "dc"), num(d, "token"), str(d, "purpose"));
      case "fence.accepted":
        return this.onAccepted(node, job, rec, str(d, "workflow"), num(d, "token"));
      case "transfer.accepted": {
        const worker = this.incarnationKey(node);
        rec.transferFloor ??= new Map();
        rec.transferFloor.set(worker, Math.max(rec.transferFloor.get(worker) ?? -1, num(d, "token")));
        return;
      }
      case "workflow.started":
        return this.onStarted(node, job, rec, runKey(d));
      case "workflow.finished":
        if (this.running.delete(runKey(d))) rec.running--;
        return;
      default:
        return;
    }
  }

  private onNodeStarted(node: string, atUs: number): void {
    // A (re)started node has lost its volatile state: its cores, runs and held jobs.
    this.coresInUse.delete(node);
    const starts = (this.starts.get(node) ?? 0) + 1;
    this.starts.set(node, starts);
    this.incarnationKeys.set(node, `${node}#${starts}`);
    const touched: string[] = [];
    for (const [key, run] of [...this.running]) {
      if (run.node !== node) continue;
      this.running.delete(key);
      const rec = this.jobs.peek(run.job);
      if (rec !== undefined) rec.running--;
      touched.push(run.job);
    }
    for (const [key, h] of [...this.held]) {
      if (h.node !== node) continue;
      this.held.delete(key);
      const rec = this.jobs.peek(h.job);
      if (rec !== undefined) rec.holders--;
      touched.push(h.job);
    }
    for (const job of touched) {
      const rec = this.jobs.peek(job);
      if (rec !== undefined) this.jobs.settle(job, rec, atUs);
    }
  }

  /** The node's key for state it loses on restart: the node and its incarnation. */
  private incarnationKey(node: string): string {
    return this.incarnationKeys.get(node) ?? node;
  }

  private onTerminal(node: string, job: string, rec: JobRecord, status: string, atUs: number): void {
    const n = ++rec.terminals;
    this.open.delete(job);
    if (n > 1)
      this.sink(
        CHECK_NAMES.terminalOnce,
        `job ${job} reached a terminal state ${n} times (latest ${status} at ${node})`,
        [node],
      );
    this.hold(node, "gate", job, rec, atUs, this.retention.gateJobRetentionMs, this.retention.gateJobCleanupIntervalMs);
  }

  private hold(
    node: string,
    role: "gate" | "manager",
    job: string,
    rec: JobRecord,
    atUs: number,
    retentionMs: number,
    intervalMs: number,
  ): void {
    const key = `${node}|${job}`;
    if (!this.held.has(key)) rec.holders++;
    this.held.set(key, {
      node,
      role,
      job,
      terminalAtUs: atUs,
      retentionUs: (retentionMs + intervalMs) * 1000,
    });
  }

  private onClientResult(node: string, job: string, rec: JobRecord): void {
    const n = ++rec.clientAnswers;
    this.waiting.delete(job);
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

  private onIssued(node: string, job: string, rec: JobRecord, dc: string, token: number, purpose: string): void {
    rec.issued ??= new Map<string, number>();
    const issued = rec.issued;
    const own = `${node}|${dc}`;
    const newLeader = purpose !== "dispatch";
    const last = newLeader ? (issued.get(dc) ?? -1) : (issued.get(own) ?? -1);
    if (token <= last)
      this.sink(
        CHECK_NAMES.fencing,
        `job ${job}@${dc}: ${node} issued ${purpose} token ${token}, not above ${last} issued ${newLeader ? "earlier" : "by itself earlier"}`,
        [node],
      );
    issued.set(own, token);
    issued.set(dc, Math.max(issued.get(dc) ?? -1, token));
  }

  private onAccepted(node: string, job: string, rec: JobRecord, workflow: string, token: number): void {
    rec.accepted ??= new Map<string, number>();
    const accepted = rec.accepted;
    const worker = this.incarnationKey(node);
    const key = `${worker}|${workflow}`;
    const last = accepted.get(key) ?? -1;
    const floor = rec.transferFloor?.get(worker) ?? -1;
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

  private onStarted(node: string, job: string, rec: JobRecord, key: string): void {
    const other = this.running.get(key);
    rec.started ??= new Set<string>();
    const started = rec.started;
    if (other !== undefined)
      this.sink(CHECK_NAMES.singleRun, `${key} started on ${node} while running on ${other.node}`, [node, other.node]);
    else if (started.has(key)) this.sink(CHECK_NAMES.singleRun, `${key} started a second time (on ${node})`, [node]);
    if (other === undefined) rec.running++;
    this.running.set(key, { node, job });
    started.add(key);
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
    for (const job of this.open) {
      const gate = this.jobs.peek(job)?.acceptedBy ?? "";
      this.sink(CHECK_NAMES.terminalOnce, `job ${job} (accepted by ${gate}) never reached a terminal state`, [gate]);
    }
    for (const job of this.waiting)
      this.sink(CHECK_NAMES.clientOnce, `job ${job}: the client never heard a result`, []);
  }

  /** Terminal jobs some node still holds (awaiting retention), or null when none. */
  pendingCleanup(): string | null {
    for (const h of this.held.values())
      return `${h.role} ${h.node} still holds job ${h.job} (retention ${Math.floor(h.retentionUs / 1000)}ms)`;
    return null;
  }

  /** Why the cluster has not converged yet, or null: a client still waits, or a gate has not ended a job. */
  pending(): string | null {
    if (this.waiting.size > 0) return `${this.waiting.size} job(s) without a client result: ${firstFive(this.waiting)}`;
    if (this.open.size > 0) return `${this.open.size} accepted job(s) no gate has ended yet: ${firstFive(this.open)}`;
    return null;
  }

  /** Job records held now (jobs in flight and those recently ended): what the checkers' memory follows. */
  get jobRecords(): number {
    return this.jobs.size;
  }
}

/** The first five of `jobs`, comma-separated, and "..." when there are more. */
function firstFive(jobs: ReadonlySet<string>): string {
  const first: string[] = [];
  for (const job of jobs) {
    if (first.length === 5) break;
    first.push(job);
  }
  return `${first.join(", ")}${jobs.size > 5 ? ", ..." : ""}`;
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
