// cluster/smoke: the README's example — one job through a small cluster with no faults.
// A client submits to the gate, the gate picks dc1 and dispatches to its DC leader, the
// leader places the workflows on workers with fence tokens, the workers run them and
// report, and the client hears one COMPLETED result.

import { workerConfig } from "../../nodes/config.js";
import { gateFactory, type GateNode } from "../../nodes/gate/index.js";
import type { ScenarioContext } from "../context.js";
import { defineScenario } from "../types.js";
import { CLUSTER_SIZE_FORMULA, clusterSize, clusterSpecs } from "./option-specs.js";
import { phaseSpecs } from "../phase-specs.js";
import { ClusterWorld } from "./cluster-world.js";
import { expectOne, lifecycleProblems } from "./expect.js";
import { afterReceive } from "./observe.js";

const WORKER = workerConfig();

/**
 * GM-2.1.1: what each gate's view held right after it answered a manager's first
 * registration, and whether a heartbeat from that manager had arrived before it.
 */
interface RegistrationView {
  problem: string | null;
  heartbeatFirst: boolean;
}

function watchRegistrations(ctx: ScenarioContext, seen: Map<string, RegistrationView>, gate: object) {
  const heartbeats = new Set<string>();
  return afterReceive<GateNode>(gateFactory(gate), (g, from, msg) => {
    const key = `${g.env.id}|${from}`;
    if (msg.type === "manager-heartbeat") heartbeats.add(key);
    if (msg.type !== "manager-registration" || seen.has(key)) return;
    const status = g.dcView.dcManagers.get(msg.body.datacenter)?.get(from);
    const now = ctx.kernel.now;
    const problem =
      status === undefined
        ? `${g.env.id} answered ${from}'s registration without it in dcManagers[${msg.body.datacenter}]`
        : status.receivedAtUs !== now || status.lastHeartbeat.version !== msg.body.version
          ? `${g.env.id} did not record ${from}'s registration heartbeat`
          : !status.healthy || !g.dcView.isFresh(status, now)
            ? `${g.env.id} does not count ${from} as a healthy manager`
            : null;
    seen.set(key, { problem, heartbeatFirst: heartbeats.has(key) });
  });
}

