// Cores on a worker (PROTOCOL §5.9, §7 "a failed dispatch frees every core it reserved"):
// a run's cores are all freed by the time the run ends, on every path (completion, failure,
// cancellation, orphan expiry); and at rest the cores a worker has in use equal the cores of
// the runs it holds, read from its view, so a leak that the allocator and its own events
// agree on is still caught.

import type { EmitDetail } from "../../sim/index.js";
import { inner, num, str, type Checker, type CheckerContext, type EndOfRun } from "./checker.js";

export const CORES_AT_REST = "cluster: a run's cores are freed when it ends, none leak at rest";

export class CoresAtRest implements Checker {
  /** Per worker (this incarnation): cores held per sub-workflow key. */
  private readonly held = new Map<string, Map<string, number>>();

  constructor(private readonly ctx: CheckerContext) {}

  observe(node: string, kind: string, d: EmitDetail): void {
    switch (kind) {
      case "node.started":
        this.held.delete(node);
        return;
      case "cores.allocated": {
        const held = inner(this.held, node);
        const key = `${str(d, "job")}/${str(d, "workflow")}`;
        held.set(key, (held.get(key) ?? 0) + num(d, "cores"));
        return;
      }
      case "cores.freed":
        return this.freed(node, `${str(d, "job")}/${str(d, "workflow")}`, num(d, "cores"));
      case "workflow.finished": {
        const key = `${str(d, "job")}/${str(d, "workflow")}`;
        const left = this.held.get(node)?.get(key) ?? 0;
        if (left > 0)
          this.ctx.sink(CORES_AT_REST, `worker ${node}: run ${key} ended still holding ${left} core(s)`, [node]);
        return;
      }
      default:
        return;
    }
  }

  private freed(node: string, key: string, cores: number): void {
    const held = inner(this.held, node);
    const left = (held.get(key) ?? 0) - cores;
    if (left < 0) this.ctx.sink(CORES_AT_REST, `worker ${node}: ${key} freed ${cores} core(s) it did not hold`, [node]);
    if (left <= 0) held.delete(key);
    else held.set(key, left);
  }

  finish(end: EndOfRun): void {
    if (!end.settled) return;
    for (const [node, role] of this.ctx.roles) {
      if (role !== "worker") continue;
      const v = end.viewOf(node);
      if (v === null || v.coresInUse === undefined) continue;
      if (v.coresInUse !== v.runCores)
        this.ctx.sink(
          CORES_AT_REST,
          `worker ${node} has ${v.coresInUse} core(s) in use at rest, its runs hold ${v.runCores}`,
          [node],
        );
    }
  }
}
