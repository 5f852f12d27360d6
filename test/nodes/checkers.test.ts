// The global cluster checkers (src/nodes/checkers.ts) fire on planted bugs, and only then.

import { describe, expect, it } from "vitest";
import { CHECK_NAMES, ClusterCheckers } from "../../src/nodes/checkers.js";
import type { EmitDetail } from "../../src/sim/index.js";

const RETENTION = {
  gateJobRetentionMs: 1000,
  gateJobCleanupIntervalMs: 1000,
  managerCompletedJobMaxAgeMs: 1000,
  managerFailedJobMaxAgeMs: 5000,
  managerJobCleanupIntervalMs: 1000,
};

function harness(): {
  feed: (node: string, kind: string, d: EmitDetail, atMs?: number) => void;
  checks: () => string[];
  checkers: ClusterCheckers;
} {
  const seen: string[] = [];
  const checkers = new ClusterCheckers((check) => seen.push(check), RETENTION);
  return {
    feed: (node, kind, d, atMs = 0) => checkers.observe(node, kind, d, atMs * 1000),
    checks: () => seen,
    checkers,
  };
}

describe("global checkers fire on planted bugs (and only then)", () => {
  it("terminal-once: a second terminal state for one job, or none at all once settled", () => {
    const h = harness();
    h.feed("gate-1", "job.accepted", { job: "j1" });
    h.feed("gate-1", "job.accepted", { job: "j2" });
    h.feed("gate-1", "job.dispatched", { job: "j1", dc: "dc1" });
    h.feed("gate-1", "job.dcReported", { job: "j1", dc: "dc1", status: "completed" });
    h.feed("gate-1", "job.terminal", { job: "j1", status: "completed" });
    expect(h.checks()).toEqual([]);
    h.feed("gate-2", "job.terminal", { job: "j1", status: "timeout" });
    h.checkers.finish(0, true);
    expect(h.checks()).toEqual([CHECK_NAMES.terminalOnce, CHECK_NAMES.terminalOnce]);
  });

  it("client-once: a repeated client result, or a submitted job never answered nor rejected", () => {
    const h = harness();
    for (const j of ["a", "b", "c"]) h.feed("client-1", "client.submitted", { job: j });
    h.feed("client-1", "client.result", { job: "a", status: "completed" });
    h.feed("client-1", "client.rejected", { job: "b", reason: "initializing" });
    expect(h.checkers.pending()).toContain("c");
    h.feed("client-1", "client.result", { job: "a", status: "completed" });
    h.checkers.finish(0, true);
    expect(h.checks()).toEqual([CHECK_NAMES.clientOnce, CHECK_NAMES.clientOnce]);
  });

  it("cores: more cores in use than the worker has, or a report that disagrees with the allocations", () => {
    const h = harness();
    h.feed("w", "cores.allocated", { cores: 3, inUse: 3, total: 4 });
    h.feed("w", "cores.freed", { cores: 3, inUse: 0, total: 4 });
    h.feed("w", "cores.allocated", { cores: 4, inUse: 4, total: 4 });
    expect(h.checks()).toEqual([]);
    h.feed("w", "cores.allocated", { cores: 1, inUse: 5, total: 4 });
    expect(h.checks()).toEqual([CHECK_NAMES.cores]);
    h.feed("w", "node.started", {});
    h.feed("w", "cores.allocated", { cores: 1, inUse: 2, total: 4 });
    expect(h.checks()).toEqual([CHECK_NAMES.cores, CHECK_NAMES.cores]);
  });

  it("fencing: a takeover token not above earlier ones, a leader's own token going back, a stale accept", () => {
    const h = harness();
    h.feed("m1", "fence.issued", { job: "j", token: 1, purpose: "create" });
    h.feed("m1", "fence.issued", { job: "j", token: 2, purpose: "dispatch" });
    h.feed("m2", "fence.issued", { job: "j", token: 3, purpose: "takeover" });
    h.feed("m1", "fence.issued", { job: "j", token: 3, purpose: "dispatch" }); // stale leader, still its own increase
    h.feed("m9", "fence.issued", { job: "j", dc: "dc2", token: 1, purpose: "create" }); // another DC fences on its own
    expect(h.checks()).toEqual([]);
    h.feed("m3", "fence.issued", { job: "j", token: 3, purpose: "takeover" });
    h.feed("m1", "fence.issued", { job: "j", token: 2, purpose: "dispatch" });
    h.feed("w", "fence.accepted", { job: "j", workflow: "w1", token: 2 });
    h.feed("w", "transfer.accepted", { job: "j", token: 5 });
    h.feed("w", "fence.accepted", { job: "j", workflow: "w1", token: 4 });
    expect(h.checks()).toEqual([CHECK_NAMES.fencing, CHECK_NAMES.fencing, CHECK_NAMES.fencing]);
  });

  it("leader-per-term: two nodes elected in the same term of one group; other groups are independent", () => {
    const h = harness();
    h.feed("m1", "leader.elected", { group: "dc1", term: 1 });
    h.feed("m4", "leader.elected", { group: "dc2", term: 1 });
    h.feed("m2", "leader.elected", { group: "dc1", term: 2 });
    expect(h.checks()).toEqual([]);
    h.feed("m3", "leader.elected", { group: "dc1", term: 2 });
    expect(h.checks()).toEqual([CHECK_NAMES.leaderPerTerm]);
  });

  it("single-run: one fence epoch started twice, whether concurrently or one after the other", () => {
    const h = harness();
    h.feed("w1", "workflow.started", { job: "j", workflow: "a", token: 1 });
    h.feed("w2", "workflow.started", { job: "j", workflow: "a", token: 2 });
    h.feed("w9", "workflow.started", { job: "j", dc: "dc2", workflow: "a", token: 1 });
    expect(h.checks()).toEqual([]);
    h.feed("w3", "workflow.started", { job: "j", workflow: "a", token: 1 });
    h.feed("w1", "workflow.finished", { job: "j", workflow: "a", token: 2, status: "completed" });
    h.feed("w1", "workflow.started", { job: "j", workflow: "a", token: 2 });
    expect(h.checks()).toEqual([CHECK_NAMES.singleRun, CHECK_NAMES.singleRun]);
  });

  it("cleanup: a terminal job still held past retention + cleanup interval, unless deleted or its node restarted", () => {
    const h = harness();
    h.feed("gate-1", "job.terminal", { job: "kept" }, 0);
    h.feed("gate-1", "job.terminal", { job: "deleted" }, 0);
    h.feed("gate-1", "job.deleted", { job: "deleted", role: "gate" }, 1500);
    h.feed("m1", "job.dcTerminal", { job: "lost", dc: "dc1", status: "completed" }, 0);
    h.feed("m1", "node.started", {}, 100);
    h.feed("m2", "job.dcTerminal", { job: "failed-slow", dc: "dc1", status: "failed" }, 0);
    h.checkers.finish(2_500_000, false);
    expect(h.checks()).toEqual([CHECK_NAMES.cleanup]);
  });
});

