// Job-leader takeovers whose replica is behind the workers (PROTOCOL §5.12, AD-4: the
// workers are the truth). The DC's replicas hold what a majority committed; a dispatch the
// old leader sent but never got committed is known only to the worker that runs it.
//
// cluster/takeover-unsynced-dispatch: the old leader's last dispatch never reaches a
// replica, so the new leader's copy still has that workflow PENDING while its worker has
// finished it. The worker sends the result (under a token the new leader has not seen)
// before its transfer ACK; the new leader must leave it unacked until the ACK has taught it
// the token (manager/jobs.ts onFinalResult, awaitingReconcile), then take it: no rerun.
//
// cluster/takeover-stale-attempt: a worker still runs an attempt the old leader gave up on
// (its ACK was lost) and reports it to the new leader, whose replica knows the newer attempt
// elsewhere. The report is older than the replica (takeover.ts onWorkerAck, staleState):
// ignored, so the newer attempt stays the truth.

import type { Observation } from "../../sim/index.js";
import { workerFactory } from "../../nodes/worker.js";
import { defineScenario } from "../types.js";
import { ClusterWorld } from "./cluster-world.js";
import { expectOne } from "./expect.js";
import { phaseSpecs } from "../phase-specs.js";

function detail(o: Observation, key: string): string {
  return String(o.detail?.[key]);
}

export const takeoverUnsyncedDispatch = defineScenario({
  id: "cluster/takeover-unsynced-dispatch",
  title: "A takeover whose replica missed the last dispatch waits for the worker's report before taking its result",
  description:
    "1 gate; dc1 with 3 managers and one 2-core worker; one job of three 1-core workflows. The worker runs two; the " +
    "third is dispatched when the first of them ends, and from then on the job leader's replica syncs are lost, so no replica " +
    "learns of that dispatch. 100 ms later the job leader crashes. The new DC leader takes the job over with the " +
    "third workflow PENDING in its copy; the worker, which has finished it, sends the result at once and its transfer " +
    "ACK 500 ms later. " +
    "The new leader leaves that result unacked until the ACK has taught it the token, then takes it: the workflow " +
    "ran once, ends completed under the old leader's token, and the job completes.",
  covers: [],
  options: { faultPhaseMs: 60_000, livenessBudgetMs: 120_000 },
  schema: phaseSpecs,
  setup(ctx) {
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 1,
      dcs: 1,
      managersPerDc: 3,
      workersPerDc: 1,
      worker: { totalCores: 2 },
      client: { jobCount: 1, workflowsPerJob: 3, coresPerWorkflow: 1, workflowDurationMs: 2_000 },
    });
    let late: Observation | null = null;
    c.once(
      "workflow.dispatched",
      (o) => {
        late = o;
        const peers = c.ids("manager", "dc1").filter((m) => m !== o.node);
        c.world.inject({
          action: "partition",
          name: "lost-syncs",
          a: [o.node],
          b: peers,
          oneWay: true,
          types: ["job-state-sync"],
        });
        // The worker's transfer ACK will lag its results (it sends them first): held until released below.
        c.world.inject({
          action: "clog",
          name: "slow-transfer-ack",
          from: c.ids("worker"),
          to: peers,
          types: ["job-leader-worker-transfer-ack"],
        });
        ctx.kernel.after(100_000, () => c.world.crash(o.node));
      },
      // The dispatch that follows the first run's end (an earlier try may have been refused for cores).
      () => c.events("workflow.finished").length > 0,
    );
    c.once("transfer.accepted", () =>
      ctx.kernel.after(500_000, () => c.world.inject({ action: "unclog", name: "slow-transfer-ack" })),
    );
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);

    const workflow = (): string => (late === null ? "" : detail(late, "workflow"));
    const token = (): string => (late === null ? "" : detail(late, "token"));
    const takeover = (): Observation | undefined => c.events("job.takeover")[0];
    ctx.check(
      "the new leader's copy had the third workflow pending; the worker reported it under the old token",
      () => {
        const t = takeover();
        if (late === null || t === undefined)
          return late === null ? "no dispatch after the first run ended" : "no takeover";
        const r = c.events("workflow.reconciled", (e) => e.node === t.node && detail(e, "workflow") === workflow());
        return r.length === 1 && detail(r[0]!, "was") === "pending" && detail(r[0]!, "token") === token()
          ? null
          : `reconciled as [${r.map((e) => `${detail(e, "was")}@${detail(e, "token")}`).join(", ")}], dispatched at ${token()}`;
      },
    );
    ctx.check(
      "the result was taken once the token was learned: one run, completed under the old leader's token",
      () => {
        const t = takeover();
        const runs = c.events("workflow.started", (e) => detail(e, "workflow") === workflow());
        const end = c.events("workflow.terminal", (e) => e.node === t?.node && detail(e, "workflow") === workflow());
        if (runs.length !== 1) return `${runs.length} runs of ${workflow()}`;
        return end.length === 1 && detail(end[0]!, "status") === "completed" && detail(end[0]!, "token") === token()
          ? null
          : `ended [${end.map((e) => `${detail(e, "status")}@${detail(e, "token")}`).join(", ")}]`;
      },
    );
    ctx.check("the client heard exactly one result, completed", () => expectOne(c.clientStatuses(), "completed"));
  },
});

