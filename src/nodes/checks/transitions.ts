// Job and workflow state transitions are the ones PROTOCOL allows (§3.1, §3.3), as each job
// leader records them: a workflow is dispatched only from PENDING, runs only after its
// dispatch was acked, completes only on a worker's completed result for that very attempt,
// fails only from an attempt in flight, is requeued only after failing, and a terminal state
// is absorbing. A new job leader (a takeover) starts from its replica, so its first step is
// taken as given — except on a workflow that already ended: it stays ended under every later
// leader (a new leader may only learn the same ending again, for the same attempt). At the
// gate, a job is dispatched only before it ends.

import type { EmitDetail } from "../../sim/index.js";
import { num, str, type Checker, type CheckerContext } from "./checker.js";

export const TRANSITIONS = "cluster: every job and workflow transition is one PROTOCOL allows";

/** `failed` is an attempt that failed with no retry left (the terminal FAILED follows); `ended` is terminal. */
type WfState = "pending" | "dispatched" | "running" | "failed" | "failed-retry" | "ended";

/** The states each event may start from ("?" : a new leader's first step, unknown state). */
const ALLOWED_FROM: Readonly<Record<string, readonly (WfState | "?")[]>> = {
  "workflow.dispatched": ["pending", "?"],
  "workflow.running": ["dispatched"],
  "workflow.reconciled": ["pending", "dispatched", "running", "?"],
  "workflow.failed": ["dispatched", "running", "?"],
  "workflow.requeued": ["failed-retry"],
};

const TERMINAL_FROM: Readonly<Record<string, readonly (WfState | "?")[]>> = {
  completed: ["dispatched", "running", "?"],
  failed: ["failed", "pending", "?"],
  // FAILED → CANCELLED: a job cancel (or timeout) overrides the retry (§3.1).
  cancelled: ["pending", "dispatched", "running", "failed", "?"],
};

interface Wf {
  leader: string;
  state: WfState | "?";
  token: number;
  /** The terminal status, once ended. */
  endedAs?: string;
}

export class Transitions implements Checker {
  /** Per job: (DC, workflow) → the leader's view, terminal states kept (absorbing) until the job is deleted. */
  private readonly jobs = new Map<string, Map<string, Wf>>();
  /** Per job: (DC, workflow, token) that a worker reported completed. */
  private readonly completedRuns = new Map<string, Set<string>>();
  private readonly endedJobs = new Set<string>();

  constructor(private readonly ctx: CheckerContext) {}

  forgetJob(job: string): void {
    this.jobs.delete(job);
    this.completedRuns.delete(job);
    this.endedJobs.delete(job);
  }

  observe(node: string, kind: string, d: EmitDetail): void {
    switch (kind) {
      case "workflow.finished":
        if (str(d, "status") === "completed")
          runs(this.completedRuns, str(d, "job")).add(`${wfKey(d)}#${num(d, "token")}`);
        return;
      case "job.takeover":
      case "job.leaderAccepted":
        return this.newLeader(node, str(d, "job"), `${str(d, "job")}@${str(d, "dc")}/`);
      case "workflow.terminal":
        return this.terminal(node, d);
      case "job.terminal":
        this.endedJobs.add(str(d, "job"));
        return;
      case "job.dispatched":
        if (this.endedJobs.has(str(d, "job")))
          this.ctx.sink(TRANSITIONS, `${node} dispatched job ${str(d, "job")} to ${str(d, "dc")} after it ended`, [
            node,
          ]);
        return;
      case "job.deleted":
        if (str(d, "role") === "gate") this.endedJobs.delete(str(d, "job"));
        else this.forget(node, str(d, "job"));
        return;
      default:
        if (kind in ALLOWED_FROM) this.step(node, kind, d);
    }
  }

  private newLeader(node: string, job: string, dcPrefix: string): void {
    const wfs = this.jobs.get(job);
    if (wfs === undefined) return;
    for (const [k, wf] of wfs)
      if (k.startsWith(dcPrefix)) wfs.set(k, { ...wf, leader: node, state: wf.state === "ended" ? "ended" : "?" });
  }

  /**
   * The leader that deleted a job whose every workflow ended is done with it. A replica's
   * deletion changes nothing, nor does a manager dropping its stale copy of a job still
   * running: a peer may take it over later, and its history must still hold.
   */
  private forget(node: string, job: string): void {
    const wfs = this.jobs.get(job);
    if (wfs === undefined) return;
    for (const wf of wfs.values()) if (wf.leader !== node || wf.state !== "ended") return;
    this.jobs.delete(job);
    this.completedRuns.delete(job);
  }

  private view(node: string, job: string, key: string): Wf {
    const wf = this.jobs.get(job)?.get(key);
    if (wf !== undefined && wf.leader === node) return wf;
    // First sight of this workflow under this leader: a new job starts PENDING, a takeover is
    // unknown, and an ending stays.
    if (wf?.state === "ended") return { ...wf, leader: node };
    return { leader: node, state: wf === undefined ? "pending" : "?", token: -1 };
  }

  private set(job: string, key: string, wf: Wf): void {
    let wfs = this.jobs.get(job);
    if (wfs === undefined) {
      wfs = new Map();
      this.jobs.set(job, wfs);
    }
    wfs.set(key, wf);
  }

  private step(node: string, kind: string, d: EmitDetail): void {
    const key = wfKey(d);
    const job = str(d, "job");
    const wf = this.view(node, job, key);
    const token = num(d, "token");
    const allowed = ALLOWED_FROM[kind] ?? [];
    const sameAttempt = kind !== "workflow.running" || wf.token === token;
    // A new leader whose replica missed the ending hears of that same attempt from its worker.
    const relearning = kind === "workflow.reconciled" && wf.state === "ended" && wf.token === token;
    if (relearning) return;
    if (!allowed.includes(wf.state) || !sameAttempt)
      this.ctx.sink(
        TRANSITIONS,
        `${node}: ${key} ${kind.slice("workflow.".length)} from ${wf.state} (token ${token})`,
        [node],
      );
    const next: WfState =
      kind === "workflow.dispatched"
        ? "dispatched"
        : kind === "workflow.requeued"
          ? "pending"
          : kind === "workflow.failed"
            ? d["retry"] === true
              ? "failed-retry"
              : "failed"
            : "running";
    this.set(job, key, { leader: node, state: next, token: Number.isNaN(token) ? wf.token : token });
  }

  private terminal(node: string, d: EmitDetail): void {
    const key = wfKey(d);
    const job = str(d, "job");
    const wf = this.view(node, job, key);
    const status = str(d, "status");
    const token = num(d, "token");
    const relearned = wf.state === "ended" && wf.endedAs === status && wf.token === token;
    if (!relearned && !(TERMINAL_FROM[status] ?? []).includes(wf.state))
      this.ctx.sink(TRANSITIONS, `${node}: ${key} became ${status} from ${wf.state}`, [node]);
    if (status === "completed" && !(this.completedRuns.get(job)?.has(`${key}#${token}`) ?? false))
      this.ctx.sink(TRANSITIONS, `${node}: ${key} completed without a worker's completed result for token ${token}`, [
        node,
      ]);
    // Terminal states are absorbing: any later step under this leader is a violation.
    this.set(job, key, { leader: node, state: "ended", token, endedAs: status });
  }
}

function runs(map: Map<string, Set<string>>, job: string): Set<string> {
  let s = map.get(job);
  if (s === undefined) {
    s = new Set();
    map.set(job, s);
  }
  return s;
}

function wfKey(d: EmitDetail): string {
  return `${str(d, "job")}@${str(d, "dc")}/${str(d, "workflow")}`;
}
