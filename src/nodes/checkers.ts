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
//                    refuse it); per worker and sub-workflow, accepted tokens strictly
//                    increase and never fall at or below an accepted transfer token
//   leader-per-term  at most one leader per term in each election group (DC or global)
//   single-run       no (job, DC, workflow, fence token) ever runs twice, nor twice at once
//   cleanup          a terminal job's state is deleted once its retention has passed,
//                    unless the node holding it restarted (volatile state gone) first
//
// They keep incremental state only (issue 22): what each check needs of the work in
// flight, and a job's record for a bounded window after the job has ended everywhere
// (checked-jobs.ts), so a day-long run holds no more than a ten-minute one.

import type { EmitDetail } from "../sim/index.js";
import { CheckedJobs, type JobRecord } from "./checked-jobs.js";

export type ViolationSink = (check: string, message: string, nodes: string[]) => void;

export const CHECK_NAMES = {
  terminalOnce: "cluster: job reaches exactly one terminal state",
  clientOnce: "cluster: client hears each result exactly once",
  cores: "cluster: cores never over-allocated",
  fencing: "cluster: fence tokens strictly increase, stale never accepted",
  leaderPerTerm: "cluster: at most one leader per term per group",
  singleRun: "cluster: no workflow runs twice in one fence epoch",
  cleanup: "cluster: per-job state removed after retention",
} as const;

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
  private readonly coresInUse = new Map<string, number>();
  private readonly leaders = new Map<string, string>();
  private readonly running = new Map<string, Running>();
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly sink: ViolationSink,
    private readonly retention: RetentionOptions,
  ) {
    this.jobs = new CheckedJobs((retention.endedJobWindowMs ?? ENDED_JOB_WINDOW_MS) * 1000);
  }

  observe(node: string, kind: string, d: EmitDetail, atUs: number): void {
    switch (kind) {
      case "node.started":
        return this.onNodeStarted(node, atUs);
      case "cores.allocated":
      case "cores.freed":
        return this.onCores(node, kind, d);
      case "leader.elected":
        return this.onLeader(node, str(d, "group"), num(d, "term"));
      case "job.accepted":
      case "job.terminal":
      case "job.dcTerminal":
      case "job.deleted":
      case "client.submitted":
      case "client.rejected":
      case "client.result":
      case "fence.issued":
      case "fence.accepted":
      case "transfer.accepted":
      case "workflow.started":
      case "workflow.finished":
        return this.onJobEvent(node, kind, d, atUs);
      default:
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
        rec.transferFloor ??= new Map();
        rec.transferFloor.set(node, Math.max(rec.transferFloor.get(node) ?? -1, num(d, "token")));
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

  private onTerminal(node: string, job: string, rec: JobRecord, status: string, atUs: number): void {
    const n = ++rec.terminals;
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
    const key = `${node}|${workflow}`;
    const last = accepted.get(key) ?? -1;
    const floor = rec.transferFloor?.get(node) ?? -1;
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
  finish(nowUs: number, settled: boolean): void {
    for (const h of this.held.values()) {
      if (nowUs - h.terminalAtUs > h.retentionUs)
        this.sink(
          CHECK_NAMES.cleanup,
          `${h.role} ${h.node} still holds job ${h.job}, terminal since ${Math.floor(h.terminalAtUs / 1000)}ms`,
          [h.node],
        );
    }
    if (!settled) return;
    // A retired record's job reached its terminal state, so only jobs in flight can fail this.
    for (const [job, rec] of this.jobs.entries()) {
      if (rec.acceptedBy !== null && rec.terminals === 0)
        this.sink(
          CHECK_NAMES.terminalOnce,
          `job ${job} (accepted by ${rec.acceptedBy}) never reached a terminal state`,
          [rec.acceptedBy],
        );
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

  /** Why the cluster has not converged yet, or null. */
  pending(): string | null {
    if (this.waiting.size === 0) return null;
    const first: string[] = [];
    for (const job of this.waiting) {
      if (first.length === 5) break;
      first.push(job);
    }
    return `${this.waiting.size} job(s) without a client result: ${first.join(", ")}${this.waiting.size > 5 ? ", ..." : ""}`;
  }

  /** Job records held now (jobs in flight and those recently ended): what the checkers' memory follows. */
  get jobRecords(): number {
    return this.jobs.size;
  }
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
