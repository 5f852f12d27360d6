// cluster/lease-late-grant: a gate paused in the middle of a lease round hears its peers'
// grants only after the round's timeout (PROTOCOL §3.18). By then the peers may have
// forgotten what they granted and handed the job to another gate, so the old grants must
// not make a majority (gate/leases.ts onGrant, lateGrant): the round fails, and the job
// another gate accepted and finished is not accepted a second time (chaos seeds 1732, 1826).
//
// Every gate's lease grants are held on the link until the client's first gate is
// paused, then released, so they reach it while it is paused, before its round's timer.
// The gates forget an unused lease holder after a short retention, so while the first gate
// is paused the client's retry is accepted by another gate, which runs the job to its end.

import type { Observation } from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { ClusterWorld } from "./cluster-world.js";
import { expectOne } from "./expect.js";
import { phaseSpecs } from "../phase-specs.js";

const PAUSE_MS = 60_000;

export const leaseLateGrant = defineScenario({
  id: "cluster/lease-late-grant",
  title: "A lease grant that reaches a gate after its round's timeout does not count",
  description:
    "3 gates, forgetting an unused lease holder after 10 s; dc1 with one manager and one worker; one job of one 1 s " +
    "workflow. Every gate's lease grants are held on the link. 300 ms after the client submits, the gate asking for " +
    "the job's lease (G1) is paused for 60 s, and the held grants are released into its paused queue. The client " +
    "retries elsewhere; once the peers have forgotten G1 as the holder, another gate accepts the job and ends it, " +
    "completed. When G1 resumes, the grants arrive before its round's timer: G1 counts none of them, accepts nothing, " +
    "and the job ends exactly once.",
  covers: [],
  options: { faultPhaseMs: 120_000, livenessBudgetMs: 120_000 },
  schema: phaseSpecs,
  setup(ctx) {
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 3,
      dcs: 1,
      managersPerDc: 1,
      workersPerDc: 1,
      gate: { jobRetentionMs: 10_000, jobCleanupIntervalMs: 2_000 },
      client: { jobCount: 1, workflowsPerJob: 1, workflowDurationMs: 1_000 },
    });
    const gates = c.ids("gate");
    c.world.plan([{ atMs: 0, action: "clog", name: "grants", from: gates, to: gates, types: ["job-lease-grant"] }]);
    let paused = "";
    let pausedAtUs = -1;
    c.once("client.submitted", (o) => {
      const job = String(o.detail?.["job"]);
      ctx.kernel.after(300_000, () => {
        paused = gates.find((g) => c.gate(g)?.leases.openRounds().includes(job) === true) ?? "";
        pausedAtUs = ctx.kernel.now;
        c.world.inject({ action: "pause", node: paused, durationMs: PAUSE_MS });
        c.world.inject({ action: "unclog", name: "grants" });
      });
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);

    const resumedUs = (): number => pausedAtUs + PAUSE_MS * 1000;
    const byPaused = (o: Observation): boolean => o.node === paused;
    ctx.check("the paused gate had a lease round open, and another gate ended the job while it was paused", () => {
      if (paused === "") return "no gate had a lease round open 300 ms after the submission";
      const end = c.events("job.terminal");
      if (end.length === 0) return "the job never ended";
      return end[0]!.node !== paused && end[0]!.atUs < resumedUs()
        ? null
        : `ended by ${end[0]!.node} at ${end[0]!.atUs / 1000} ms, G1 resumed at ${resumedUs() / 1000} ms`;
    });
    ctx.check("back from the pause, the gate counted none of the late grants and accepted nothing", () => {
      const accepted = c.events("job.accepted", byPaused);
      return accepted.length === 0 ? null : `${paused} accepted the job at ${accepted[0]!.atUs / 1000} ms`;
    });
    ctx.check("the job was accepted once and ended once, completed", () => {
      const accepted = c.events("job.accepted");
      const end = c.events("job.terminal");
      return accepted.length === 1 && end.length === 1 && end[0]!.detail?.["status"] === "completed"
        ? null
        : `accepted ${accepted.length} times, ended [${end.map((e) => `${e.node}:${String(e.detail?.["status"])}`).join(", ")}]`;
    });
    ctx.check("the client heard exactly one result, completed", () => expectOne(c.clientStatuses(), "completed"));
  },
});
