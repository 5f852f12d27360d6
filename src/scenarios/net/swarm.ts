// net/swarm: gossip nodes in three regions under the seed's swarm faults (partitions,
// clogs, swizzles, crashes, pauses, skew, loss and duplication, each on or off per seed).
// Safety: nothing arrives at a node that is down. Liveness: after the heal, every pair
// hears each other within the budget.

import { buildTopology, ms } from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { duration, flag, integer } from "../option-spec.js";
import { phaseSpecs } from "../phase-specs.js";
import { buildGossipWorld, unheardPair } from "./gossip-world.js";

export const netSwarm = defineScenario({
  id: "net/swarm",
  title: "Swarm faults over three regions, then heal and reconnect",
  description: "Two workers per DC in dc1 (us), dc2 (eu), dc3 (asia) gossip while the seed's swarm schedule runs.",
  covers: [],
  options: { nodesPerDc: 2, intervalMs: 100, faultPhaseMs: 10_000, livenessBudgetMs: 5_000, swarm: true },
  schema: {
    nodesPerDc: integer(1, 200, "gossip nodes in each of the three DCs (us, eu, asia)"),
    intervalMs: duration("1ms", "1h", "how often each node pings every other node"),
    ...phaseSpecs,
    swarm: flag("draw the fault kinds and their schedule from the seed (off: no faults)"),
  },
  size: {
    formula: "pings: (3 × nodesPerDc)² × faultPhaseMs / intervalMs / 10",
    estimate: (o) => ((3 * o.nodesPerDc) ** 2 * o.faultPhaseMs) / o.intervalMs / 10,
  },
  shrinkable: { nodesPerDc: 1, faultPhaseMs: 1_000 },
  setup(ctx) {
    const o = ctx.options;
    const topology = buildTopology({
      regions: [
        { id: "us", dcs: ["dc1"] },
        { id: "eu", dcs: ["dc2"] },
        { id: "asia", dcs: ["dc3"] },
      ],
      gates: 0,
      managersPerDc: 0,
      workersPerDc: o.nodesPerDc,
      clients: 0,
    });
    const { world, log, ids } = buildGossipWorld(ctx, { topology, intervalMs: o.intervalMs });
    ctx.artifact("faultOptions", world.swarm(o.swarm, o.faultPhaseMs));
    world.start();
    world.runPhases({
      faultPhaseMs: o.faultPhaseMs,
      livenessBudgetMs: o.livenessBudgetMs,
      pending: () => unheardPair(log, ids, ms(o.faultPhaseMs)),
    });
    // Read from the applied schedule: each crash and the time its node came back (its
    // duration, or the heal at the end of the fault phase).
    ctx.check("no message reached a crashed node while it was down, nor one sent to its previous life", () => {
      for (const step of ctx.appliedFaults) {
        if (step.action !== "crash") continue;
        const at = typeof step.atUs === "number" ? step.atUs : ms(step.atMs);
        const back = Math.min(
          typeof step.durationMs === "number" ? at + ms(step.durationMs) : Infinity,
          ms(o.faultPhaseMs),
        );
        const bad = log.find((r) => r.to === step.node && r.atUs >= at && (r.atUs < back || r.sentAtUs < at));
        if (bad !== undefined)
          return `${bad.from}->${bad.to} sent at ${bad.sentAtUs}us arrived at ${bad.atUs}us; ${bad.to} crashed at ${at}us, back at ${back}us`;
      }
      return null;
    });
  },
});
