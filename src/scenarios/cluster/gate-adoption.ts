// A gate adopting a dead leader gate's job (PROTOCOL §5.13) must not lose what the old
// gate already had, nor be misled by what the old gate said before it died.
//
// cluster/adoption-inherits-result: the old gate acked dc1's final result and crashed
// before dc2 reported. dc1's manager will not send that result again (it was delivered),
// so when the adopter's transfer reaches it, it says so (manager/index.ts onGateTransfer,
// finalAlreadyDelivered) and the adopter records the result as inherited (gate/jobs.ts
// inheritResult). Meanwhile the old gate's announcements to a third gate were held on the
// link and arrive only after the adoption: that gate must keep following the adopter's
// higher token (gate/orphans.ts onReplica, replica.stale), or it would refuse the adopter
// the finish round.
//
// cluster/stale-gate-transfer: a job adopted twice. The first adopter's transfer reaches
// the DC only after the second adopter's: the manager must refuse the older token
// (manager/index.ts onGateTransfer, gateTransfer.stale) and keep sending its result to the
// gate that now leads the job.

import type { Observation } from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { ClusterWorld } from "./cluster-world.js";
import { expectOne } from "./expect.js";
import { phaseSpecs } from "../phase-specs.js";

function detail(o: Observation, key: string): string {
  return String(o.detail?.[key]);
}

export const adoptionInheritsResult = defineScenario({
  id: "cluster/adoption-inherits-result",
  title: "An adopting gate inherits a DC result the dead gate had acked, and ignores the dead gate's late claims",
  description:
    "3 gates; dc1 and dc2 with one manager and one worker each; one job for both DCs. From the job's acceptance, the " +
    "leader gate's announcements to one peer gate (G3) are held on the link, and dc2's final results to every gate are " +
    "held. dc1 reports; 100 ms after the leader gate acked it, the leader gate crashes. The other peer (G2) adopts the " +
    "job and sends its transfer: dc1's manager answers that its result was already delivered, so G2 records dc1 as " +
    "reported (inherited) without dc1 reporting again. 500 ms after the adoption the old gate's held announcements " +
    "(token 1) reach G3, which keeps following G2 (token 2) as the job's leader and lease holder. Then dc2's result is " +
    "released: G2 finalises the job once, completed, and the client hears it once.",
  covers: [],
  options: { faultPhaseMs: 240_000, livenessBudgetMs: 120_000 },
  schema: phaseSpecs,
  setup(ctx) {
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 3,
      dcs: 2,
      managersPerDc: 1,
      workersPerDc: 1,
      client: { jobCount: 1, datacenterCount: 2, workflowsPerJob: 1, workflowDurationMs: 3_000 },
    });
    const gates = c.ids("gate");
    let leader = "";
    let g3 = "";
    let adopter = "";
    let g3View = "";
    c.once("job.accepted", (o) => {
      leader = o.node;
      g3 = gates.filter((g) => g !== leader)[1] ?? "";
      c.world.inject({
        action: "clog",
        name: "late-claims",
        from: [leader],
        to: [g3],
        types: ["job-leadership-announcement"],
      });
      c.world.inject({
        action: "clog",
        name: "dc2-finals",
        from: c.ids("manager", "dc2"),
        to: gates,
        types: ["job-final-result"],
      });
    });
    c.once(
      "job.dcReported",
      () => ctx.kernel.after(100_000, () => c.world.crash(leader)),
      (o) => o.node === leader && detail(o, "dc") === "dc1",
    );
    c.once("job.adopted", (o) => {
      adopter = o.node;
      ctx.kernel.after(500_000, () => c.world.inject({ action: "unclog", name: "late-claims" }));
      ctx.kernel.after(2_000_000, () => {
        const gate = c.gate(g3);
        const job = gate?.jobTable.jobs.get(detail(o, "job"));
        g3View = `${job?.leaderGate ?? "none"}@${job?.fenceToken ?? 0}, lease ${gate?.leases.holderOf(detail(o, "job")) ?? "none"}`;
        c.world.inject({ action: "unclog", name: "dc2-finals" });
      });
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);

    ctx.check("the leader gate recorded dc1's result, then crashed; another gate adopted the job", () => {
      const reported = c.events("job.dcReported", (e) => e.node === leader && detail(e, "dc") === "dc1");
      const adopted = c.events("job.adopted");
      return reported.length === 1 && adopted.length === 1 && adopted[0]!.node !== g3
        ? null
        : `${reported.length} dc1 reports at ${leader}, adoptions by [${adopted.map((e) => e.node).join(", ")}]`;
    });
    ctx.check("the adopter recorded dc1's result as delivered before it, and dc1 did not report it again", () => {
      const inherited = c.events("job.dcReported", (e) => e.node === adopter && detail(e, "dc") === "dc1");
      const ended = c.events("job.dcTerminal", (e) => detail(e, "dc") === "dc1");
      return inherited.length === 1 && detail(inherited[0]!, "status") === "completed" && ended.length === 1
        ? null
        : `${inherited.length} dc1 reports at the adopter, dc1 ended ${ended.length} times`;
    });
    ctx.check("the old gate's late claims did not turn G3 away from the adopter", () => {
      const want = `${adopter}@2, lease ${adopter}`;
      return g3View === want ? null : `G3 followed ${g3View}, expected ${want}`;
    });
    ctx.check("the adopter ended the job once, completed, with both DCs' results", () => {
      const end = c.events("job.terminal");
      const dcs = c.events("job.dcReported", (e) => e.node === adopter).map((e) => detail(e, "dc"));
      if (end.length !== 1 || end[0]!.node !== adopter) return `ended ${end.length} times`;
      return dcs.sort().join(",") === "dc1,dc2" ? null : `the adopter had [${dcs.join(", ")}]`;
    });
    ctx.check("the client heard exactly one result, completed", () => expectOne(c.clientStatuses(), "completed"));
  },
});

