// Cluster failure paths through the test harness: worker death, manager takeover, gate dead-peer reaping.

import { describe, expect, it } from "vitest";
import { clientFactory } from "../../src/nodes/client.js";
import type { ClientConfig, GateConfig } from "../../src/nodes/config.js";
import { gateConfig } from "../../src/nodes/config.js";
import { gateFactory, type GateNode } from "../../src/nodes/gate/index.js";
import { managerFactory } from "../../src/nodes/manager/index.js";
import { workerFactory } from "../../src/nodes/worker.js";
import { TestCluster } from "./harness.js";

function dcCluster(client: Partial<ClientConfig>, seed = 1): TestCluster {
  return new TestCluster(
    { gates: 1, dcs: 1, managersPerDc: 3, workersPerDc: 3, clients: 1 },
    { gate: gateFactory(), manager: managerFactory(), worker: workerFactory(), client: clientFactory(client) },
    seed,
  );
}

const LONG_JOB: Partial<ClientConfig> = { jobCount: 1, workflowsPerJob: 1, workflowDurationMs: 60_000 };

describe("worker failure (MW-6.1)", () => {
  it("a worker killed mid-workflow is detected, its workflow waits out the suspicion, then reruns on another worker", () => {
    const c = dcCluster(LONG_JOB);
    const { checkers, violations } = c.withCheckers();
    let victim: string | null = null;
    let crashedAtUs = 0;
    c.onEmit((e) => {
      if (e.kind === "workflow.started" && victim === null) {
        victim = e.node;
        crashedAtUs = e.atUs + 1000;
        c.at(crashedAtUs / 1000, () => c.crash(e.node));
      }
    });
    c.start();
    c.run(300_000);
    checkers.finish(c.kernel.now, true);

    expect(violations).toEqual([]);
    const orphaned = c.emitted("workflow.orphaned", (e) => e.detail["node"] === victim);
    const failed = c.emitted(
      "workflow.failed",
      (e) => e.detail["worker"] === victim && e.detail["reason"] === "worker dead",
    );
    expect(orphaned.length).toBe(1);
    expect(failed.length).toBe(1);
    // The grace: nothing is rescheduled before the manager's minimum suspicion (10 s) has passed.
    expect(failed[0]!.atUs - crashedAtUs).toBeGreaterThanOrEqual(10_000_000);
    const starts = c.emitted("workflow.started");
    expect(starts.length).toBe(2);
    expect(starts[1]!.node).not.toBe(victim);
    expect(Number(starts[1]!.detail["token"])).toBeGreaterThan(Number(starts[0]!.detail["token"]));
    expect(c.emitted("client.result").map((e) => e.detail["status"])).toEqual(["completed"]);
  });
});

describe("manager failure (GM-1.3.1, job-leader takeover)", () => {
  it("a DC leader that dies before its dispatch ACK makes the gate retry and another manager take the job", () => {
    const c = dcCluster({ jobCount: 1 });
    const { checkers, violations } = c.withCheckers();
    let victim: string | null = null;
    c.onEmit((e) => {
      // Crash inside the accepting handler: the ACK and the replica sync never leave.
      if (e.kind === "job.leaderAccepted" && victim === null) {
        victim = e.node;
        c.crash(e.node);
      }
    });
    c.start();
    c.run(300_000);
    checkers.finish(c.kernel.now, true);

    expect(violations).toEqual([]);
    const dispatched = c.emitted("job.dispatched");
    expect(dispatched.length).toBe(1);
    expect(dispatched[0]!.detail["manager"]).not.toBe(victim);
    expect(Number(dispatched[0]!.detail["attempts"])).toBeGreaterThan(1);
    expect(c.emitted("client.result").map((e) => e.detail["status"])).toEqual(["completed"]);
  });

  it("a job leader that dies after its ACK is replaced: a new DC leader takes the job over and the workers follow it", () => {
    const c = dcCluster(LONG_JOB);
    const { checkers, violations } = c.withCheckers();
    let victim: string | null = null;
    c.onEmit((e) => {
      if (e.kind === "workflow.running" && victim === null) {
        victim = e.node;
        c.at(e.atUs / 1000 + 1, () => c.crash(e.node));
      }
    });
    c.start();
    c.run(300_000);
    checkers.finish(c.kernel.now, true);

    expect(violations).toEqual([]);
    const elected = c.emitted("leader.elected", (e) => e.detail["group"] === "dc1");
    expect(elected.length).toBe(2);
    expect(elected[1]!.node).not.toBe(victim);
    expect(Number(elected[1]!.detail["term"])).toBeGreaterThan(Number(elected[0]!.detail["term"]));
    const takeover = c.emitted("job.takeover");
    expect(takeover.map((e) => [e.node, e.detail["from"]])).toEqual([[elected[1]!.node, victim]]);
    expect(c.emitted("transfer.accepted").length).toBe(1);
    // The running workflow was not rerun: the worker kept it and reported to the new leader.
    expect(c.emitted("workflow.started").length).toBe(1);
    expect(c.emitted("client.result").map((e) => e.detail["status"])).toEqual(["completed"]);
  });
});

