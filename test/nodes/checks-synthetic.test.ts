// Synthetic event feeds for the global checkers of src/nodes/checks/ (issue 21 item 3): each
// checker stays silent on a legitimate sequence and fires, under its own CHECK_NAMES entry and
// no other, on every distinct violation it claims to detect (one test per sink call path).
// Fed through ClusterCheckers, as a run feeds them, with the PROTOCOL default configs, so the
// older checkers are watching too and must stay silent. The sabotage runs that prove the same
// checkers catch real broken nodes are in checker-sabotage.test.ts.

import { describe, expect, it } from "vitest";
import { CHECK_NAMES, ClusterCheckers } from "../../src/nodes/checkers.js";
import type { HostState, PerJobView } from "../../src/nodes/checks/checker.js";
import { MembershipViews } from "../../src/nodes/checks/membership-views.js";
import { gateConfig, managerConfig, workerConfig } from "../../src/nodes/config.js";
import type { EmitDetail } from "../../src/sim/index.js";

/** Retention far beyond every feed: the cleanup check never has a say here. */
const RETENTION = {
  gateJobRetentionMs: 1e9,
  gateJobCleanupIntervalMs: 1e9,
  managerCompletedJobMaxAgeMs: 1e9,
  managerFailedJobMaxAgeMs: 1e9,
  managerJobCleanupIntervalMs: 1e9,
};

const ROLES = new Map([
  ["gate-1", "gate"],
  ["gate-2", "gate"],
  ["m1", "manager"],
  ["m2", "manager"],
  ["m3", "manager"],
  ["w1", "worker"],
  ["w2", "worker"],
  ["client-1", "client"],
]);

/** Manager suspicion bounds at LHM 0 (PROTOCOL §4.1 defaults), in ms. */
const M_MIN = managerConfig().globalSuspicionMinMs;
const M_MAX = managerConfig().globalSuspicionMaxMs;

interface Feed {
  feed(node: string, kind: string, d?: EmitDetail, atMs?: number): void;
  host(node: string, state: HostState, atMs: number): void;
  finish(
    atMs: number,
    end?: { settled?: boolean; cleanedUp?: boolean; views?: Record<string, PerJobView | null> },
  ): void;
  /** The check names reported so far, in order. */
  checks(): string[];
  messages(): string[];
}

function harness(): Feed {
  const seen: string[] = [];
  const said: string[] = [];
  const checkers = new ClusterCheckers(
    (check, message) => {
      seen.push(check);
      said.push(message);
    },
    RETENTION,
    {
      gate: gateConfig(),
      manager: managerConfig(),
      worker: workerConfig(),
      groupSizes: new Map([
        ["global", 2],
        ["dc1", 3],
      ]),
      roles: ROLES,
    },
  );
  let nowMs = 0;
  return {
    feed(node, kind, d = {}, atMs = nowMs) {
      nowMs = atMs;
      checkers.observe(node, kind, d, atMs * 1000);
    },
    host(node, state, atMs) {
      nowMs = atMs;
      checkers.observeHost(node, state, atMs * 1000);
    },
    finish(atMs, end = {}) {
      const views = end.views ?? {};
      checkers.finish(
        atMs * 1000,
        end.settled ?? true,
        (node) => views[node] !== null,
        (node) => views[node] ?? null,
        end.cleanedUp ?? false,
      );
    },
    checks: () => seen,
    messages: () => said,
  };
}

/** `times` reports of one check: what a feed that trips only that checker produces. */
function only(check: string, times = 1): string[] {
  return Array.from({ length: times }, () => check);
}

