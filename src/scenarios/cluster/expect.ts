// Small assertion helpers the cluster scenarios share. Each returns null when the
// expectation holds, or a sentence saying what was seen instead.

import type { ClusterWorld } from "./cluster-world.js";

export function expectOne(seen: readonly string[], expected: string): string | null {
  return seen.length === 1 && seen[0] === expected ? null : `expected exactly [${expected}], saw [${seen.join(", ")}]`;
}

export function expectAll(seen: readonly string[], expected: string, count: number): string | null {
  return seen.length === count && seen.every((s) => s === expected)
    ? null
    : `expected ${count} × ${expected}, saw [${seen.join(", ")}]`;
}

/** Every workflow the job leaders finished went dispatched → running → terminal, each step under the same token. */
export function lifecycleProblems(c: ClusterWorld): string | null {
  for (const t of c.events("workflow.terminal", (e) => e.detail?.["status"] === "completed")) {
    const key = (e: { node: string; detail: Record<string, unknown> | undefined }): boolean =>
      e.detail?.["job"] === t.detail?.["job"] && e.detail?.["workflow"] === t.detail?.["workflow"];
    const dispatched = c.events("workflow.dispatched", (e) => e.node === t.node && key(e));
    const running = c.events("workflow.running", (e) => e.node === t.node && key(e));
    const last = dispatched[dispatched.length - 1];
    const run = running[running.length - 1];
    if (last === undefined || run === undefined)
      return `${String(t.detail?.["job"])}/${String(t.detail?.["workflow"])} completed without dispatched+running`;
    if (last.atUs > run.atUs || run.atUs > t.atUs) return `${String(t.detail?.["workflow"])} transitions out of order`;
    if (last.detail?.["token"] !== run.detail?.["token"])
      return `${String(t.detail?.["workflow"])} ran under token ${String(run.detail?.["token"])}, dispatched under ${String(last.detail?.["token"])}`;
  }
  return c.events("workflow.terminal").length > 0 ? null : "no workflow reached a terminal state";
}