function gates(n: number, overrides: Partial<GateConfig> = {}): TestCluster {
  return new TestCluster(
    { gates: n, dcs: 0, managersPerDc: 0, workersPerDc: 0, clients: 0 },
    { gate: gateFactory(overrides) },
  );
}

describe("gate dead-peer reaping (GP-1)", () => {
  const REAP_MS = 30_000;

  it("GP-1.1/1.3: peers that go down and stay down are reaped after the interval and purged after twice that, each on its own clock", () => {
    const c = gates(5, { deadPeerReapIntervalMs: REAP_MS });
    c.start();
    c.at(20_000, () => c.crash("gate-4"));
    c.at(25_000, () => c.crash("gate-5"));
    c.run(300_000);

    for (const peer of ["gate-4", "gate-5"]) {
      const dead = c.emitted("peer.dead", (e) => e.node === "gate-1" && e.detail["peer"] === peer);
      const purged = c.emitted("peer.purged", (e) => e.node === "gate-1" && e.detail["peer"] === peer);
      expect(dead.length).toBe(1);
      expect(Number(dead[0]!.detail["unhealthyForMs"])).toBeGreaterThanOrEqual(REAP_MS);
      expect(purged.length).toBe(1);
      expect(purged[0]!.atUs - dead[0]!.atUs).toBeGreaterThanOrEqual(2 * REAP_MS * 1000);
    }
    expect(c.node<GateNode>("gate-1").membership.status("gate-4")).toBeNull();
    expect(c.node<GateNode>("gate-1").reaper.deadPeers.size).toBe(0);
  });

  it("GP-1.2: a peer that recovers before the threshold is marked healthy and never reaped", () => {
    const c = gates(3, { deadPeerReapIntervalMs: REAP_MS });
    c.start();
    c.at(20_000, () => c.isolate("gate-3"));
    c.at(40_000, () => c.heal());
    c.run(300_000);

    expect(c.emitted("member.suspect", (e) => e.detail["node"] === "gate-3").length).toBeGreaterThan(0);
    expect(c.emitted("peer.healthy", (e) => e.node === "gate-1" && e.detail["peer"] === "gate-3").length).toBe(1);
    expect(c.emitted("peer.dead", (e) => e.detail["peer"] === "gate-3")).toEqual([]);
    expect(c.node<GateNode>("gate-1").reaper.unhealthySinceUs.size).toBe(0);
  });
});