describe("cores-at-rest: a run's cores are freed when it ends, none leak at rest", () => {
  const C = CHECK_NAMES.coresAtRest;
  const alloc = (h: Feed, wf: string, cores: number, inUse: number) =>
    h.feed("w1", "cores.allocated", { job: "j", workflow: wf, token: 1, cores, inUse, total: 4 });
  const freed = (h: Feed, wf: string, cores: number, inUse: number) =>
    h.feed("w1", "cores.freed", { job: "j", workflow: wf, cores, inUse, total: 4 });
  const finished = (h: Feed, wf: string) =>
    h.feed("w1", "workflow.finished", { job: "j", dc: "dc1", workflow: wf, token: 1, status: "completed" });

  it("stays silent when every run frees its cores, across a restart, and at rest", () => {
    const h = harness();
    h.feed("w1", "node.started", { role: "worker", incarnation: 1, totalCores: 4 });
    alloc(h, "a", 2, 2);
    alloc(h, "b", 1, 3);
    freed(h, "a", 2, 1);
    finished(h, "a");
    // A restart loses the volatile allocation of b: its run never reports an end.
    h.feed("w1", "node.started", { role: "worker", incarnation: 2, totalCores: 4 });
    alloc(h, "c", 4, 4);
    freed(h, "c", 4, 0);
    finished(h, "c");
    h.finish(100, { views: { w1: { perJob: {}, coresInUse: 0, runCores: 0 }, w2: null } });
    // A view that disagrees is no violation while the run has not settled.
    h.finish(100, { settled: false, views: { w1: { perJob: {}, coresInUse: 3, runCores: 0 } } });
    expect(h.checks()).toEqual([]);
  });

  it("fires when a run ends still holding cores (freed none of them)", () => {
    const h = harness();
    alloc(h, "a", 2, 2);
    freed(h, "a", 0, 2);
    finished(h, "a");
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("ended still holding 2 core(s)");
  });

  it("fires when a run frees more cores than it held (even if the worker's total stays consistent)", () => {
    const h = harness();
    alloc(h, "a", 2, 2);
    alloc(h, "b", 1, 3);
    freed(h, "b", 3, 0); // b frees a's cores too: the worker's own count still adds up
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("freed 3 core(s) it did not hold");
  });

  it("fires at rest when a worker's cores in use differ from its runs' cores (a leak its events agree on)", () => {
    const h = harness();
    h.finish(100, {
      views: {
        w1: { perJob: {}, coresInUse: 2, runCores: 0 },
        w2: { perJob: {}, coresInUse: 1, runCores: 1 },
        // Only workers are judged: a manager's view has no cores.
        m1: { perJob: {} },
      },
    });
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("worker w1 has 2 core(s) in use at rest, its runs hold 0");
  });
});

describe("finalize-reports: a gate ends a job only after every dispatched DC reported or failed", () => {
  const C = CHECK_NAMES.finalizeReports;
  const dispatched = (h: Feed, job: string, dc: string) =>
    h.feed("gate-1", "job.dispatched", { job, dc, manager: "m1" });
  const reported = (h: Feed, job: string, dc: string, status: string) =>
    h.feed("gate-1", "job.dcReported", { job, dc, status, fenceToken: 1 });
  const terminal = (h: Feed, job: string, status: string, error: string | null = null) =>
    h.feed("gate-1", "job.terminal", { job, status, error });

  it("stays silent on every ending the protocol allows", () => {
    const h = harness();
    // Every DC reported.
    dispatched(h, "all", "dc1");
    dispatched(h, "all", "dc2");
    reported(h, "all", "dc1", "completed");
    reported(h, "all", "dc2", "completed");
    terminal(h, "all", "completed");
    // A failed DC already fixes a non-COMPLETED outcome: no need to wait for dc2.
    dispatched(h, "early", "dc1");
    dispatched(h, "early", "dc2");
    reported(h, "early", "dc1", "failed");
    terminal(h, "early", "failed");
    // A DC whose dispatch failed everywhere is not waited for.
    dispatched(h, "failover", "dc1");
    h.feed("gate-1", "job.dcFailed", { job: "failover", dc: "dc2" });
    reported(h, "failover", "dc1", "completed");
    terminal(h, "failover", "completed");
    // The gate's own job timeout ends a job whatever has reported.
    dispatched(h, "slow", "dc1");
    terminal(h, "slow", "timeout", "job timeout");
    // No DC accepted it: failed at once.
    terminal(h, "nowhere", "failed", "no DC accepted the job");
    expect(h.checks()).toEqual([]);
  });

  it("fires when a job ends while a dispatched DC has not reported", () => {
    const h = harness();
    dispatched(h, "j", "dc1");
    dispatched(h, "j", "dc2");
    reported(h, "j", "dc1", "completed");
    terminal(h, "j", "completed");
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("before dc2 reported");
  });

  it("checks a timeout that is not the gate's own job timeout like any other ending", () => {
    const h = harness();
    dispatched(h, "j", "dc1");
    terminal(h, "j", "timeout", null);
    expect(h.checks()).toEqual(only(C));
  });

  it("fires when a job ends COMPLETED though a DC reported otherwise", () => {
    const h = harness();
    dispatched(h, "j", "dc1");
    dispatched(h, "j", "dc2");
    reported(h, "j", "dc1", "failed");
    reported(h, "j", "dc2", "completed");
    terminal(h, "j", "completed");
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("dc1:failed");
  });

  it("fires when a job ends COMPLETED with no DC report at all", () => {
    const h = harness();
    terminal(h, "j", "completed");
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("reported nothing");
  });
});