export const staleGateTransfer = defineScenario({
  id: "cluster/stale-gate-transfer",
  title: "A job adopted twice: the first adopter's late transfer does not take the DC away from the second",
  description:
    "3 gates; dc1 with one manager and one worker; one job whose one workflow runs 400 s. The leader gate crashes; a " +
    "peer (A1) adopts the job (token 2), but its transfers to dc1's manager are held on the link. The first gate " +
    "restarts at once (it learns that A1 holds the job); 5 s later A1 crashes. Another gate (A2) adopts from A1 " +
    "(token 3) and its transfer reaches dc1's manager. 1 s later A1's held transfers (token 2) arrive: the manager " +
    "refuses them and keeps following A2, so when the workflow ends dc1's result goes to A2, which ends the job once, " +
    "completed.",
  covers: [],
  options: { faultPhaseMs: 600_000, livenessBudgetMs: 120_000 },
  schema: phaseSpecs,
  setup(ctx) {
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 3,
      dcs: 1,
      managersPerDc: 1,
      workersPerDc: 1,
      // The run outlasts both adoptions (each waits for the dead gate to be reaped).
      worker: { workflowDurationJitterRatio: 0 },
      client: { jobCount: 1, workflowsPerJob: 1, workflowDurationMs: 400_000 },
    });
    const dcManager = c.ids("manager", "dc1")[0] ?? "";
    let first = "";
    let a1 = "";
    let a2 = "";
    let followed = "";
    c.once("job.accepted", (o) => {
      first = o.node;
      ctx.kernel.after(1_000_000, () => c.world.crash(first));
    });
    c.once("job.adopted", (o) => {
      a1 = o.node;
      // adopt() sends its transfers right after this event, in the same step: held from the first.
      c.world.inject({
        action: "clog",
        name: "a1-transfers",
        from: [a1],
        to: [dcManager],
        types: ["job-leader-gate-transfer"],
      });
      c.world.restart(first);
      ctx.kernel.after(5_000_000, () => c.world.crash(a1));
    });
    c.once(
      "job.adopted",
      (o) => {
        a2 = o.node;
        ctx.kernel.after(1_000_000, () => c.world.inject({ action: "unclog", name: "a1-transfers" }));
        ctx.kernel.after(2_000_000, () => {
          const job = c.manager(dcManager)?.table.jobs.get(detail(o, "job"));
          followed = `${job?.originGate ?? "none"}@${job?.gateFenceToken ?? 0}`;
        });
      },
      (o) => detail(o, "fenceToken") === "3",
    );
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);

    ctx.check("the job was adopted twice: by A1 (token 2), then, after A1 died, by A2 (token 3)", () => {
      const adopted = c.events("job.adopted").map((e) => `${e.node}@${detail(e, "fenceToken")}`);
      return a1 !== "" && a2 !== "" && a2 !== a1 && adopted.join(",") === `${a1}@2,${a2}@3`
        ? null
        : `adoptions [${adopted.join(", ")}]`;
    });
    ctx.check("A1's transfers were still held when A2 adopted; once they arrived, dc1 still followed A2", () => {
      const ended = c.events("job.dcTerminal")[0];
      const adopted = c.events("job.adopted")[1];
      if (ended === undefined || adopted === undefined) return "no second adoption or dc1 never finished";
      if (ended.atUs < adopted.atUs + 2_000_000) return "dc1 finished before A1's transfers arrived";
      return followed === `${a2}@3` ? null : `it followed ${followed}`;
    });
    ctx.check("dc1's result reached A2 at once, which ended the job once, completed", () => {
      const reported = c.events("job.dcReported").map((e) => e.node);
      const end = c.events("job.terminal");
      const dcEnd = c.events("job.dcTerminal")[0];
      if (reported.join(",") !== a2 || end.length !== 1 || end[0]!.node !== a2)
        return `reported at [${reported.join(", ")}], ended at [${end.map((e) => e.node).join(", ")}]`;
      const lagMs = dcEnd === undefined ? Number.POSITIVE_INFINITY : (end[0]!.atUs - dcEnd.atUs) / 1000;
      return lagMs <= 1_000 ? null : `the job ended ${lagMs} ms after dc1 finished it`;
    });
    ctx.check("the client heard exactly one result, completed", () => expectOne(c.clientStatuses(), "completed"));
  },
});
