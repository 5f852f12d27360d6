// Work leaves a worker only for a reason that holds (PROTOCOL §5.11, §5.12): the job leader
// moves a workflow off a worker (workflow.failed) only after that worker was declared dead by
// this leader, restarted, let the dispatch time out, refused it, reported it failed or
// cancelled, or did not confirm it within the reconciliation window after a takeover. Each
// reason is checked against the evidence the run shows, never against the leader's word.

import type { EmitDetail } from "../../sim/index.js";
import { inner, num, str, type Checker, type CheckerContext } from "./checker.js";
import type { MembershipViews } from "./membership-views.js";

export const WORK_LEAVES_WORKER = "cluster: work leaves a worker only for a reason that holds";

interface Attempt {
  worker: string;
  /** The worker process incarnation the leader addressed. */
  addressed: number;
  dispatchedAtUs: number;
  /** The worker refused it, or reported it ended: with which status. */
  workerSaid: string | null;
}

export class WorkLeavesWorker implements Checker {
  /** Per job: (DC, token) → the attempt. Dropped when the workflow ends, or with the job. */
  private readonly attempts = new Map<string, Map<string, Attempt>>();
  /** Per worker: its current process incarnation. */
  private readonly incarnation = new Map<string, number>();
  /** Per job: (manager, DC) → when this manager took the job over; workflows reconciled since. */
  private readonly takeovers = new Map<string, Map<string, { atUs: number; reconciled: Set<string> }>>();

  constructor(
    private readonly ctx: CheckerContext,
    private readonly views: MembershipViews,
  ) {}

  forgetJob(job: string): void {
    this.attempts.delete(job);
    this.takeovers.delete(job);
  }

  observe(node: string, kind: string, d: EmitDetail, atUs: number): void {
    switch (kind) {
      case "node.started":
        this.incarnation.set(node, num(d, "incarnation"));
        return;
      case "workflow.dispatched":
        inner(this.attempts, str(d, "job")).set(key(d), {
          worker: str(d, "worker"),
          addressed: num(d, "workerIncarnation"),
          dispatchedAtUs: atUs,
          workerSaid: null,
        });
        return;
      case "workflow.rejected":
        return this.workerSaid(d, "rejected");
      case "workflow.finished":
        return this.workerSaid(d, str(d, "status"));
      case "job.takeover":
        inner(this.takeovers, str(d, "job")).set(`${node}|${str(d, "dc")}`, { atUs, reconciled: new Set() });
        return;
      case "workflow.reconciled":
        this.takeover(node, d)?.reconciled.add(str(d, "workflow"));
        return;
      case "workflow.failed":
        this.left(node, d, atUs);
        this.endAttempt(d);
        return;
      case "workflow.terminal":
        this.endAttempt(d);
        return;
      default:
        return;
    }
  }

  private attempt(d: EmitDetail): Attempt | undefined {
    return this.attempts.get(str(d, "job"))?.get(key(d));
  }

  private endAttempt(d: EmitDetail): void {
    const job = str(d, "job");
    const attempts = this.attempts.get(job);
    if (attempts === undefined) return;
    attempts.delete(key(d));
    if (attempts.size === 0) this.attempts.delete(job);
  }

  private takeover(manager: string, d: EmitDetail): { atUs: number; reconciled: Set<string> } | undefined {
    return this.takeovers.get(str(d, "job"))?.get(`${manager}|${str(d, "dc")}`);
  }

  /** A worker's own account of an attempt. */
  private workerSaid(d: EmitDetail, said: string): void {
    const a = this.attempt(d);
    if (a === undefined) return;
    // A refusal after the worker already gave an account is of a late copy of the same
    // dispatch (stale fence token): it does not undo how the attempt ended (chaos seed 2377).
    if (said === "rejected" && a.workerSaid !== null) return;
    a.workerSaid = said;
  }

  private left(manager: string, d: EmitDetail, atUs: number): void {
    const attempt = this.attempt(d);
    const reason = str(d, "reason");
    const why = attempt === undefined ? null : this.unjustified(manager, d, reason, attempt, atUs);
    if (why !== null)
      this.ctx.sink(
        WORK_LEAVES_WORKER,
        `${manager} moved ${str(d, "job")}/${str(d, "workflow")} off ${attempt?.worker ?? "?"} ("${reason}") ${why}`,
        [manager],
      );
  }

  /** Null when the reason holds; otherwise what contradicts it. */
  private unjustified(manager: string, d: EmitDetail, reason: string, a: Attempt, atUs: number): string | null {
    const timeoutUs = this.ctx.manager.requestTimeoutStandardMs * 1000;
    const slackUs = Math.ceil(timeoutUs / 500); // the leader's clock may run a little fast
    if (reason === "worker dead")
      return this.views.statusOf(manager, a.worker) === "dead" ? null : "while it did not hold the worker dead";
    if (reason === "worker restarted")
      return (this.incarnation.get(a.worker) ?? 0) > a.addressed ? null : "but that worker life had not ended";
    if (reason === "dispatch timeout")
      return atUs - a.dispatchedAtUs >= timeoutUs - slackUs
        ? null
        : `after ${Math.round((atUs - a.dispatchedAtUs) / 1000)} ms`;
    if (reason.startsWith("dispatch rejected"))
      return a.workerSaid === "rejected" ? null : "but the worker did not refuse it";
    if (reason === "execution error")
      return a.workerSaid === "failed" ? null : "but the worker did not report it failed";
    if (reason === "orphaned on worker")
      return a.workerSaid === "cancelled" ? null : "but the worker did not cancel it";
    if (reason === "lost in takeover") {
      const t = this.takeover(manager, d);
      if (t === undefined) return "without a takeover";
      if (t.reconciled.has(str(d, "workflow"))) return "though a worker confirmed it";
      return atUs - t.atUs >= timeoutUs - slackUs ? null : "before the reconciliation window closed";
    }
    return "for a reason no evidence can support";
  }
}

/** An attempt within its job: (DC, token). */
function key(d: EmitDetail): string {
  return `${str(d, "dc")}|${num(d, "token")}`;
}