describe("work-leaves-worker: work leaves a worker only for a reason that holds", () => {
  const C = CHECK_NAMES.workLeavesWorker;
  const base = { dc: "dc1", workflow: "a", worker: "w1" };
  const dispatch = (h: Feed, job: string, atMs: number, workerIncarnation = 1, token = 1) =>
    h.feed("m1", "workflow.dispatched", { ...base, job, token, workerIncarnation }, atMs);
  const fail = (h: Feed, job: string, reason: string, atMs: number, node = "m1", token = 1) =>
    h.feed(node, "workflow.failed", { ...base, job, token, reason, retry: true, blame: true }, atMs);
  const workerSays = (h: Feed, job: string, status: string, atMs: number) =>
    h.feed("w1", "workflow.finished", { job, dc: "dc1", workflow: "a", token: 1, status }, atMs);
  const timeoutMs = managerConfig().requestTimeoutStandardMs;

  it("stays silent when every reason holds", () => {
    const h = harness();
    h.feed("w1", "node.started", { role: "worker", incarnation: 1, totalCores: 4 }, 0);
    h.feed("m1", "member.confirmed", { node: "w1", incarnation: 1 }, 0);
    dispatch(h, "dead", 1000);
    h.feed("m1", "member.suspect", { node: "w1", incarnation: 1, lhm: 0, minMs: M_MIN, maxMs: M_MAX }, 2000);
    h.feed("m1", "member.dead", { node: "w1", incarnation: 1, via: "gossip" }, 3000);
    fail(h, "dead", "worker dead", 3000);
    dispatch(h, "restart", 4000);
    h.feed("w1", "node.started", { role: "worker", incarnation: 2, totalCores: 4 }, 5000);
    fail(h, "restart", "worker restarted", 5000);
    dispatch(h, "slow", 6000, 2);
    fail(h, "slow", "dispatch timeout", 6000 + timeoutMs);
    dispatch(h, "refused", 20_000, 2);
    h.feed("w1", "workflow.rejected", { ...base, job: "refused", token: 1, reason: "insufficient-cores" }, 20_001);
    fail(h, "refused", "dispatch rejected: insufficient-cores", 20_002);
    dispatch(h, "broke", 21_000, 2);
    workerSays(h, "broke", "failed", 21_500);
    fail(h, "broke", "execution error", 21_501);
    dispatch(h, "orphan", 22_000, 2);
    workerSays(h, "orphan", "cancelled", 22_500);
    fail(h, "orphan", "orphaned on worker", 22_501);
    dispatch(h, "lost", 23_000, 2);
    h.feed("m2", "job.takeover", { job: "lost", dc: "dc1", fenceToken: 2, from: "m1" }, 24_000);
    fail(h, "lost", "lost in takeover", 24_000 + timeoutMs, "m2");
    // A failure with no dispatch on record (the checker never saw it start) is not judged.
    h.feed("m2", "job.takeover", { job: "unseen", dc: "dc1", fenceToken: 2, from: "m1" }, 40_000);
    fail(h, "unseen", "worker dead", 40_000, "m2");
    expect(h.checks()).toEqual([]);
  });

  const violations: [string, (h: Feed) => void, string][] = [
    [
      "worker dead, while the leader only suspects it",
      (h) => {
        h.feed("m1", "member.confirmed", { node: "w1", incarnation: 1 }, 0);
        dispatch(h, "j", 1000);
        h.feed("m1", "member.suspect", { node: "w1", incarnation: 1, lhm: 0, minMs: M_MIN, maxMs: M_MAX }, 2000);
        fail(h, "j", "worker dead", 2000);
      },
      "did not hold the worker dead",
    ],
    [
      "worker restarted, though the addressed life goes on",
      (h) => {
        h.feed("w1", "node.started", { role: "worker", incarnation: 3, totalCores: 4 }, 0);
        dispatch(h, "j", 1000, 3);
        fail(h, "j", "worker restarted", 2000);
      },
      "had not ended",
    ],
    [
      "dispatch timeout, before the timeout",
      (h) => {
        dispatch(h, "j", 1000);
        fail(h, "j", "dispatch timeout", 1000 + timeoutMs / 2);
      },
      "after 2500 ms",
    ],
    [
      "dispatch rejected, though the worker did not refuse",
      (h) => {
        dispatch(h, "j", 1000);
        fail(h, "j", "dispatch rejected: insufficient-cores", 1500);
      },
      "did not refuse it",
    ],
    [
      "execution error, though the worker reported no failure",
      (h) => {
        dispatch(h, "j", 1000);
        workerSays(h, "j", "completed", 1500);
        fail(h, "j", "execution error", 1600);
      },
      "did not report it failed",
    ],
    [
      "orphaned on worker, though the worker did not cancel it",
      (h) => {
        dispatch(h, "j", 1000);
        fail(h, "j", "orphaned on worker", 1500);
      },
      "did not cancel it",
    ],
    [
      "lost in takeover, without a takeover",
      (h) => {
        dispatch(h, "j", 1000);
        fail(h, "j", "lost in takeover", 1000 + timeoutMs, "m2");
      },
      "without a takeover",
    ],
    [
      "lost in takeover, though a worker confirmed it",
      (h) => {
        dispatch(h, "j", 1000);
        h.feed("m2", "job.takeover", { job: "j", dc: "dc1", fenceToken: 2, from: "m1" }, 2000);
        h.feed("m2", "workflow.reconciled", { ...base, job: "j", token: 1, was: "dispatched" }, 2100);
        fail(h, "j", "lost in takeover", 2000 + timeoutMs, "m2");
      },
      "though a worker confirmed it",
    ],
    [
      "lost in takeover, before the reconciliation window closed",
      (h) => {
        dispatch(h, "j", 1000);
        h.feed("m2", "job.takeover", { job: "j", dc: "dc1", fenceToken: 2, from: "m1" }, 2000);
        fail(h, "j", "lost in takeover", 2100, "m2");
      },
      "before the reconciliation window closed",
    ],
    [
      "a reason no evidence can support",
      (h) => {
        dispatch(h, "j", 1000);
        fail(h, "j", "rebalancing", 1500);
      },
      "no evidence can support",
    ],
  ];

  for (const [what, plant, says] of violations)
    it(`fires on ${what}`, () => {
      const h = harness();
      plant(h);
      expect(h.checks()).toEqual(only(C));
      expect(h.messages()[0]).toContain(says);
    });
});

