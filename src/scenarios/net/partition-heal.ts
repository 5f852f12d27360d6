// net/partition-heal: two DCs of gossip nodes; dc1 and dc2 are partitioned, then healed.
// While the partition stands no ping sent across it arrives, traffic inside each DC
// flows, and after the heal every pair hears each other again (the liveness phase).

import { ms } from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { duration, flag, integer } from "../option-spec.js";
import { phaseSpecs } from "../phase-specs.js";
import { buildGossipWorld, twoDcTopology, unheardPair } from "./gossip-world.js";

export const partitionHeal = defineScenario({
  id: "net/partition-heal",
  title: "Partition two DCs, heal, and require every pair to reconnect",
  description:
    "Gossip nodes in dc1 and dc2 ping every peer each intervalMs. A symmetric partition " +
    "between the DCs stands from partitionAtMs to healAtMs. With swarm=true, random faults " +
    "drawn from the seed are added during the fault phase.",
  covers: [],
  options: {
    nodesPerDc: 3,
    intervalMs: 100,
    partitionAtMs: 1_000,
    healAtMs: 3_000,
    faultPhaseMs: 4_000,
    livenessBudgetMs: 3_000,
    swarm: false,
  },
  schema: {
    nodesPerDc: integer(1, 200, "gossip nodes in each of the two DCs"),
    intervalMs: duration("1ms", "1h", "how often each node pings every other node"),
    partitionAtMs: duration("0ms", "24h", "when dc1 and dc2 are cut apart"),
    healAtMs: duration("0ms", "24h", "when the DC partition heals"),
    ...phaseSpecs,
    swarm: flag("also draw swarm faults from the seed during the fault phase"),
  },
  size: {
    formula: "pings: (2 × nodesPerDc)² × faultPhaseMs / intervalMs / 10",
    estimate: (o) => ((2 * o.nodesPerDc) ** 2 * o.faultPhaseMs) / o.intervalMs / 10,
  },
  shrinkable: { nodesPerDc: 1, faultPhaseMs: 500 },
  setup(ctx) {
    const o = ctx.options;
    const { world, log, ids } = buildGossipWorld(ctx, {
      topology: twoDcTopology(o.nodesPerDc),
      intervalMs: o.intervalMs,
    });
    const dcOf = new Map(world.topology.nodes.map((n) => [n.id, n.dc]));
    world.plan([
      { atMs: o.partitionAtMs, action: "partition", name: "dc-split", a: ["dc:dc1"], b: ["dc:dc2"] },
      { atMs: o.healAtMs, action: "heal", name: "dc-split" },
    ]);
    const faults = world.swarm(o.swarm, o.faultPhaseMs);
    ctx.artifact("faultOptions", faults);
    world.start();
    const healedAtUs = () => ms(Math.max(o.healAtMs, o.faultPhaseMs));
    world.runPhases({
      faultPhaseMs: o.faultPhaseMs,
      livenessBudgetMs: o.livenessBudgetMs,
      pending: () => unheardPair(log, ids, healedAtUs()),
    });

    const inWindow = (t: number) => t >= ms(o.partitionAtMs) && t < ms(o.healAtMs);
    const crossing = (from: string, to: string) => dcOf.get(from) !== dcOf.get(to);
    ctx.check("no ping sent across the partition while it stood was delivered", () => {
      if (o.swarm) return null; // a swarm clog installed earlier may legitimately hold and later release such a ping
      const leaked = log.filter((r) => r.type === "ping" && crossing(r.from, r.to) && inWindow(r.sentAtUs));
      return leaked.length === 0
        ? null
        : `${leaked.length} leaked, first ${leaked[0]!.from}->${leaked[0]!.to} sent at ${leaked[0]!.sentAtUs}us`;
    });
    ctx.check("traffic inside each DC kept flowing during the partition", () => {
      const inside = log.filter((r) => r.type === "ping" && !crossing(r.from, r.to) && inWindow(r.atUs));
      return o.nodesPerDc < 2 || o.swarm || inside.length > 0 ? null : "no intra-DC ping arrived during the partition";
    });
    ctx.check("the network recorded partition drops", () =>
      (world.network.stats.dropped["partition"] ?? 0) > 0 ? null : "no message was dropped with reason partition",
    );
    ctx.check("cross-DC pings flowed before the partition", () =>
      o.swarm || log.some((r) => r.type === "ping" && crossing(r.from, r.to) && r.atUs < ms(o.partitionAtMs))
        ? null
        : "no cross-DC ping before the partition",
    );
  },
});