export const smoke = defineScenario({
  id: "cluster/smoke",
  title: "One job through a small cluster, no faults",
  description:
    "1 gate, dc1 with 3 managers and 3 workers, 1 client submitting one 2-workflow job. " +
    "GM-1.1.1: the gate dispatches to the DC leader and gets its ACK. GM-2.1.1/2.3.1: every manager is registered " +
    "at the gate and its heartbeat is current. MW-1.1.1: every manager registered every worker. MW-3.1.1/MW-7.1.1–7.1.3: " +
    "each workflow goes PENDING → DISPATCHED → RUNNING → COMPLETED under one fence token. MW-2.1.1/2.1.3/2.1.4: cores are " +
    "allocated and all freed at the end. With a 10 s retention, every gate and manager deletes the job afterwards.",
  covers: ["GM-1.1.1", "GM-2.1.1", "GM-2.3.1", "MW-1.1.1", "MW-3.1.1", "MW-7.1.1", "MW-7.1.2", "MW-7.1.3"],
  options: {
    gates: 1,
    managersPerDc: 3,
    workersPerDc: 3,
    workflowsPerJob: 2,
    workflowDurationMs: 5_000,
    retentionMs: 10_000,
    faultPhaseMs: 20_000,
    livenessBudgetMs: 120_000,
  },
  schema: {
    gates: clusterSpecs.gates,
    managersPerDc: clusterSpecs.managersPerDc,
    workersPerDc: clusterSpecs.workersPerDc,
    workflowsPerJob: clusterSpecs.workflowsPerJob,
    workflowDurationMs: clusterSpecs.workflowDurationMs,
    retentionMs: clusterSpecs.retentionMs,
    ...phaseSpecs,
  },
  size: { formula: CLUSTER_SIZE_FORMULA, estimate: clusterSize },
  shrinkable: { managersPerDc: 1, workersPerDc: 1, workflowsPerJob: 1 },
  setup(ctx) {
    const o = ctx.options;
    const gate = { jobRetentionMs: o.retentionMs, jobCleanupIntervalMs: 5_000 };
    const registrations = new Map<string, RegistrationView>();
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: o.gates,
      dcs: 1,
      managersPerDc: o.managersPerDc,
      workersPerDc: o.workersPerDc,
      client: { jobCount: 1, workflowsPerJob: o.workflowsPerJob, workflowDurationMs: o.workflowDurationMs },
      // Short retention so the run also sees every node delete the finished job.
      gate,
      manager: { completedJobMaxAgeMs: o.retentionMs, jobCleanupIntervalMs: 5_000 },
      factories: { gate: watchRegistrations(ctx, registrations, gate) },
    });
    c.run(o.faultPhaseMs, o.livenessBudgetMs, { awaitCleanup: true });

    ctx.check("the client heard exactly one result: completed", () => expectOne(c.clientStatuses(), "completed"));
    ctx.check("GM-1.1.1: the gate dispatched to dc1's elected leader and got its ACK", () => {
      const d = c.events("job.dispatched");
      const leaders = new Set(c.events("leader.elected", (e) => e.detail?.["group"] === "dc1").map((e) => e.node));
      if (d.length !== 1) return `${d.length} dispatch ACKs`;
      return leaders.has(String(d[0]!.detail?.["manager"]))
        ? null
        : `ACK from ${String(d[0]!.detail?.["manager"])}, not a DC leader`;
    });
    ctx.check(
      "GM-2.1.1: at its registration response, before any heartbeat, each manager is in the gate's view",
      () => {
        for (const g of c.ids("gate")) {
          for (const m of c.ids("manager", "dc1")) {
            const seen = registrations.get(`${g}|${m}`);
            if (seen === undefined) return `${g} never answered a registration from ${m}`;
            if (seen.heartbeatFirst) return `${g} heard a heartbeat from ${m} before its registration`;
            if (seen.problem !== null) return seen.problem;
          }
        }
        return null;
      },
    );
    ctx.check("GM-2.3.1: every manager is registered at the gate with a current heartbeat", () => {
      for (const g of c.ids("gate")) {
        const view = c.gate(g)?.dcView.dcManagers.get("dc1");
        for (const m of c.ids("manager", "dc1")) {
          const status = view?.get(m);
          if (status === undefined) return `${g} does not know ${m}`;
          if (!c.gate(g)!.dcView.isFresh(status, ctx.kernel.now)) return `${g} has a stale heartbeat from ${m}`;
        }
      }
      return null;
    });
    ctx.check("MW-1.1.1: every manager registered every worker", () => {
      for (const m of c.ids("manager", "dc1")) {
        const got = new Set(
          c.events("worker.registered", (e) => e.node === m).map((e) => String(e.detail?.["worker"])),
        );
        const missing = c.ids("worker", "dc1").filter((w) => !got.has(w));
        if (missing.length > 0) return `${m} never registered ${missing.join(", ")}`;
      }
      return null;
    });
    ctx.check("after retention no gate or manager holds the job, replicas included", () => {
      const holders = [
        ...c.ids("gate").filter((g) => (c.gate(g)?.jobCount ?? 0) > 0),
        ...c.ids("manager").filter((m) => (c.manager(m)?.jobCount ?? 0) > 0),
      ];
      return holders.length === 0 ? null : `still held by ${holders.join(", ")}`;
    });
    ctx.check(
      "MW-3.1.1/MW-7.1.1–7.1.3: each workflow went dispatched → running (after the worker's start) → completed " +
        "(after the worker's result, about the declared duration later) under one token",
      () => lifecycleProblems(c, { declaredMs: o.workflowDurationMs, jitterRatio: WORKER.workflowDurationJitterRatio }),
    );
    ctx.check("cores were allocated per workflow and all freed at the end", () => {
      if (c.events("cores.allocated").length !== o.workflowsPerJob)
        return `${c.events("cores.allocated").length} allocations`;
      const busy = c.ids("worker", "dc1").filter((w) => (c.worker(w)?.coresInUse ?? 0) !== 0);
      return busy.length === 0 ? null : `cores still in use on ${busy.join(", ")}`;
    });
  },
});
