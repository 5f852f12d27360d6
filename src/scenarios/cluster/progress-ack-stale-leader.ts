// cluster/progress-ack-stale-leader: a progress ack from a job leader that has since been
// replaced reaches the worker after the new leader's transfer (PROTOCOL §5.14, §5.24). The
// ack names the old leader under an older fence token; the worker must ignore it
// (worker.ts, progressAck.staleLeader) and keep the new leader as the job's leader, or the
// run's final result goes to a dead manager and the new leader waits for it forever (chaos
// seed 1595).
//
// The job leader's progress acks to the worker are held on the link from the run's start;
// the job leader then crashes, a peer takes the job over and sends the worker its
// transfer, and only then are the old acks released.

import type { Observation } from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { ClusterWorld } from "./cluster-world.js";
import { expectOne } from "./expect.js";
import { phaseSpecs } from "../phase-specs.js";

function detail(o: Observation, key: string): string {
  return String(o.detail?.[key]);
}

export const progressAckStaleLeader = defineScenario({
  id: "cluster/progress-ack-stale-leader",
  title: "A late progress ack from a replaced job leader does not reroute the worker",
  description:
    "1 gate; dc1 with 3 managers and 1 worker; one 60 s workflow. From the run's start, the job leader's progress " +
    "acks to the worker are held on the link. 2 s later the job leader crashes for the rest of the fault phase; " +
    "another manager takes the job over and the worker accepts its transfer. 1 s after that the old leader's held " +
    "acks (naming it, under the older token) arrive: the worker ignores them, keeps sending to the new leader, and " +
    "its final result reaches the new leader, which completes the job within the fault phase.",
  covers: [],
  options: { faultPhaseMs: 200_000, livenessBudgetMs: 120_000 },
  schema: phaseSpecs,
  setup(ctx) {
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 1,
      dcs: 1,
      managersPerDc: 3,
      workersPerDc: 1,
      worker: { workflowDurationJitterRatio: 0 },
      client: { jobCount: 1, workflowsPerJob: 1, workflowDurationMs: 60_000 },
    });
    let oldLeader = "";
    let worker = "";
    let releasedUs = -1;
    let leaderAfterRelease = "";
    c.once("workflow.running", (o) => {
      oldLeader = o.node;
      worker = detail(o, "worker");
      c.world.inject({
        action: "clog",
        name: "old-acks",
        from: [oldLeader],
        to: [worker],
        types: ["workflow-progress-ack"],
      });
      ctx.kernel.after(2_000_000, () => c.world.crash(oldLeader));
    });
    c.once(
      "transfer.accepted",
      (o) =>
        ctx.kernel.after(1_000_000, () => {
          releasedUs = ctx.kernel.now;
          c.world.inject({ action: "unclog", name: "old-acks" });
          ctx.kernel.after(500_000, () => {
            leaderAfterRelease = c.worker(o.node)?.jobLeaders.get(detail(o, "job")) ?? "none";
          });
        }),
      (o) => o.node === worker,
    );
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);

    const newLeader = (): string => String(c.events("transfer.accepted")[0]?.detail?.["leader"]);
    ctx.check("the job leader crashed, a peer took the job over, and the worker accepted its transfer", () => {
      const takeover = c.events("job.takeover");
      const accepted = c.events("transfer.accepted", (e) => e.node === worker);
      if (takeover.length !== 1 || accepted.length !== 1)
        return `${takeover.length} takeovers, ${accepted.length} transfers`;
      return takeover[0]!.node !== oldLeader && detail(accepted[0]!, "leader") === takeover[0]!.node
        ? null
        : `taken over by ${takeover[0]!.node}, worker follows ${detail(accepted[0]!, "leader")}`;
    });
    ctx.check(
      "the old leader's held acks arrived after the transfer, and the worker still follows the new leader",
      () => {
        if (releasedUs < 0) return "the held acks were never released";
        return leaderAfterRelease === newLeader() ? null : `the worker follows ${leaderAfterRelease}`;
      },
    );
    ctx.check("the new leader got the worker's result and completed the job within the fault phase", () => {
      const done = c.events("workflow.terminal", (e) => e.node === newLeader());
      const result = c.events("client.result")[0];
      if (done.length !== 1 || detail(done[0]!, "status") !== "completed")
        return `${done.length} terminal workflows at the new leader`;
      if (result === undefined || result.atUs > ctx.options.faultPhaseMs * 1000)
        return "the job was not over within the fault phase";
      return expectOne(c.clientStatuses(), "completed");
    });
  },
});