describe("the checkers' memory follows the jobs in flight, not the length of the run", () => {
  /** One job from submission to deletion everywhere, at `t` ms. */
  function lifecycle(h: ReturnType<typeof harness>, job: string, t: number): void {
    const wf = { job, dc: "dc1", workflow: "a", token: 1 };
    h.feed("client-1", "client.submitted", { job }, t);
    h.feed("gate-1", "job.accepted", { job }, t);
    h.feed("m1", "fence.issued", { job, dc: "dc1", token: 1, purpose: "create" }, t);
    h.feed("m1", "job.leaderAccepted", { job, dc: "dc1", fenceToken: 1 }, t);
    h.feed("gate-1", "job.dispatched", { job, dc: "dc1", manager: "m1", attempts: 1 }, t);
    h.feed("m1", "workflow.dispatched", { ...wf, worker: "w1", workerIncarnation: 1 }, t);
    h.feed("w1", "fence.accepted", { job, workflow: "a", token: 1 }, t);
    h.feed("w1", "workflow.started", wf, t);
    h.feed("m1", "workflow.running", { ...wf, worker: "w1" }, t);
    h.feed("w1", "workflow.finished", { ...wf, status: "completed" }, t + 1);
    h.feed("m1", "workflow.terminal", { ...wf, status: "completed", reason: null }, t + 1);
    h.feed("m1", "job.dcTerminal", { job, dc: "dc1", status: "completed" }, t + 2);
    h.feed("gate-1", "job.dcReported", { job, dc: "dc1", status: "completed", fenceToken: 1 }, t + 2);
    h.feed("gate-1", "job.terminal", { job, status: "completed" }, t + 3);
    h.feed("client-1", "client.result", { job, status: "completed" }, t + 4);
    h.feed("m1", "job.deleted", { job, role: "manager" }, t + 1000);
    h.feed("gate-1", "job.deleted", { job, role: "gate" }, t + 1000);
  }

  it("a job's record is dropped a window after the job ended everywhere, and nothing is reported", () => {
    const h = harness();
    for (let i = 0; i < 2_000; i++) lifecycle(h, `j${i}`, i * 1000);
    // Jobs end 1 s after they start; the window is 10 virtual minutes: about 600 jobs fit.
    expect(h.checkers.jobRecords).toBeGreaterThan(500);
    expect(h.checkers.jobRecords).toBeLessThan(700);
    h.checkers.finish(2_000_000_000, true);
    expect(h.checks()).toEqual([]);
    expect(h.checkers.pending()).toBeNull();
  });

  it("the checkers in checks/ drop a job's state with its record", () => {
    const h = harness();
    // A late report after the job ended, and a takeover: state the job's own end does not clear.
    const leftovers = (job: string, t: number) => {
      h.feed("m2", "job.takeover", { job, dc: "dc1", fenceToken: 2 }, t);
      h.feed("gate-1", "job.dcReported", { job, dc: "dc2", status: "completed", fenceToken: 1 }, t);
    };
    for (let i = 0; i < 2_000; i++) {
      lifecycle(h, `j${i}`, i * 1000);
      leftovers(`j${i}`, i * 1000 + 1001);
    }
    const more = (h.checkers as unknown as { more: Record<string, Map<string, unknown> | undefined>[] }).more;
    const perJob = more.flatMap((c) => [c["jobs"], c["attempts"], c["takeovers"], c["endedJobs"]]);
    for (const map of perJob) if (map !== undefined) expect(map.size).toBeLessThanOrEqual(h.checkers.jobRecords);
    expect(h.checkers.jobRecords).toBeLessThan(700);
    expect(h.checks()).toEqual([]);
  });

  it("at a high job rate the window holds at most 4,096 ended jobs", () => {
    const h = harness();
    for (let i = 0; i < 10_000; i++) lifecycle(h, `j${i}`, i * 10); // 100 jobs a second
    expect(h.checkers.jobRecords).toBeLessThanOrEqual(4_096 + 200);
    expect(h.checks()).toEqual([]);
  });

  it("inside the window a late duplicate is still caught: a second terminal state, a run started again", () => {
    const h = harness();
    lifecycle(h, "j", 0);
    h.feed("gate-2", "job.terminal", { job: "j", status: "timeout" }, 300_000);
    h.feed("w2", "workflow.started", { job: "j", dc: "dc1", workflow: "a", token: 1 }, 300_000);
    expect(h.checks()).toEqual([CHECK_NAMES.terminalOnce, CHECK_NAMES.singleRun]);
  });

  it("a job still in flight is never dropped, however long it takes", () => {
    const h = harness();
    h.feed("client-1", "client.submitted", { job: "slow" }, 0);
    h.feed("gate-1", "job.accepted", { job: "slow" }, 0);
    for (let i = 1; i < 3_000; i++) lifecycle(h, `j${i}`, i * 1000);
    expect(h.checkers.pending()).toContain("slow");
    h.checkers.finish(4_000_000_000, true);
    expect(h.checks()).toEqual([CHECK_NAMES.terminalOnce, CHECK_NAMES.clientOnce]);
  });
});