export const takeoverStaleAttempt = defineScenario({
  id: "cluster/takeover-stale-attempt",
  title: "A worker still running an attempt the old leader gave up on reports it to the takeover, which ignores it",
  description:
    "1 gate; dc1 with 3 managers, a 3-core worker W1 and a 2-core worker W2; one job of three 1-core 20 s workflows: " +
    "two go to W1, one to W2. The ACK of W1's first run is lost, so the job leader fails that attempt after " +
    "requestTimeoutStandardMs (blaming W1) and retries it on W2 under a higher token, while W1 keeps running the old " +
    "attempt. Once W2 runs the retry, the job leader crashes. The new leader sends transfers to W1 (it holds the other " +
    "workflow) and W2; W1 reports the old attempt too. The new leader keeps the replica's newer attempt on W2 and " +
    "ignores W1's report of the older one; the workflow completes once, under the newer token, and the job completes.",
  covers: [],
  options: { faultPhaseMs: 90_000, livenessBudgetMs: 120_000 },
  schema: phaseSpecs,
  setup(ctx) {
    const big = workerFactory({ totalCores: 3 });
    const small = workerFactory({ totalCores: 2 });
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 1,
      dcs: 1,
      managersPerDc: 3,
      workersPerDc: 2,
      client: { jobCount: 1, workflowsPerJob: 3, coresPerWorkflow: 1, workflowDurationMs: 20_000 },
      factories: { worker: (env) => (env.id === "dc1-wrk-1" ? big(env) : small(env)) },
    });
    const [w1, w2] = c.ids("worker", "dc1") as [string, string];
    let old: Observation | null = null;
    // W1 acks a run right after starting it: the first run's ACK is dropped, the second's passes.
    c.once(
      "workflow.started",
      (o) => {
        old = o;
        const leader = c.events("job.leaderAccepted")[0]?.node ?? "";
        c.world.inject({
          action: "partition",
          name: "lost-ack",
          a: [w1],
          b: [leader],
          oneWay: true,
          types: ["workflow-dispatch-ack"],
        });
      },
      (o) => o.node === w1,
    );
    c.once(
      "workflow.started",
      () => c.world.inject({ action: "heal", name: "lost-ack" }),
      (o) => o.node === w1 && o !== old,
    );
    c.once(
      "workflow.running",
      (o) => ctx.kernel.after(100_000, () => c.world.crash(o.node)),
      (o) => detail(o, "worker") === w2 && old !== null && detail(o, "workflow") === detail(old, "workflow"),
    );
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);

    const workflow = (): string => (old === null ? "" : detail(old, "workflow"));
    const retry = (): Observation | undefined =>
      c.events("workflow.dispatched", (e) => detail(e, "workflow") === workflow() && detail(e, "worker") === w2)[0];
    const takeover = (): Observation | undefined => c.events("job.takeover")[0];
    ctx.check("the old attempt ran on in W1 after the job leader had retried it on W2 under a higher token", () => {
      const r = retry();
      if (old === null || r === undefined) return old === null ? "W1 never started a run" : "no retry on W2";
      const end = c.events("workflow.finished", (e) => e.node === w1 && detail(e, "workflow") === workflow())[0];
      if (Number(detail(r, "token")) <= Number(detail(old, "token"))) return "the retry's token is not higher";
      return end === undefined || end.atUs > r.atUs ? null : "W1's old attempt was over before the retry";
    });
    ctx.check("the new leader took W2's newer attempt as the truth and ignored W1's report of the older one", () => {
      const t = takeover();
      const r = c.events("workflow.reconciled", (e) => e.node === t?.node && detail(e, "workflow") === workflow());
      const want = `${w2}@${retry() === undefined ? "?" : detail(retry()!, "token")}`;
      const seen = r.map((e) => `${detail(e, "worker")}@${detail(e, "token")}`);
      return seen.length === 1 && seen[0] === want ? null : `reconciled [${seen.join(", ")}], expected [${want}]`;
    });
    ctx.check("the workflow completed once, under the newer token on W2", () => {
      const t = takeover();
      const end = c.events("workflow.terminal", (e) => e.node === t?.node && detail(e, "workflow") === workflow());
      const token = retry() === undefined ? "?" : detail(retry()!, "token");
      return end.length === 1 && detail(end[0]!, "status") === "completed" && detail(end[0]!, "token") === token
        ? null
        : `ended [${end.map((e) => `${detail(e, "status")}@${detail(e, "token")}`).join(", ")}], retry under ${token}`;
    });
    ctx.check("the client heard exactly one result, completed", () => expectOne(c.clientStatuses(), "completed"));
  },
});