describe("failure-detection: suspicion bounds, transitions and deadlines per observer", () => {
  const C = CHECK_NAMES.failureDetection;
  const suspect = (h: Feed, atMs: number, incarnation = 1, lhm = 0, scale = 1 + lhm) =>
    h.feed("m1", "member.suspect", { node: "w1", incarnation, lhm, minMs: M_MIN * scale, maxMs: M_MAX * scale }, atMs);
  const dead = (h: Feed, atMs: number, via = "probe", incarnation = 1) =>
    h.feed("m1", "member.dead", { node: "w1", incarnation, via }, atMs);
  const confirmed = (h: Feed, atMs = 0, incarnation = 1) =>
    h.feed("m1", "member.confirmed", { node: "w1", incarnation }, atMs);

  it("stays silent on suspicions that end in time, renewals, revivals and frozen observers", () => {
    const h = harness();
    confirmed(h);
    suspect(h, 1000);
    dead(h, 1000 + (M_MIN + M_MAX) / 2);
    h.feed("m1", "member.join", { node: "w1", incarnation: 6 }, 100_000);
    // LHM 2 stretches both bounds threefold; a higher incarnation renews a suspicion.
    suspect(h, 110_000, 6, 2);
    suspect(h, 111_000, 7, 2);
    dead(h, 111_000 + 3 * M_MAX, "probe", 7);
    h.feed("m1", "member.join", { node: "w1", incarnation: 12 }, 400_000);
    suspect(h, 401_000, 12);
    h.feed("m1", "member.alive", { node: "w1", incarnation: 13 }, 402_000);
    // The observer paused mid-suspicion: its timers froze, so a late death is no violation.
    suspect(h, 410_000, 13);
    h.host("m1", "paused", 411_000);
    h.host("m1", "up", 500_000);
    dead(h, 500_001, "probe", 13);
    // Death learned by gossip is not timed; a forgotten member owes nothing.
    h.feed("m1", "member.join", { node: "w1", incarnation: 20 }, 600_000);
    suspect(h, 601_000, 20);
    dead(h, 601_010, "gossip", 20);
    h.feed("m1", "member.forgotten", { node: "w1", reason: "dead" }, 602_000);
    h.feed("m1", "member.confirmed", { node: "w1", incarnation: 25 }, 603_000);
    suspect(h, 604_000, 25);
    h.feed("m1", "member.forgotten", { node: "w1", reason: "purged" }, 605_000);
    h.finish(2_000_000);
    expect(h.checks()).toEqual([]);
  });

  it("stays silent when a member that went down is suspected in time, or comes back first", () => {
    const h = harness();
    confirmed(h);
    h.host("w1", "down", 10_000);
    suspect(h, 20_000);
    dead(h, 20_000 + M_MIN, "probe");
    h.feed("m1", "member.join", { node: "w1", incarnation: 6 }, 100_000);
    h.host("w1", "down", 110_000);
    h.host("w1", "up", 120_000);
    // The observer itself goes down: it owes nothing while it cannot observe.
    h.host("w1", "down", 130_000);
    h.host("m1", "down", 131_000);
    h.finish(5_000_000);
    expect(h.checks()).toEqual([]);
  });

  it("fires when a member it never confirmed is suspected", () => {
    const h = harness();
    suspect(h, 1000);
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("which it held unconfirmed");
  });

  it("fires when a dead member is suspected again at the same incarnation", () => {
    const h = harness();
    confirmed(h);
    dead(h, 1000, "gossip");
    suspect(h, 2000);
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("which it held dead");
  });

  it("fires when the suspicion bounds ignore the observer's LHM", () => {
    const h = harness();
    confirmed(h);
    suspect(h, 1000, 1, 2, 1);
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("not 30000–180000 ms");
  });

  it("fires when a member is declared dead twice without a revival", () => {
    const h = harness();
    confirmed(h);
    dead(h, 1000, "gossip");
    dead(h, 2000, "gossip");
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("dead twice");
  });

  it("fires when a member is declared dead below an incarnation the observer accepted", () => {
    const h = harness();
    confirmed(h, 0, 6);
    dead(h, 1000, "gossip", 1);
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("dead at incarnation 1, below 6");
  });

  it("fires when a probe death comes before the suspicion's lower bound", () => {
    const h = harness();
    confirmed(h);
    suspect(h, 1000);
    dead(h, 1000 + M_MIN / 2);
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("outside");
  });

  it("fires when a probe death comes after the upper bound (the suspicion was left open past it, too)", () => {
    const h = harness();
    confirmed(h);
    suspect(h, 1000);
    dead(h, 1000 + M_MAX * 1.5);
    expect(h.checks()).toEqual(only(C, 2));
    expect(h.messages()[0]).toContain("neither declared it dead nor saw it refute");
    expect(h.messages()[1]).toContain("outside");
  });

  it("fires when a suspicion is never ended: no death, no refutation", () => {
    const h = harness();
    confirmed(h);
    suspect(h, 1000);
    h.finish(1000 + M_MAX * 2);
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("neither declared it dead nor saw it refute");
  });

  it("fires when a confirmed member stays down and the observer never suspects it", () => {
    const h = harness();
    confirmed(h);
    h.host("w1", "down", 10_000);
    h.finish(10_000 + 3_600_000);
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("m1 never suspected w1, down since 10000 ms");
  });
});

