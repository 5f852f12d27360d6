// Cleanup at rest (PROTOCOL §5.28 "every per-job map is bounded by the job's lifetime plus
// retention"): when a run waited until every job was over and deleted after its retention,
// no node still holds per-job state for any job — no run, pending result, job-leader route,
// dispatch timer, owed final result, gate transfer or lease round. Read from each node's
// view() at the end of the run. (Fence tokens and deleted-job ledgers are kept on purpose,
// for their own bounded windows, and are not in the views checked here.)

import type { Checker, CheckerContext, EndOfRun } from "./checker.js";

export const QUIESCENCE = "cluster: no node keeps per-job state once every job is cleaned up";

export class Quiescence implements Checker {
  constructor(private readonly ctx: CheckerContext) {}

  observe(): void {}

  finish(end: EndOfRun): void {
    if (!end.settled || !end.cleanedUp) return;
    for (const node of this.ctx.roles.keys()) {
      const view = end.viewOf(node);
      if (view === null) continue;
      const left = Object.entries(view.perJob).filter(([, keys]) => keys.length > 0);
      if (left.length > 0)
        this.ctx.sink(
          QUIESCENCE,
          `${node} still holds ${left.map(([what, keys]) => `${what} [${keys.slice(0, 3).join(", ")}${keys.length > 3 ? ", ..." : ""}]`).join("; ")}`,
          [node],
        );
    }
  }
}
