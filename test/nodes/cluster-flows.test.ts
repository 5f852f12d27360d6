// Cluster happy paths through the test harness: registration and heartbeats, job dispatch, retention.

import { describe, expect, it } from "vitest";
import { clientFactory } from "../../src/nodes/client.js";
import {
  gateConfig,
  managerConfig,
  type ClientConfig,
  type GateConfig,
  type ManagerConfig,
  type WorkerConfig,
} from "../../src/nodes/config.js";
import { gateFactory, type GateNode } from "../../src/nodes/gate/index.js";
import { managerFactory, type ManagerNode } from "../../src/nodes/manager/index.js";
import { workerFactory, type WorkerNode } from "../../src/nodes/worker.js";
import { TestCluster, type ClusterShape } from "./harness.js";

interface Setup {
  shape?: Partial<ClusterShape>;
  client?: Partial<ClientConfig>;
  gate?: Partial<GateConfig>;
  manager?: Partial<ManagerConfig>;
  worker?: Partial<WorkerConfig>;
  seed?: number;
}

function cluster(s: Setup): TestCluster {
  const shape: ClusterShape = { gates: 1, dcs: 1, managersPerDc: 3, workersPerDc: 3, clients: 1, ...s.shape };
  return new TestCluster(
    shape,
    {
      gate: gateFactory(s.gate),
      manager: managerFactory(s.manager),
      worker: workerFactory(s.worker),
      client: clientFactory(s.client),
    },
    s.seed ?? 1,
  );
}

function statuses(c: TestCluster): unknown[] {
  return c.emitted("client.result").map((e) => e.detail["status"]);
}

describe("registration and heartbeats (MW-1.1.1, GM-2.1.1, GM-2.3.1, GM-2.3.4)", () => {
  it("every worker registers with every manager, and every manager with the gate, which tracks their heartbeats", () => {
    const c = cluster({ client: { jobCount: 0 } });
    c.start();
    c.run(30_000);
    for (const m of c.ids("manager", "dc1")) {
      expect(
        c
          .emitted("worker.registered", (e) => e.node === m)
          .map((e) => e.detail["worker"])
          .sort(),
      ).toEqual(c.ids("worker", "dc1"));
      expect(c.node<ManagerNode>(m).workerCount).toBe(3);
    }
    const gate = c.node<GateNode>("gate-1");
    expect([...(gate.dcView.dcManagers.get("dc1")?.keys() ?? [])].sort()).toEqual(c.ids("manager", "dc1"));
    const leaderStatus = [...gate.dcView.dcManagers.get("dc1")!.values()].find((m) => m.lastHeartbeat.isLeader);
    expect(leaderStatus?.lastHeartbeat.workerCount).toBe(3);
    expect(leaderStatus?.lastHeartbeat.totalCores).toBe(24);
  });

  it("a manager silent for heartbeatTimeoutMs is marked unhealthy by the gate, and healthy again once it is back", () => {
    const c = cluster({ client: { jobCount: 0 } });
    c.start();
    c.at(20_000, () => c.crash("dc1-mgr-3"));
    c.at(100_000, () => c.restart("dc1-mgr-3"));
    c.run(130_000);
    const changes = c.emitted("manager.healthChanged", (e) => e.detail["manager"] === "dc1-mgr-3");
    expect(changes.map((e) => e.detail["healthy"])).toEqual([false, true]);
    expect(changes[0]!.atUs - 20_000_000).toBeGreaterThanOrEqual(
      gateConfig().heartbeatTimeoutMs * 1000 - managerConfig().gateStatusIntervalMs * 1000,
    );
  });
});

