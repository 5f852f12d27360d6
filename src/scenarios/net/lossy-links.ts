// net/lossy-links: random loss and duplication at configured rates; the observed rates
// over many messages must fall within four standard deviations of the configured ones.

import { ms } from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { duration, integer, number } from "../option-spec.js";
import { buildGossipWorld } from "./gossip-world.js";

function withinTolerance(observed: number, trials: number, p: number): boolean {
  const sigma = Math.sqrt(trials * p * (1 - p));
  return Math.abs(observed - trials * p) <= 4 * sigma + 1;
}

export const lossyLinks = defineScenario({
  id: "net/lossy-links",
  title: "Loss and duplication rates observed within tolerance",
  description:
    "Five gossip nodes exchange pings for runMs with packetLossProbability and duplicateProbability on every link.",
  covers: [],
  options: { nodes: 5, intervalMs: 10, runMs: 4_000, lossProbability: 0.1, duplicateProbability: 0.05 },
  schema: {
    nodes: integer(2, 200, "gossip nodes"),
    intervalMs: duration("1ms", "1h", "how often each node pings every other node"),
    runMs: duration("1ms", "24h", "how long the run lasts"),
    lossProbability: number(0, 1, "chance that a message is lost"),
    duplicateProbability: number(0, 1, "chance that a surviving message is delivered twice"),
  },
  setup(ctx) {
    const o = ctx.options;
    const { world } = buildGossipWorld(ctx, {
      nodes: o.nodes,
      intervalMs: o.intervalMs,
      link: { packetLossProbability: o.lossProbability, duplicateProbability: o.duplicateProbability },
    });
    world.start();
    ctx.main(
      "run",
      (function* () {
        yield ms(o.runMs);
      })(),
    );
    ctx.check("observed loss rate within tolerance", () => {
      const s = world.network.stats;
      const lost = s.dropped["loss"] ?? 0;
      return withinTolerance(lost, s.sent, o.lossProbability)
        ? null
        : `${lost} of ${s.sent} lost (p=${o.lossProbability})`;
    });
    ctx.check("observed duplication rate within tolerance", () => {
      const s = world.network.stats;
      const survived = s.sent - (s.dropped["loss"] ?? 0);
      return withinTolerance(s.duplicated, survived, o.duplicateProbability)
        ? null
        : `${s.duplicated} of ${survived} duplicated`;
    });
  },
});