describe("election-votes: one vote per voter per term, and a leader holds a majority", () => {
  const C = CHECK_NAMES.electionVotes;
  const vote = (h: Feed, voter: string, candidate: string, term = 1, group = "dc1") =>
    h.feed(voter, "leader.voted", { group, term, candidate });
  const elected = (h: Feed, leader: string, term = 1, group = "dc1") =>
    h.feed(leader, "leader.elected", { group, term, votes: 0 });

  it("stays silent on one vote per voter per term and majority wins", () => {
    const h = harness();
    vote(h, "m1", "m1");
    vote(h, "m2", "m1");
    vote(h, "m2", "m1"); // the same grant heard twice
    elected(h, "m1");
    vote(h, "m2", "m2", 2);
    vote(h, "m3", "m2", 2);
    elected(h, "m2", 2);
    vote(h, "gate-1", "gate-1", 1, "global");
    vote(h, "gate-2", "gate-1", 1, "global");
    elected(h, "gate-1", 1, "global");
    // A group the run did not configure is not counted.
    elected(h, "x", 1, "elsewhere");
    expect(h.checks()).toEqual([]);
  });

  it("fires when a voter grants two candidates in one term", () => {
    const h = harness();
    vote(h, "m1", "m1");
    vote(h, "m1", "m2");
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toBe("m1 voted for m1 and then m2 in dc1#1");
  });

  it("fires when a leader is elected without a majority of its configured group", () => {
    const h = harness();
    vote(h, "m1", "m1");
    vote(h, "m2", "m1", 2); // a vote of another term does not count
    elected(h, "m1");
    expect(h.checks()).toEqual(only(C));
    expect(h.messages()[0]).toContain("with 1 vote(s) of 3 (a majority is 2)");
  });
});