describe("gate quorum stepdown (GP-2, GP-5)", () => {
  function leaderOf(c: TestCluster): string {
    const e = c.emitted("leader.elected", (x) => x.detail["group"] === "global");
    return e[e.length - 1]!.node;
  }

  it("GP-2.1/2.3: after losing both peers the leader steps down after exactly 3 failed checks; non-leaders never check", () => {
    const c = gates(3);
    c.start();
    let leader = "";
    c.at(30_000, () => {
      leader = leaderOf(c);
      for (const g of ["gate-1", "gate-2", "gate-3"]) if (g !== leader) c.crash(g);
    });
    c.run(400_000);

    const checks = c.emitted("quorum.check", (e) => e.node === leader && e.detail["ok"] === false);
    expect(checks.map((e) => e.detail["streak"])).toEqual([1, 2, 3]);
    const stepdown = c.emitted("leader.stepdown", (e) => e.node === leader);
    expect(stepdown.map((e) => e.detail["reason"])).toEqual(["quorum"]);
    expect(stepdown[0]!.atUs).toBe(checks[2]!.atUs);
    expect(c.emitted("quorum.check", (e) => e.node !== leader)).toEqual([]);
  });

  it("GP-2.2: quorum regained before the third failed check resets the streak and the leader stays", () => {
    const c = gates(3);
    c.start();
    let leader = "";
    let others: string[] = [];
    c.at(30_000, () => {
      leader = leaderOf(c);
      others = ["gate-1", "gate-2", "gate-3"].filter((g) => g !== leader);
      for (const g of others) c.crash(g);
    });
    // Both peers come back once the leader has seen its first failed check.
    c.onEmit((e) => {
      if (e.kind === "quorum.check" && e.detail["ok"] === false && e.detail["streak"] === 1)
        for (const g of others) c.restart(g);
    });
    c.run(400_000);

    const streaks = c.emitted("quorum.check", (e) => e.node === leader).map((e) => Number(e.detail["streak"]));
    expect(streaks).toContain(1);
    expect(Math.max(...streaks)).toBe(1);
    expect(streaks[streaks.length - 1]).toBe(0);
    expect(c.emitted("leader.stepdown", (e) => e.node === leader)).toEqual([]);
    expect(c.node<GateNode>(leader).isLeader).toBe(true);
  });

  it("GP-2.4: a three-way split leaves no side with quorum, and every leader steps down", () => {
    const c = gates(3);
    c.start();
    c.at(30_000, () => {
      c.isolate("gate-1");
      c.isolate("gate-2");
      c.isolate("gate-3");
    });
    c.run(400_000);
    const leaders = new Set(c.emitted("leader.elected", (e) => e.detail["group"] === "global").map((e) => e.node));
    for (const l of leaders)
      expect(
        c.emitted("leader.stepdown", (e) => e.node === l && e.detail["reason"] === "quorum").length,
      ).toBeGreaterThan(0);
    for (const g of ["gate-1", "gate-2", "gate-3"]) expect(c.node<GateNode>(g).isLeader).toBe(false);
  });

  it("GP-5.1: a single gate always has quorum (1/1) and stays leader", () => {
    const c = gates(1);
    c.start();
    c.run(200_000);
    const checks = c.emitted("quorum.check");
    expect(checks.length).toBeGreaterThan(10);
    expect(checks.every((e) => e.detail["ok"] === true && e.detail["size"] === 1)).toBe(true);
    expect(c.node<GateNode>("gate-1").isLeader).toBe(true);
  });

  it("GP-5.2: two gates need both (quorum 2), so losing one makes the leader step down", () => {
    const c = gates(2);
    c.start();
    let leader = "";
    c.at(30_000, () => {
      leader = leaderOf(c);
      c.crash(leader === "gate-1" ? "gate-2" : "gate-1");
    });
    c.run(400_000);
    expect(c.emitted("quorum.check", (e) => e.node === leader).every((e) => e.detail["size"] === 2)).toBe(true);
    expect(c.emitted("leader.stepdown", (e) => e.node === leader).map((e) => e.detail["reason"])).toEqual(["quorum"]);
  });
});

describe("config overrides", () => {
  it("a scenario overrides single fields and keeps every other default", () => {
    const cfg = gateConfig({ deadPeerReapIntervalMs: 1 });
    expect(cfg.deadPeerReapIntervalMs).toBe(1);
    expect(cfg.deadPeerCheckIntervalMs).toBe(10_000);
    expect(cfg.globalSuspicionMaxMs).toBe(120_000);
  });
});
