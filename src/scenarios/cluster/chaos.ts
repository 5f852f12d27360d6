// cluster/chaos: a steady job load under the seed's swarm faults (partitions, clogs,
// crashes with quick restarts, pauses, clock skew, loss and duplication — each kind on
// or off per seed) on gates, managers and workers, with every global invariant checked
// as it happens. After the heal every job must have its one answer within the budget.

import { defineScenario } from "../types.js";
import { ClusterWorld } from "./cluster-world.js";

export const chaos = defineScenario({
  id: "cluster/chaos",
  title: "Swarm faults under a steady job load, all global invariants on",
  description:
    "3 gates; dc1 and dc2 with 3 managers and 4 workers each; one client submits a 2-workflow job every 2 s. The seed " +
    "draws the fault kinds and their schedule for the fault phase (the client itself is never crashed). Safety: every " +
    "global checker. Liveness: after the heal, every submitted job is answered (or was refused at submission) within the budget.",
  covers: [],
  options: {
    gates: 3,
    dcs: 2,
    managersPerDc: 3,
    workersPerDc: 4,
    jobs: 20,
    submitIntervalMs: 2_000,
    workflowsPerJob: 2,
    workflowDurationMs: 3_000,
    datacenterCount: 1,
    jobTimeoutMs: 120_000,
    faultPhaseMs: 60_000,
    livenessBudgetMs: 600_000,
    swarm: true,
  },
  shrinkable: { jobs: 1, gates: 1, dcs: 1, managersPerDc: 1, workersPerDc: 1, workflowsPerJob: 1, faultPhaseMs: 5_000 },
  setup(ctx) {
    const o = ctx.options;
    const c = new ClusterWorld(ctx, {
      gates: o.gates,
      dcs: o.dcs,
      managersPerDc: o.managersPerDc,
      workersPerDc: o.workersPerDc,
      client: {
        jobCount: o.jobs,
        submitIntervalMs: o.submitIntervalMs,
        workflowsPerJob: o.workflowsPerJob,
        workflowDurationMs: o.workflowDurationMs,
        datacenterCount: o.datacenterCount,
        jobTimeoutMs: o.jobTimeoutMs,
      },
    });
    ctx.artifact("faultOptions", c.world.swarm(o.swarm, o.faultPhaseMs, "gate,manager,worker"));
    c.run(o.faultPhaseMs, o.livenessBudgetMs);
    ctx.check("every submitted job was answered once or refused at submission", () => {
      const submitted = c.count("client.submitted");
      const done = c.count("client.result") + c.count("client.rejected");
      return submitted === o.jobs && done === o.jobs ? null : `${submitted} submitted, ${done} answered or refused`;
    });
    ctx.onFinish(() => {
      for (const s of ["completed", "failed", "timeout", "cancelled"]) ctx.metric(`jobs.${s}`, c.resultCount(s));
      ctx.metric("jobs.refused", c.count("client.rejected"));
    });
  },
});