describe("transitions: every job and workflow transition is one PROTOCOL allows", () => {
  const C = CHECK_NAMES.transitions;
  const wf = { job: "j", dc: "dc1", workflow: "a" };
  type Step = [node: string, kind: string, detail: EmitDetail, atMs?: number];
  const dispatched = (token: number, node = "m1", worker = "w1"): Step => [
    node,
    "workflow.dispatched",
    { ...wf, worker, token, workerIncarnation: 1 },
  ];
  const running = (token: number, node = "m1"): Step => [node, "workflow.running", { ...wf, worker: "w1", token }];
  const workerEnded = (token: number, status = "completed"): Step => [
    "w1",
    "workflow.finished",
    { ...wf, token, status },
  ];
  // "dispatch timeout" is a reason the work-leaves-worker check accepts 5 s after the dispatch.
  const failed = (token: number, retry: boolean, node = "m1"): Step => [
    node,
    "workflow.failed",
    { ...wf, worker: "w1", token, reason: "dispatch timeout", retry, blame: true },
    1_000_000,
  ];
  const requeued = (node = "m1"): Step => [node, "workflow.requeued", { ...wf, attempts: 1 }];
  const terminal = (token: number, status: string, node = "m1"): Step => [
    node,
    "workflow.terminal",
    { ...wf, token, status, reason: null },
  ];
  const takeover = (node: string): Step => [node, "job.takeover", { job: "j", dc: "dc1", fenceToken: 9, from: "m1" }];
  const reconciled = (token: number, node: string): Step => [
    node,
    "workflow.reconciled",
    { ...wf, worker: "w1", token, was: "running" },
  ];

  function play(steps: Step[]): Feed {
    const h = harness();
    for (const [node, kind, d, atMs] of steps) h.feed(node, kind, d, atMs);
    return h;
  }

  it("stays silent on every allowed life of a workflow", () => {
    const lives: Step[][] = [
      // Dispatched, acked, completed by the worker, terminal.
      [dispatched(1), running(1), workerEnded(1), terminal(1, "completed")],
      // A completed result may overtake the dispatch ACK.
      [dispatched(1), workerEnded(1), terminal(1, "completed")],
      // A failed attempt is retried, then fails for good.
      [dispatched(1), failed(1, true), requeued(), dispatched(2), running(2), failed(2, false), terminal(2, "failed")],
      // Cancelled while still pending (a job timeout), or while running.
      [terminal(-1, "cancelled")],
      [dispatched(1), running(1), terminal(1, "cancelled")],
      // A takeover's first step is taken as given; a later leader may relearn the same ending.
      [dispatched(1), takeover("m2"), reconciled(1, "m2"), workerEnded(1), terminal(1, "completed", "m2")],
      [
        dispatched(1),
        workerEnded(1),
        terminal(1, "completed"),
        takeover("m2"),
        reconciled(1, "m2"),
        terminal(1, "completed", "m2"),
      ],
      // At the gate: dispatched before the job ended; after deletion the id is free again.
      [
        ["gate-1", "job.dispatched", { job: "g", dc: "dc1", manager: "m1" }],
        ["gate-1", "job.dcReported", { job: "g", dc: "dc1", status: "failed", fenceToken: 1 }],
        ["gate-1", "job.terminal", { job: "g", status: "failed", error: null }],
        ["gate-1", "job.deleted", { job: "g", role: "gate" }],
        ["gate-1", "job.dispatched", { job: "g", dc: "dc1", manager: "m1" }],
      ],
    ];
    for (const life of lives) expect(play(life).checks(), JSON.stringify(life)).toEqual([]);
  });

  const violations: [string, Step[], string][] = [
    ["running without a dispatch", [running(1)], "running from pending"],
    ["running under another attempt's token", [dispatched(2), running(1)], "running from dispatched (token 1)"],
    ["dispatched again while running", [dispatched(1), running(1), dispatched(2)], "dispatched from running"],
    ["failed with no attempt in flight", [failed(1, true)], "failed from pending"],
    ["requeued without a failed attempt", [dispatched(1), running(1), requeued()], "requeued from running"],
    ["requeued after a final failure", [dispatched(1), failed(1, false), requeued()], "requeued from failed"],
    ["completed while pending", [workerEnded(1), terminal(1, "completed")], "became completed from pending"],
    [
      "failed for good from running, skipping the failed attempt",
      [dispatched(1), running(1), terminal(1, "failed")],
      "became failed from running",
    ],
    [
      "completed without the worker's completed result for that attempt",
      [dispatched(1), running(1), workerEnded(1, "failed"), terminal(1, "completed")],
      "completed without a worker's completed result for token 1",
    ],
    [
      "dispatched again after it completed (terminal is absorbing)",
      [dispatched(1), workerEnded(1), terminal(1, "completed"), dispatched(2)],
      "dispatched from ended",
    ],
    [
      "failed after it completed, under a new leader",
      [dispatched(1), workerEnded(1), terminal(1, "completed"), takeover("m2"), failed(1, true, "m2")],
      "failed from ended",
    ],
    [
      "ended a second time, differently",
      [dispatched(1), workerEnded(1), terminal(1, "completed"), terminal(1, "cancelled")],
      "became cancelled from ended",
    ],
    [
      "a job dispatched to a DC after the gate ended it",
      [
        ["gate-1", "job.dispatched", { job: "g", dc: "dc1", manager: "m1" }],
        ["gate-1", "job.dcReported", { job: "g", dc: "dc1", status: "failed", fenceToken: 1 }],
        ["gate-1", "job.terminal", { job: "g", status: "failed", error: null }],
        ["gate-1", "job.dispatched", { job: "g", dc: "dc2", manager: "m4" }],
      ],
      "dispatched job g to dc2 after it ended",
    ],
  ];

  for (const [what, steps, says] of violations)
    it(`fires on ${what}`, () => {
      const h = play(steps.slice(0, -1));
      expect(h.checks(), "the steps before the last are legal").toEqual([]);
      const [node, kind, d, atMs] = steps[steps.length - 1]!;
      h.feed(node, kind, d, atMs);
      expect(h.checks()).toEqual(only(C));
      expect(h.messages()[0]).toContain(says);
    });
});

