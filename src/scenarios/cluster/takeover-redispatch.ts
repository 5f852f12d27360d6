// cluster/takeover-redispatch-running: a takeover that never hears back from the worker
// running an attempt requeues it (takeover.ts reconcileDone, "lost in takeover") and sends
// it again, under a higher token, to that same worker, which still runs the first attempt.
// The worker's core allocator refuses it (worker.ts onDispatch, already-allocated): no
// second run, no second allocation. The job leader blames the worker for that refusal
// (manager/jobs.ts onDispatchAck, rejectedBlamed), so the retry goes elsewhere instead of
// knocking at the same worker until its attempts run out.
//
// W1 has 8 cores and W2 2, so W1 has the most free cores both times it is picked. W1's
// transfer ACKs are lost for the whole run; the job leader crashes 100 ms after the first
// attempt runs, and the new DC leader takes the job over.

import type { Observation } from "../../sim/index.js";
import { workerFactory } from "../../nodes/worker.js";
import { defineScenario } from "../types.js";
import { ClusterWorld } from "./cluster-world.js";
import { expectOne } from "./expect.js";
import { phaseSpecs } from "../phase-specs.js";

function detail(o: Observation, key: string): string {
  return String(o.detail?.[key]);
}

export const takeoverRedispatchRunning = defineScenario({
  id: "cluster/takeover-redispatch-running",
  title:
    "A takeover that missed the dispatch sends it again to the worker running it: refused, blamed, retried elsewhere",
  description:
    "1 gate; dc1 with 3 managers, an 8-core worker W1 and a 2-core worker W2; one job of one 1-core 20 s workflow. " +
    "It runs on W1; W1's transfer ACKs to the managers are lost. The job leader crashes; the new DC leader takes the " +
    "job over, hears nothing from W1 and requeues the workflow as lost in the takeover, without blame. It sends it to " +
    "W1 again (most free cores) under a higher token, while W1 still runs the first attempt. W1 refuses: cores are " +
    "already allocated to that workflow; it neither starts a second run nor allocates more cores. The new leader " +
    "blames W1 and retries on W2, where the workflow completes; the job completes once.",
  covers: [],
  options: { faultPhaseMs: 60_000, livenessBudgetMs: 120_000 },
  schema: phaseSpecs,
  setup(ctx) {
    const big = workerFactory({ totalCores: 8 });
    const small = workerFactory({ totalCores: 2 });
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 1,
      dcs: 1,
      managersPerDc: 3,
      workersPerDc: 2,
      client: { jobCount: 1, workflowsPerJob: 1, coresPerWorkflow: 1, workflowDurationMs: 20_000 },
      factories: { worker: (env) => (env.id === "dc1-wrk-1" ? big(env) : small(env)) },
    });
    const [w1, w2] = c.ids("worker", "dc1") as [string, string];
    let first: Observation | null = null;
    c.world.plan([
      {
        atMs: 0,
        action: "partition",
        name: "lost-transfer-ack",
        a: [w1],
        b: c.ids("manager", "dc1"),
        oneWay: true,
        types: ["job-leader-worker-transfer-ack"],
      },
    ]);
    c.once("workflow.running", (o) => {
      first = o;
      ctx.kernel.after(100_000, () => c.world.crash(o.node));
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);

    const takeover = (): Observation | undefined => c.events("job.takeover")[0];
    const byLeader = (kind: string, worker: string): Observation[] =>
      c.events(kind, (e) => e.node === takeover()?.node && detail(e, "worker") === worker);
    ctx.check(
      "the new leader lost track of W1's attempt and sent the workflow to W1 again, under a higher token",
      () => {
        const lost = byLeader("workflow.failed", w1).filter((e) => detail(e, "reason") === "lost in takeover");
        const again = byLeader("workflow.dispatched", w1)[0];
        if (first === null || lost.length !== 1)
          return first === null ? "W1 never ran it" : "no attempt lost in takeover";
        if (again === undefined) return "the new leader never dispatched to W1";
        return Number(detail(again, "token")) > Number(detail(first, "token")) ? null : "the token is not higher";
      },
    );
    ctx.check("W1 refused it as already allocated: one run, one allocation, the cores of one workflow", () => {
      const rejected = c.events("workflow.rejected", (e) => e.node === w1).map((e) => detail(e, "reason"));
      const started = c.events("workflow.started", (e) => e.node === w1).length;
      const allocated = c.events("cores.allocated", (e) => e.node === w1).map((e) => detail(e, "inUse"));
      if (rejected.join() !== "already-allocated") return `W1 rejected [${rejected.join(", ")}]`;
      return started === 1 && allocated.join() === "1" ? null : `${started} runs, cores in use [${allocated.join()}]`;
    });
    ctx.check("the new leader blamed W1 for the refusal and retried on W2, where the workflow completed, once", () => {
      const refused = byLeader("workflow.failed", w1).filter((e) => detail(e, "reason").endsWith("already-allocated"));
      const toW1 = byLeader("workflow.dispatched", w1).length;
      const retried = byLeader("workflow.dispatched", w2);
      const end = c.events("workflow.terminal", (e) => e.node === takeover()?.node);
      const blamed = refused.map((e) => `${detail(e, "blame")}/${detail(e, "retry")}`).join();
      if (blamed !== "true/true") return `the refusal failed the attempt as [${blamed}] (blame/retry)`;
      if (toW1 !== 1 || retried.length !== 1) return `${toW1} dispatches to W1, ${retried.length} to W2`;
      const ended = end.map((e) => `${detail(e, "status")}@${detail(e, "token")}`).join(", ");
      return ended === `completed@${detail(retried[0]!, "token")}` ? null : `ended [${ended}]`;
    });
    ctx.check("the client heard exactly one result, completed", () => expectOne(c.clientStatuses(), "completed"));
  },
});
