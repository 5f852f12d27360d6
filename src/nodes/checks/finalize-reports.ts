// A gate ends a job only when it may (PROTOCOL §5.16, §7): every DC the job was dispatched to
// has reported its final result or failed, unless a reported DC already fixes a non-COMPLETED
// outcome, or the job timed out. A job ends COMPLETED only when every DC reported COMPLETED.

import type { EmitDetail } from "../../sim/index.js";
import { str, type Checker, type CheckerContext } from "./checker.js";

export const FINALIZE_REPORTS = "cluster: a gate ends a job only after every dispatched DC reported or failed";

interface JobDcs {
  dispatched: Set<string>;
  failed: Set<string>;
  reported: Map<string, string>;
}

export class FinalizeReports implements Checker {
  private readonly jobs = new Map<string, JobDcs>();

  constructor(private readonly ctx: CheckerContext) {}

  /** A report after the job ended (kept until the gate ends it again, or forgotten here). */
  forgetJob(job: string): void {
    this.jobs.delete(job);
  }

  private of(job: string): JobDcs {
    let j = this.jobs.get(job);
    if (j === undefined) {
      j = { dispatched: new Set(), failed: new Set(), reported: new Map() };
      this.jobs.set(job, j);
    }
    return j;
  }

  observe(node: string, kind: string, d: EmitDetail): void {
    switch (kind) {
      case "job.dispatched":
        this.of(str(d, "job")).dispatched.add(str(d, "dc"));
        return;
      case "job.dcFailed":
        this.of(str(d, "job")).failed.add(str(d, "dc"));
        return;
      case "job.dcReported":
        this.of(str(d, "job")).reported.set(str(d, "dc"), str(d, "status"));
        return;
      case "job.terminal":
        return this.ended(node, str(d, "job"), str(d, "status"), d["error"] ?? null);
      default:
        return;
    }
  }

  private ended(gate: string, job: string, status: string, error: unknown): void {
    const j = this.jobs.get(job) ?? { dispatched: new Set(), failed: new Set(), reported: new Map() };
    this.jobs.delete(job);
    if (status === "timeout" && error === "job timeout") return;
    const missing = [...j.dispatched].filter((dc) => !j.failed.has(dc) && !j.reported.has(dc));
    const early = [...j.reported.values()].some((s) => s !== "completed");
    if (missing.length > 0 && !early)
      this.ctx.sink(FINALIZE_REPORTS, `${gate} ended job ${job} ${status} before ${missing.join(", ")} reported`, [
        gate,
      ]);
    else if (status === "completed" && (early || j.reported.size === 0))
      this.ctx.sink(
        FINALIZE_REPORTS,
        `${gate} ended job ${job} completed, but its DCs reported ${[...j.reported].map(([dc, s]) => `${dc}:${s}`).join(", ") || "nothing"}`,
        [gate],
      );
  }
}
