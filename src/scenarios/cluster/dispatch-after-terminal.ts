// cluster/dispatch-after-terminal: a two-DC job ends early (dc1 reports FAILED) while the
// gate's dispatch to dc2 is still in flight; dc2's answer arrives after the end. The gate
// must ignore it (gate/jobs.ts onJobAck): no DC accepted after the end, no job leader
// recorded for dc2, no further attempt, one result for the client (PROTOCOL §5.5, §5.16
// early finalisation).
//
// dc1's only worker fails every run, so dc1 fails the job within about two seconds. The
// gate's submission to dc2's manager is held on the link (a clog) until the job has
// ended, then released, so dc2 answers a dispatch the gate sent before the end.

import { workerFactory } from "../../nodes/worker.js";
import { defineScenario } from "../types.js";
import { ClusterWorld } from "./cluster-world.js";
import { expectOne } from "./expect.js";
import { phaseSpecs } from "../phase-specs.js";

export const dispatchAfterTerminal = defineScenario({
  id: "cluster/dispatch-after-terminal",
  title: "A DC's answer to a dispatch that arrives after the job ended early is ignored",
  description:
    "1 gate; dc1 and dc2 with one manager and one worker each; dc1's worker fails every run. One job for both DCs. " +
    "The gate's submission to dc2 is held on the link until the job is over. dc1 fails the job (no worker left), the " +
    "gate finalises it early as failed; then dc2's manager gets the held submission and accepts it. The gate records " +
    "no acceptance for dc2 after the end (no job.dispatched, no job leader for dc2), makes no further attempt, and " +
    "the client hears exactly one result, failed.",
  covers: [],
  options: { faultPhaseMs: 40_000, livenessBudgetMs: 120_000 },
  schema: phaseSpecs,
  setup(ctx) {
    const failing = workerFactory({ workflowFailurePerMillion: 1_000_000 });
    const healthy = workerFactory();
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 1,
      dcs: 2,
      managersPerDc: 1,
      workersPerDc: 1,
      client: { jobCount: 1, datacenterCount: 2, workflowsPerJob: 1, workflowDurationMs: 500 },
      factories: { worker: (env) => (env.dc === "dc1" ? failing(env) : healthy(env)) },
    });
    const gate = c.ids("gate")[0] ?? "";
    const dc2Manager = c.ids("manager", "dc2")[0] ?? "";
    c.world.plan([{ atMs: 14_000, action: "clog", name: "hold-dc2", from: [gate], to: [dc2Manager] }]);
    let dc2Managers: string[] = [];
    c.once("job.terminal", () => {
      c.world.inject({ action: "unclog", name: "hold-dc2" });
    });
    ctx.kernel.at(ctx.options.faultPhaseMs * 1000 - 1, () => {
      const job = [...(c.gate(gate)?.jobTable.jobs.values() ?? [])][0];
      dc2Managers = [`${job?.dcs.get("dc2")?.state ?? "?"}:${job?.dcs.get("dc2")?.manager ?? "none"}`];
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);

    const terminal = (): number => c.events("job.terminal")[0]?.atUs ?? Number.POSITIVE_INFINITY;
    ctx.check("dc1 failed the job and the gate ended it early, with dc2's only dispatch still in flight", () => {
      const end = c.events("job.terminal")[0];
      if (end === undefined || end.detail?.["status"] !== "failed") return `ended ${String(end?.detail?.["status"])}`;
      const attempts = c.events("job.dispatchAttempt", (e) => e.detail?.["dc"] === "dc2");
      const first = attempts[0];
      if (first === undefined || first.atUs > end.atUs) return "no dispatch to dc2 before the end";
      return end.atUs - first.atUs < 5_000_000 ? null : "dc2's dispatch timed out before the end";
    });
    ctx.check("dc2's manager accepted the job only after the gate had ended it", () => {
      const accepted = c.events("job.leaderAccepted", (e) => e.node === dc2Manager);
      return accepted.length === 1 && accepted[0]!.atUs > terminal()
        ? null
        : `accepted at [${accepted.map((e) => e.atUs / 1000).join(", ")}] ms, ended at ${terminal() / 1000} ms`;
    });
    ctx.check("the gate ignored dc2's late acceptance: no job.dispatched, no job leader, no further attempt", () => {
      const dispatched = c.events("job.dispatched", (e) => e.detail?.["dc"] === "dc2");
      if (dispatched.length > 0) return `dc2 recorded as accepted at ${dispatched[0]!.atUs / 1000} ms`;
      const later = c.events("job.dispatchAttempt", (e) => e.detail?.["dc"] === "dc2" && e.atUs > terminal());
      if (later.length > 0) return `${later.length} attempts to dc2 after the end`;
      return dc2Managers[0] === "dispatching:none" ? null : `the gate's dc2 state is ${dc2Managers[0]}`;
    });
    ctx.check("the client heard exactly one result, failed", () => expectOne(c.clientStatuses(), "failed"));
  },
});
