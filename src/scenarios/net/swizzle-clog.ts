// net/swizzle-clog (FoundationDB's swizzle): clog a random subset of nodes one by one,
// then unclog them in a different random order. With FIFO links and no loss, every ping
// must still arrive exactly once and in order; held pings arrive only after release.

import { ms, type FaultStep } from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { duration, integer } from "../option-spec.js";
import { phaseSpecs } from "../phase-specs.js";
import { buildGossipWorld, unheardPair } from "./gossip-world.js";

export const swizzleClog = defineScenario({
  id: "net/swizzle-clog",
  title: "Swizzle-clog: clog nodes one by one, unclog in random order, lose nothing",
  description:
    "Six gossip nodes on FIFO links. From startMs, a seeded subset is clogged one node every " +
    "stepMs; then the clogs are released in a seeded random order, one every stepMs.",
  covers: [],
  options: {
    nodes: 6,
    subset: 4,
    intervalMs: 40,
    startMs: 300,
    stepMs: 150,
    faultPhaseMs: 2_500,
    livenessBudgetMs: 1_000,
  },
  schema: {
    nodes: integer(2, 200, "gossip nodes"),
    subset: integer(1, 200, "nodes clogged one at a time, then released in a shuffled order"),
    intervalMs: duration("1ms", "1h", "how often each node pings every other node"),
    startMs: duration("0ms", "24h", "when the first node is clogged"),
    stepMs: duration("1ms", "1h", "time between one clog (or release) and the next"),
    ...phaseSpecs,
  },
  setup(ctx) {
    const o = ctx.options;
    const { world, log, sent, ids } = buildGossipWorld(ctx, {
      nodes: o.nodes,
      intervalMs: o.intervalMs,
      link: { fifo: true },
    });
    const rng = ctx.rng.fork("swizzle");
    const chosen = rng.shuffle(ids).slice(0, o.subset);
    const steps: FaultStep[] = chosen.map((node, i) => ({
      atMs: o.startMs + i * o.stepMs,
      action: "clog",
      node,
      name: `swz-${node}`,
    }));
    const releaseStart = o.startMs + chosen.length * o.stepMs;
    const releaseOrder = rng.shuffle(chosen);
    const releasedAtUs = new Map<string, number>();
    releaseOrder.forEach((node, i) => {
      steps.push({ atMs: releaseStart + i * o.stepMs, action: "unclog", name: `swz-${node}` });
      releasedAtUs.set(node, ms(releaseStart + i * o.stepMs));
    });
    world.plan(steps);
    world.start();
    ctx.metric("clogOrder", chosen.join(","));
    ctx.metric("releaseOrder", releaseOrder.join(","));
    world.runPhases({
      faultPhaseMs: o.faultPhaseMs,
      livenessBudgetMs: o.livenessBudgetMs,
      pending: () => unheardPair(log, ids, ms(o.faultPhaseMs)),
    });

    ctx.check("every ping sent arrived exactly once, in send order per link", () => {
      for (const [link, times] of sent) {
        const [from, to] = link.split("->") as [string, string];
        const got = log.filter((r) => r.type === "ping" && r.from === from && r.to === to).map((r) => r.seq);
        const expected = times.map((_, i) => i + 1).slice(0, got.length);
        if (got.length < times.length - 2) return `${link}: ${times.length} sent, only ${got.length} arrived`;
        if (got.join(",") !== expected.join(",")) return `${link}: arrival order ${got.slice(0, 8).join(",")}...`;
      }
      return null;
    });
    ctx.check("messages to or from a clogged node were held", () =>
      world.network.stats.held > 0 ? null : "nothing was held",
    );
    ctx.check("no held ping was delivered before its clog was released", () => {
      for (const r of log) {
        if (r.type !== "ping") continue;
        for (const node of [r.from, r.to]) {
          const released = releasedAtUs.get(node);
          const clogIndex = chosen.indexOf(node);
          if (released === undefined || clogIndex < 0) continue;
          const clogAt = ms(o.startMs + clogIndex * o.stepMs);
          if (r.sentAtUs >= clogAt && r.sentAtUs < released && r.atUs < released)
            return `${r.from}->${r.to} seq ${r.seq} arrived at ${r.atUs}us before release at ${released}us`;
        }
      }
      return null;
    });
  },
});
