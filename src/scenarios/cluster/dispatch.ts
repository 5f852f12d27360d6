// Gate ↔ manager scenarios (catalog GM-1.1, GM-1.3, GM-2.3): multi-DC dispatch, a DC
// leader dying before its ACK, a DC whose managers never answer (per-attempt timeout and
// fail-over to the next DC), heartbeat timeout, and a job-leader takeover after the ACK.

import type { Observation } from "../../sim/index.js";
import { gateConfig, managerConfig } from "../../nodes/config.js";
import { defineScenario } from "../types.js";
import { clusterSpecs } from "./option-specs.js";
import { duration } from "../option-spec.js";
import { phaseSpecs } from "../phase-specs.js";
import { ClusterWorld } from "./cluster-world.js";
import { expectAll, expectOne } from "./expect.js";

const GATE = gateConfig();

function detail(o: Observation, key: string): string {
  return String(o.detail?.[key]);
}

/**
 * GM-1.3.1/1.3.3: an attempt that got no answer is retried after the dispatch timeout T
 * plus a full-jitter backoff of at most dispatchRetryMaxMs: never sooner, never later.
 */
function gapProblem(a: Observation, b: Observation): string | null {
  const gapMs = (b.atUs - a.atUs) / 1000;
  const minMs = GATE.managerDispatchTimeoutMs;
  const maxMs = minMs + GATE.dispatchRetryMaxMs;
  return gapMs >= minMs && gapMs <= maxMs
    ? null
    : `attempts to ${detail(a, "manager")} and ${detail(b, "manager")} ${gapMs} ms apart, not within [${minMs}, ${maxMs}]`;
}

export const multiDcDispatch = defineScenario({
  id: "cluster/multi-dc-dispatch",
  title: "A job for two DCs is dispatched to each and tracked per DC",
  description:
    "1 gate, dc1 and dc2 (3 managers, 3 workers each), one job with datacenterCount 2. GM-1.1.2: the gate dispatches to " +
    "both DCs, records each DC's accepting manager (jobDcManagers), and finalises once both have reported.",
  covers: ["GM-1.1.2"],
  options: { jobs: 2, faultPhaseMs: 20_000, livenessBudgetMs: 120_000 },
  schema: { jobs: clusterSpecs.jobs, ...phaseSpecs },
  setup(ctx) {
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 1,
      dcs: 2,
      managersPerDc: 3,
      workersPerDc: 3,
      client: { jobCount: ctx.options.jobs, datacenterCount: 2 },
    });
    let tracked: string[] = [];
    c.once("job.terminal", (o) => {
      const job = c.gate("gate-1")?.jobTable.jobs.get(detail(o, "job"));
      tracked = [...(job?.dcs.values() ?? [])].map((d) => `${d.dc}=${d.manager ?? "?"}`);
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    ctx.check("GM-1.1.2: every job was dispatched to both DCs", () => {
      for (const j of c.events("job.accepted")) {
        const dcs = c
          .events("job.dispatched", (e) => detail(e, "job") === detail(j, "job"))
          .map((e) => detail(e, "dc"))
          .sort();
        if (dcs.join(",") !== "dc1,dc2") return `${detail(j, "job")} dispatched to [${dcs.join(", ")}]`;
      }
      return null;
    });
    ctx.check("GM-1.1.2: the gate tracked one accepting manager per DC", () => {
      const leaders = new Set(c.events("job.leaderAccepted").map((e) => `${detail(e, "dc")}=${e.node}`));
      return tracked.length === 2 && tracked.every((t) => leaders.has(t)) ? null : `tracked [${tracked.join(", ")}]`;
    });
    ctx.check("GM-1.1.2: both DCs reported and every job completed", () => {
      if (c.events("job.dcTerminal").length !== 2 * ctx.options.jobs)
        return `${c.events("job.dcTerminal").length} DC results`;
      return expectAll(c.clientStatuses(), "completed", ctx.options.jobs);
    });
  },
});

