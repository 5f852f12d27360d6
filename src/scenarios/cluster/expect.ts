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

/** How far a job leader's view may lag its worker's: one network hop (well under this). */
const HOP_SLACK_US = 100_000;

type Obs = ReturnType<ClusterWorld["events"]>[number];

function field(o: Obs, key: string): string {
  return String(o.detail?.[key]);
}

/**
 * Every workflow the job leaders completed went dispatched → running → completed under one
 * token, and each step follows the worker rather than running ahead of it (MW-3.1.1,
 * MW-7.1.2, MW-7.1.3): RUNNING only after the worker accepted the dispatch and started the
 * run (its ACK crossed the network), COMPLETED only after the worker finished that run, and
 * about the declared duration after RUNNING (the worker's run lasts the declared duration
 * within ± `jitterRatio`; each view lags by one hop).
 */
export function lifecycleProblems(c: ClusterWorld, run: { declaredMs: number; jitterRatio: number }): string | null {
  for (const t of c.events("workflow.terminal", (e) => e.detail?.["status"] === "completed")) {
    const problem = oneLifecycle(c, t, run);
    if (problem !== null) return `${field(t, "job")}/${field(t, "workflow")}: ${problem}`;
  }
  return c.events("workflow.terminal").length > 0 ? null : "no workflow reached a terminal state";
}

function oneLifecycle(c: ClusterWorld, t: Obs, run: { declaredMs: number; jitterRatio: number }): string | null {
  const same = (e: Obs): boolean =>
    field(e, "job") === field(t, "job") && field(e, "workflow") === field(t, "workflow");
  const last = (kind: string, node: string): Obs | undefined =>
    c.events(kind, (e) => e.node === node && same(e) && e.atUs <= t.atUs).at(-1);
  const dispatched = last("workflow.dispatched", t.node);
  const running = last("workflow.running", t.node);
  if (dispatched === undefined || running === undefined) return "completed without dispatched+running";
  const token = field(running, "token");
  if (field(dispatched, "token") !== token)
    return `ran under token ${token}, dispatched under ${field(dispatched, "token")}`;
  const worker = field(running, "worker");
  const mine = (e: Obs): boolean => same(e) && field(e, "token") === token;
  const started = c.events("workflow.started", (e) => e.node === worker && mine(e))[0];
  const finished = c.events("workflow.finished", (e) => e.node === worker && mine(e))[0];
  if (started === undefined || finished === undefined) return `${worker} has no started+finished run under ${token}`;
  if (!(dispatched.atUs < started.atUs && started.atUs < running.atUs))
    return `RUNNING at ${running.atUs} µs is not after the worker's start at ${started.atUs} µs (dispatched ${dispatched.atUs} µs)`;
  if (field(finished, "status") !== "completed" || !(finished.atUs < t.atUs))
    return `COMPLETED at ${t.atUs} µs is not after a completed run on ${worker} (${field(finished, "status")} at ${finished.atUs} µs)`;
  const ranUs = finished.atUs - started.atUs;
  const declaredUs = run.declaredMs * 1000;
  if (ranUs < declaredUs * (1 - run.jitterRatio) || ranUs > declaredUs * (1 + run.jitterRatio))
    return `the run lasted ${ranUs} µs for a declared ${declaredUs} µs`;
  const seenUs = t.atUs - running.atUs;
  return Math.abs(seenUs - ranUs) <= 2 * HOP_SLACK_US
    ? null
    : `RUNNING → COMPLETED took ${seenUs} µs at the job leader, the run ${ranUs} µs`;
}