describe("quiescence: no node keeps per-job state once every job is cleaned up", () => {
  const C = CHECK_NAMES.quiescence;
  const clean: PerJobView = { perJob: { runs: [], jobLeaders: [] }, coresInUse: 0, runCores: 0 };
  const leaky: PerJobView = { perJob: { runs: [], jobLeaders: ["j1", "j2", "j3", "j4"] }, coresInUse: 0, runCores: 0 };

  it("stays silent when every view is empty, the run did not wait for cleanup, or did not settle", () => {
    const h = harness();
    h.finish(100, { cleanedUp: true, views: { w1: clean, w2: null, m1: { perJob: { finalsOwed: [] } } } });
    h.finish(100, { cleanedUp: false, views: { w1: leaky } });
    h.finish(100, { settled: false, cleanedUp: true, views: { w1: leaky } });
    expect(h.checks()).toEqual([]);
  });

  it("fires once per node that still holds per-job state after cleanup", () => {
    const h = harness();
    h.finish(100, { cleanedUp: true, views: { w1: leaky, m1: { perJob: { finalsOwed: ["j9"] } }, w2: clean } });
    expect(h.checks()).toEqual(only(C, 2));
    expect(h.messages()[0]).toBe("w1 still holds jobLeaders [j1, j2, j3, ...]");
    expect(h.messages()[1]).toBe("m1 still holds finalsOwed [j9]");
  });
});

