// Job-leader takeovers whose replica is behind the workers (PROTOCOL §5.12, AD-4: the
// workers are the truth). The DC's replicas hold what a majority committed; a dispatch the
// old leader sent but never got committed is known only to the worker that runs it.
//
// cluster/takeover-unsynced-dispatch: the old leader's last dispatch never reaches a
// replica, so the new leader's copy still has that workflow PENDING while its worker has
// finished it. The worker sends the result (under a token the new leader has not seen)
// before its transfer ACK; the new leader must leave it unacked until the ACK has taught it
// the token (manager/jobs.ts onFinalResult, awaitingReconcile), then take it: no rerun.

import type { Observation } from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { ClusterWorld } from "./cluster-world.js";
import { expectOne } from "./expect.js";

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
  setup(ctx) {
    const c = new ClusterWorld(ctx, {
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
