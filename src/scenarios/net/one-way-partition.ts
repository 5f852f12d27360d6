// net/one-way-partition: a partition that drops n1 -> n2 but still delivers n2 -> n1.

import { ms } from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { duration } from "../option-spec.js";
import { phaseSpecs } from "../phase-specs.js";
import { buildGossipWorld, pingsOn, unheardPair } from "./gossip-world.js";

export const oneWayPartition = defineScenario({
  id: "net/one-way-partition",
  title: "One-way partition: A->B dropped while B->A is delivered",
  description: "Three gossip nodes; from startMs to endMs a one-way partition drops n1 -> n2 only.",
  covers: [],
  options: { intervalMs: 50, startMs: 500, endMs: 1_500, faultPhaseMs: 2_000, livenessBudgetMs: 1_000 },
  schema: {
    intervalMs: duration("1ms", "1h", "how often each node pings every other node"),
    startMs: duration("0ms", "24h", "when n1 stops reaching n2 (one way)"),
    endMs: duration("0ms", "24h", "when the one-way partition heals"),
    ...phaseSpecs,
  },
  setup(ctx) {
    const o = ctx.options;
    const { world, log, ids } = buildGossipWorld(ctx, { nodes: 3, intervalMs: o.intervalMs });
    world.plan([
      { atMs: o.startMs, action: "partition", name: "a-to-b", a: ["n1"], b: ["n2"], oneWay: true },
      { atMs: o.endMs, action: "heal", name: "a-to-b" },
    ]);
    world.start();
    world.runPhases({
      faultPhaseMs: o.faultPhaseMs,
      livenessBudgetMs: o.livenessBudgetMs,
      pending: () => unheardPair(log, ids, ms(o.faultPhaseMs)),
    });
    const during = (t: number) => t >= ms(o.startMs) && t < ms(o.endMs);
    ctx.check("n1 -> n2 pings sent during the partition were all dropped", () => {
      const got = pingsOn(log, "n1", "n2").filter((r) => during(r.sentAtUs));
      return got.length === 0 ? null : `${got.length} delivered`;
    });
    ctx.check("n2 -> n1 pings sent during the partition were all delivered", () => {
      const expected = Math.floor((o.endMs - o.startMs) / o.intervalMs);
      const got = pingsOn(log, "n2", "n1").filter((r) => during(r.sentAtUs)).length;
      return got >= expected ? null : `${got} of about ${expected} delivered`;
    });
    ctx.check("n1's pongs to n2 were dropped too (same direction)", () => {
      const pongs = log.filter((r) => r.type === "pong" && r.from === "n1" && r.to === "n2" && during(r.sentAtUs));
      return pongs.length === 0 ? null : `${pongs.length} pongs n1 -> n2 delivered`;
    });
    ctx.check("n1 <-> n3 unaffected", () =>
      pingsOn(log, "n1", "n3").some((r) => during(r.sentAtUs)) ? null : "n1 -> n3 silent during the partition",
    );
  },
});