describe("job dispatch (GM-1.1, GM-1.3, MW-3.1.1, MW-7.1)", () => {
  it("GM-1.1.2: a two-DC job is dispatched to both DCs, tracked per DC, and completes once both report", () => {
    const c = cluster({ shape: { dcs: 2 }, client: { jobCount: 1, datacenterCount: 2 } });
    const { checkers, violations } = c.withCheckers();
    c.start();
    c.run(120_000);
    checkers.finish(c.kernel.now, true);
    expect(violations).toEqual([]);
    expect(
      c
        .emitted("job.dispatched")
        .map((e) => e.detail["dc"])
        .sort(),
    ).toEqual(["dc1", "dc2"]);
    expect(c.emitted("job.dcTerminal").length).toBe(2);
    expect(statuses(c)).toEqual(["completed"]);
  });

  it("GM-1.3.2/1.3.3: when every manager of the chosen DC is unreachable, each attempt times out and the job fails over to the next DC", () => {
    const c = cluster({ shape: { dcs: 2 }, client: { jobCount: 1 } });
    const { checkers, violations } = c.withCheckers();
    c.start();
    // Both DCs are equally idle, so dc1 ranks first; cut its managers off just before the submit.
    c.at(14_000, () => c.partition(c.ids("manager", "dc1"), ["gate-1"]));
    c.run(200_000);
    checkers.finish(c.kernel.now, true);
    expect(violations).toEqual([]);
    expect(c.emitted("job.dcFailed").map((e) => e.detail["dc"])).toEqual(["dc1"]);
    expect(c.emitted("job.dispatched").map((e) => e.detail["dc"])).toEqual(["dc2"]);
    expect(statuses(c)).toEqual(["completed"]);
  });

  it("MW-6.2.1/6.2.2: a worker that dies before acking is timed out and the workflow goes to another worker", () => {
    const c = cluster({ client: { jobCount: 1, workflowsPerJob: 1 } });
    const { checkers, violations } = c.withCheckers();
    let victim: string | null = null;
    c.dropRule = (_from, to, msg) => {
      if (msg.type === "workflow-dispatch" && victim === null) {
        victim = to;
        c.crash(to);
      }
      return false;
    };
    c.start();
    c.run(200_000);
    checkers.finish(c.kernel.now, true);
    expect(violations).toEqual([]);
    const failed = c.emitted("workflow.failed");
    expect(failed[0]?.detail["reason"]).toBe("dispatch timeout");
    expect(failed[0]?.detail["worker"]).toBe(victim);
    expect(
      c
        .emitted("workflow.started")
        .map((e) => e.node)
        .includes(victim!),
    ).toBe(false);
    expect(statuses(c)).toEqual(["completed"]);
  });

  it("MW-6.2.3/MW-7.1.4: when runs keep failing on every worker, the workflow fails for good and the gate hears FAILED", () => {
    const c = cluster({
      client: { jobCount: 1, workflowsPerJob: 1 },
      worker: { workflowFailurePerMillion: 1_000_000 },
    });
    const { checkers, violations } = c.withCheckers();
    c.start();
    c.run(300_000);
    checkers.finish(c.kernel.now, true);
    expect(violations).toEqual([]);
    const ran = new Set(c.emitted("workflow.started").map((e) => e.node));
    expect(ran.size).toBe(3); // never twice on a worker that already failed it
    expect(c.emitted("workflow.terminal").map((e) => e.detail["status"])).toEqual(["failed"]);
    expect(statuses(c)).toEqual(["failed"]);
  });

  it("MW-7.1.1–7.1.3: a workflow passes PENDING → DISPATCHED → RUNNING → COMPLETED with one fence token, and its cores are freed", () => {
    const c = cluster({ client: { jobCount: 1, workflowsPerJob: 1, coresPerWorkflow: 3 } });
    c.start();
    c.run(60_000);
    const order = c.events
      .filter((e) =>
        [
          "workflow.dispatched",
          "fence.accepted",
          "cores.allocated",
          "workflow.running",
          "workflow.finished",
          "cores.freed",
          "workflow.terminal",
        ].includes(e.kind),
      )
      .map((e) => e.kind);
    expect(order).toEqual([
      "workflow.dispatched",
      "fence.accepted",
      "cores.allocated",
      "workflow.running",
      "cores.freed",
      "workflow.finished",
      "workflow.terminal",
    ]);
    const tokens = new Set(
      c.events
        .filter((e) => e.detail["token"] !== undefined && e.kind.startsWith("workflow."))
        .map((e) => e.detail["token"]),
    );
    expect(tokens.size).toBe(1);
    for (const w of c.ids("worker", "dc1")) expect(c.node<WorkerNode>(w).coresInUse).toBe(0);
  });

  it("MW-7.1.5: a job past its timeout is finalised TIMEOUT at the gate and its running workflow is cancelled on the worker", () => {
    const c = cluster({
      client: { jobCount: 1, workflowsPerJob: 1, workflowDurationMs: 600_000, jobTimeoutMs: 30_000 },
    });
    const { checkers, violations } = c.withCheckers();
    c.start();
    c.run(200_000);
    checkers.finish(c.kernel.now, true);
    expect(violations).toEqual([]);
    expect(statuses(c)).toEqual(["timeout"]);
    expect(c.emitted("workflow.finished").map((e) => e.detail["status"])).toEqual(["cancelled"]);
    expect(c.emitted("job.dcTerminal").map((e) => e.detail["status"])).toEqual(["timeout"]);
  });

  it("only the DC leader accepts submissions; a follower answers not-dc-leader and the gate is redirected", () => {
    const c = cluster({ client: { jobCount: 3, submitIntervalMs: 5_000 } });
    c.start();
    c.run(120_000);
    const leaders = new Set(c.emitted("leader.elected", (e) => e.detail["group"] === "dc1").map((e) => e.node));
    const acceptors = new Set(c.emitted("job.leaderAccepted").map((e) => e.node));
    expect([...acceptors].every((m) => leaders.has(m))).toBe(true);
    expect(statuses(c)).toEqual(["completed", "completed", "completed"]);
  });
});

describe("retention (§5.28)", () => {
  it("terminal jobs are deleted by the gate and the job leader after their retention, and the cleanup check holds", () => {
    const c = cluster({
      client: { jobCount: 2 },
      gate: { jobRetentionMs: 20_000, jobCleanupIntervalMs: 5_000 },
      manager: { completedJobMaxAgeMs: 20_000, jobCleanupIntervalMs: 5_000 },
    });
    const { checkers, violations } = c.withCheckers(
      gateConfig({ jobRetentionMs: 20_000, jobCleanupIntervalMs: 5_000 }),
      managerConfig({ completedJobMaxAgeMs: 20_000, jobCleanupIntervalMs: 5_000 }),
    );
    c.start();
    c.run(150_000);
    checkers.finish(c.kernel.now, true);
    expect(violations).toEqual([]);
    expect(c.emitted("job.deleted", (e) => e.detail["role"] === "gate" && e.node === "gate-1").length).toBe(2);
    expect(c.node<GateNode>("gate-1").jobCount).toBe(0);
    for (const m of c.ids("manager", "dc1")) expect(c.node<ManagerNode>(m).jobCount).toBe(0);
  });
});

describe("determinism", () => {
  it("the same seed replays the same event sequence; another seed differs", () => {
    const run = (seed: number): string => {
      const c = cluster({ shape: { dcs: 2, gates: 2 }, client: { jobCount: 3, datacenterCount: 2 }, seed });
      c.start();
      c.at(30_000, () => c.crash("dc1-wrk-01"));
      c.run(120_000);
      return c.events.map((e) => `${e.atUs}|${e.node}|${e.kind}|${JSON.stringify(e.detail)}`).join("\n");
    };
    const a = run(5);
    expect(run(5)).toBe(a);
    expect(run(6)).not.toBe(a);
  });
});
