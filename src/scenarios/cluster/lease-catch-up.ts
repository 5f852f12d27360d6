// cluster/lease-lapse-worker-dies: a DC leader whose lease has lapsed puts its jobs on hold
// (PROTOCOL §3.7: it may not act without a majority behind it). A worker that dies while it
// is on hold is declared dead, but the job leader must not move the worker's workflow then
// (manager/index.ts onDead skips jobs it cannot act on). When the lease comes back it must
// catch up at once: the attempt on the worker that died meanwhile fails and the workflow
// moves (manager/index.ts catchUp, workerDead) instead of waiting for a restart that may
// never come.

import type { Observation } from "../../sim/index.js";
import { managerConfig } from "../../nodes/config.js";
import { defineScenario } from "../types.js";
import { ClusterWorld } from "./cluster-world.js";
import { expectOne } from "./expect.js";
import { phaseSpecs } from "../phase-specs.js";

const MANAGER = managerConfig();

function detail(o: Observation, key: string): string {
  return String(o.detail?.[key]);
}

export const leaseLapseWorkerDies = defineScenario({
  id: "cluster/lease-lapse-worker-dies",
  title: "A worker that dies while its job leader's lease has lapsed loses its workflow as soon as the lease is back",
  description:
    "1 gate; dc1 with 3 managers and 2 workers; one 60 s workflow. Once it runs, the other managers' heartbeat ACKs " +
    "to the DC leader (its job leader) are lost: its lease lapses, while the followers, still hearing its heartbeats, " +
    "elect nobody. 6 s later the worker running the workflow crashes for the rest of the fault phase. The job leader " +
    "declares it dead but, on hold, moves nothing. Then the ACKs flow again: with its lease back, the job leader fails " +
    "the attempt on the dead worker within one heartbeat interval, reruns the workflow on the other worker under a " +
    "higher token, and the job completes before the fault phase ends.",
  covers: [],
  options: { faultPhaseMs: 200_000, livenessBudgetMs: 120_000 },
  schema: phaseSpecs,
  setup(ctx) {
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 1,
      dcs: 1,
      managersPerDc: 3,
      workersPerDc: 2,
      client: { jobCount: 1, workflowsPerJob: 1, workflowDurationMs: 60_000 },
    });
    let run: Observation | null = null;
    let healUs = -1;
    c.once("workflow.running", (o) => {
      run = o;
      const peers = c.ids("manager", "dc1").filter((m) => m !== o.node);
      c.world.inject({
        action: "partition",
        name: "lost-heartbeat-acks",
        a: peers,
        b: [o.node],
        oneWay: true,
        types: ["leader-heartbeat-ack"],
      });
      ctx.kernel.after(6_000_000, () => c.world.crash(detail(o, "worker")));
    });
    c.once(
      "member.dead",
      () => {
        healUs = ctx.kernel.now;
        c.world.inject({ action: "heal", name: "lost-heartbeat-acks" });
      },
      (o) => run !== null && o.node === run.node && detail(o, "node") === detail(run, "worker"),
    );
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);

    const leader = (): string => run?.node ?? "";
    const victim = (): string => (run === null ? "" : detail(run, "worker"));
    const failed = (): Observation[] => c.events("workflow.failed", (e) => e.node === leader());
    ctx.check("the job leader declared the worker dead while on hold, and moved nothing then", () => {
      if (healUs < 0) return "the job leader never declared the worker dead";
      const early = failed().filter((e) => e.atUs < healUs);
      return early.length === 0 ? null : `an attempt failed at ${early[0]!.atUs / 1000} ms, before the lease was back`;
    });
    ctx.check("with its lease back, it failed the attempt on the dead worker within one heartbeat interval", () => {
      const f = failed();
      if (f.length !== 1) return `${f.length} failed attempts`;
      const lagMs = (f[0]!.atUs - healUs) / 1000;
      return detail(f[0]!, "worker") === victim() &&
        detail(f[0]!, "reason") === "worker dead" &&
        lagMs >= 0 &&
        lagMs <= MANAGER.leaderHeartbeatIntervalMs + 100
        ? null
        : `failed ${detail(f[0]!, "worker")} (${detail(f[0]!, "reason")}) ${lagMs} ms after the ACKs came back`;
    });
    ctx.check(
      "the workflow reran on the other worker under a higher token and the job completed in the fault phase",
      () => {
        const starts = c.events("workflow.started");
        if (starts.length !== 2 || starts[1]!.node === victim())
          return `runs on [${starts.map((s) => s.node).join(", ")}]`;
        if (Number(detail(starts[1]!, "token")) <= Number(detail(starts[0]!, "token")))
          return "the rerun's token is not higher";
        const done = c.events("client.result")[0];
        if (done === undefined || done.atUs > ctx.options.faultPhaseMs * 1000)
          return "the job was not over within the fault phase";
        return expectOne(c.clientStatuses(), "completed");
      },
    );
  },
});