describe("membership views: each observer's table rebuilt from its own events", () => {
  it("tracks status and the highest incarnation, forgets on member.forgotten and on the observer's restart", () => {
    const v = new MembershipViews();
    expect(v.before("m1", "w1")).toBeNull();
    v.apply("m1", "member.confirmed", { node: "w1", incarnation: 3 });
    v.apply("m1", "member.suspect", { node: "w1", incarnation: 2 });
    expect(v.before("m1", "w1")).toEqual({ status: "suspect", incarnation: 3 });
    v.apply("m2", "member.confirmed", { node: "w1", incarnation: 3 });
    expect(v.observersHoldingOk("w1")).toEqual(["m2"]);
    v.apply("m1", "member.dead", { node: "w1", incarnation: 3 });
    expect(v.statusOf("m1", "w1")).toBe("dead");
    v.apply("m1", "member.join", { node: "w1", incarnation: 8 });
    expect(v.before("m1", "w1")).toEqual({ status: "ok", incarnation: 8 });
    expect(v.apply("m1", "workflow.started", { job: "j" })).toBe(false);
    expect(v.apply("m1", "member.forgotten", { node: "w1", reason: "purged" })).toBe(true);
    expect(v.before("m1", "w1")).toBeNull();
    v.apply("m1", "member.confirmed", { node: "w2", incarnation: 1 });
    expect(v.trackedCount("m1")).toBe(1);
    v.apply("m1", "node.started", { role: "manager", incarnation: 2 });
    expect(v.trackedCount("m1")).toBe(0);
    expect(v.trackedCount("m2")).toBe(1);
  });
});