export const managerDiesBeforeAck = defineScenario({
  id: "cluster/manager-dies-before-ack",
  title: "The DC leader dies while the gate's dispatch is in flight",
  description:
    "1 gate, dc1 with 3 managers and 3 workers. The moment the gate accepts the client's job, dc1's leader crashes (it " +
    "restarts only at the heal). GM-1.3.1: the dispatch to it times out, the gate retries and another manager — the new " +
    "DC leader — accepts; the job completes exactly once.",
  covers: ["GM-1.3.1"],
  options: { faultPhaseMs: 120_000, livenessBudgetMs: 120_000 },
  schema: { ...phaseSpecs },
  setup(ctx) {
    const c = new ClusterWorld(ctx, {
      gates: 1,
      dcs: 1,
      managersPerDc: 3,
      workersPerDc: 3,
      client: { jobCount: 1 },
      keepEvents: true,
    });
    let victim = "";
    c.once("job.accepted", () => {
      victim = c.dcLeader("dc1") ?? "";
      c.world.crash(victim);
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    ctx.check(
      "GM-1.3.1: the first attempt went to the dying leader; the retry came T to T + the backoff cap later",
      () => {
        const attempts = c.events("job.dispatchAttempt");
        if (attempts[0] === undefined || detail(attempts[0], "manager") !== victim)
          return `first attempt to ${attempts[0] === undefined ? "nobody" : detail(attempts[0], "manager")}, leader was ${victim}`;
        const next = attempts[1];
        return next === undefined ? "no retry after the dispatch timeout" : gapProblem(attempts[0], next);
      },
    );
    ctx.check("GM-1.3.1: another manager accepted the job", () => {
      const d = c.events("job.dispatched");
      return d.length === 1 && detail(d[0]!, "manager") !== victim
        ? null
        : `accepted by [${d.map((e) => detail(e, "manager")).join(", ")}]`;
    });
    ctx.check("the job completed exactly once", () => expectOne(c.clientStatuses(), "completed"));
  },
});

export const dcFailover = defineScenario({
  id: "cluster/dc-failover",
  title: "Every manager of the chosen DC is unreachable: per-attempt timeouts, then the next DC in routing order",
  description:
    "1 gate, dc1, dc2 and dc3 (3 managers, 3 workers each). At 5 s a dc2 manager crashes for good, so by the time the " +
    "client submits (45 s) the gate has had no heartbeat from it for heartbeatTimeoutMs and ranks dc2 BUSY: the routing " +
    "order is dc1, dc3, dc2, not the names' order. Just before the submission dc1's managers are cut off from the gate. " +
    "GM-1.3.3: each attempt gets no answer and the next follows it after managerDispatchTimeoutMs plus a backoff of at " +
    "most dispatchRetryMaxMs; each manager gets maxRetriesPerDc + 1 attempts. GM-1.3.2: once all of dc1's managers have " +
    "failed, the gate fails over to dc3, the next DC in its routing order, never tries dc2, and the job completes in dc3.",
  covers: ["GM-1.3.2", "GM-1.3.3"],
  options: { submitAtMs: 45_000, faultPhaseMs: 200_000, livenessBudgetMs: 120_000 },
  schema: {
    submitAtMs: duration("10s", "24h", "when the client submits (dc1 is cut off a second before)"),
    ...phaseSpecs,
  },
  setup(ctx) {
    const o = ctx.options;
    const c = new ClusterWorld(ctx, {
      gates: 1,
      dcs: 3,
      managersPerDc: 3,
      workersPerDc: 3,
      client: { jobCount: 1, firstSubmitDelayMs: o.submitAtMs },
      keepEvents: true,
    });
    const dc1 = c.ids("manager", "dc1");
    c.world.plan([
      { atMs: 5_000, action: "crash", node: "dc2-mgr-3" },
      { atMs: o.submitAtMs - 1_000, action: "partition", a: dc1, b: c.ids("gate"), oneWay: false, name: "dc1-cut" },
    ]);
    // The gate's routing order for the job, read once its first attempt is under way.
    let order: string[] = [];
    c.once("job.dispatchAttempt", (e) => {
      const job = c.gate(e.node)?.jobTable.jobs.get(detail(e, "job"));
      order = job === undefined ? [] : [...job.dcs.keys(), ...job.fallback];
    });
    c.run(o.faultPhaseMs, o.livenessBudgetMs);
    ctx.check("GM-1.3.3: consecutive attempts are T to T + the backoff cap apart; 3 per dc1 manager", () => {
      const a = c.events("job.dispatchAttempt");
      for (let i = 1; i < a.length; i++) {
        const problem = gapProblem(a[i - 1]!, a[i]!);
        if (problem !== null) return `attempts ${i - 1} and ${i}: ${problem}`;
      }
      const toDc1 = a.filter((e) => detail(e, "dc") === "dc1").map((e) => detail(e, "manager"));
      const perManager = dc1.map((m) => toDc1.filter((x) => x === m).length);
      return perManager.every((n) => n === GATE.maxRetriesPerDc + 1)
        ? null
        : `attempts per dc1 manager: ${perManager.join(", ")}`;
    });
    ctx.check("GM-1.3.2: the gate's routing order put the busy dc2 last", () =>
      order.join(",") === "dc1,dc3,dc2" ? null : `routing order [${order.join(", ")}]`,
    );
    ctx.check(
      "GM-1.3.2: dc1 failed as a whole and the job moved to dc3, the next in routing order, never to dc2",
      () => {
        const failed = c.events("job.dcFailed").map((e) => detail(e, "dc"));
        const accepted = c.events("job.dispatched").map((e) => detail(e, "dc"));
        const dc2 = c.events("job.dispatchAttempt", (e) => detail(e, "dc") === "dc2").length;
        return failed.join(",") === "dc1" && accepted.join(",") === "dc3" && dc2 === 0
          ? null
          : `failed [${failed.join(", ")}], accepted [${accepted.join(", ")}], ${dc2} attempts to dc2`;
      },
    );
    ctx.check(
      "the job completed in dc3",
      () =>
        expectOne(c.clientStatuses(), "completed") ??
        (c.events("job.dcTerminal", (e) => detail(e, "dc") === "dc3").length === 1 ? null : "dc3 never finished it"),
    );
  },
});

export const heartbeatTimeout = defineScenario({
  id: "cluster/heartbeat-timeout",
  title: "A manager that stops heartbeating is marked unhealthy by the gate",
  description:
    "1 gate, dc1 with 3 managers. At 20 s a follower manager crashes. GM-2.3.1: until then the gate's view of every " +
    "manager is refreshed by heartbeats. GM-2.3.4: with no heartbeat for heartbeatTimeoutMs the gate marks it " +
    "unhealthy (within one sweep), and dc1's health drops to BUSY (1 of 3 managers unhealthy ≥ 0.3).",
  covers: ["GM-2.3.1", "GM-2.3.4"],
  options: { faultPhaseMs: 90_000, livenessBudgetMs: 10_000 },
  schema: { ...phaseSpecs },
  setup(ctx) {
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 1,
      dcs: 1,
      managersPerDc: 3,
      workersPerDc: 3,
      clients: 0,
      client: { jobCount: 0 },
    });
    let victim = "";
    let lastBeforeCrashUs = 0;
    ctx.kernel.at(20_000_000, () => {
      victim = c.ids("manager", "dc1").find((m) => m !== c.dcLeader("dc1")) ?? "";
      lastBeforeCrashUs = c.gate("gate-1")?.dcView.dcManagers.get("dc1")?.get(victim)?.receivedAtUs ?? 0;
      c.world.crash(victim);
    });
    let healthAtEnd = "";
    ctx.kernel.at(ctx.options.faultPhaseMs * 1000 - 1, () => {
      healthAtEnd = c.gate("gate-1")?.dcView.health("dc1", ctx.kernel.now) ?? "";
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    ctx.check(
      "GM-2.3.1: the gate had a heartbeat from the manager within the last status interval before the crash",
      () =>
        20_000_000 - lastBeforeCrashUs <= managerConfig().gateStatusIntervalMs * 1000
          ? null
          : `last heartbeat ${(20_000_000 - lastBeforeCrashUs) / 1000} ms before the crash`,
    );
    ctx.check(
      "GM-2.3.4: the gate marked it unhealthy between heartbeatTimeoutMs and one sweep after its last heartbeat",
      () => {
        const change = c.events(
          "manager.healthChanged",
          (e) => detail(e, "manager") === victim && e.detail?.["healthy"] === false,
        )[0];
        if (change === undefined) return "never marked unhealthy";
        const silentMs = (change.atUs - lastBeforeCrashUs) / 1000;
        return silentMs >= GATE.heartbeatTimeoutMs &&
          silentMs <= GATE.heartbeatTimeoutMs + GATE.managerHealthCheckIntervalMs
          ? null
          : `marked after ${silentMs} ms of silence`;
      },
    );
    ctx.check("GM-2.3.4: dc1's health dropped to busy", () =>
      healthAtEnd === "busy" ? null : `dc1 is ${healthAtEnd}`,
    );
  },
});

export const jobLeaderTakeover = defineScenario({
  id: "cluster/job-leader-takeover",
  title: "The job leader dies after its ACK: a new DC leader takes the job over",
  description:
    "1 gate, dc1 with 3 managers and 3 workers; one 60 s workflow. Once it runs, dc1's leader (its job leader) crashes. " +
    "The others detect it, elect a new leader in a higher term, which takes the job over from its replica with a higher " +
    "fence token, moves the worker and the gate to itself, and the running workflow finishes without a rerun.",
  covers: [],
  options: { faultPhaseMs: 200_000, livenessBudgetMs: 120_000 },
  schema: { ...phaseSpecs },
  setup(ctx) {
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 1,
      dcs: 1,
      managersPerDc: 3,
      workersPerDc: 3,
      client: { jobCount: 1, workflowsPerJob: 1, workflowDurationMs: 60_000 },
    });
    let victim = "";
    c.once("workflow.running", (o) => {
      victim = o.node;
      c.world.crash(o.node);
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    ctx.check("a new DC leader was elected in a higher term and took the job over from the dead one", () => {
      const t = c.events("job.takeover");
      if (t.length !== 1 || detail(t[0]!, "from") !== victim) return `${t.length} takeovers`;
      const elected = c.events("leader.elected", (e) => e.node === t[0]!.node && detail(e, "group") === "dc1");
      return elected.length > 0 ? null : `${t[0]!.node} took over without being DC leader`;
    });
    ctx.check("the worker accepted the transfer and the workflow was not rerun", () =>
      c.events("transfer.accepted").length === 1 && c.events("workflow.started").length === 1
        ? null
        : `${c.events("transfer.accepted").length} transfers, ${c.events("workflow.started").length} runs`,
    );
    ctx.check("the job completed exactly once", () => expectOne(c.clientStatuses(), "completed"));
  },
});
