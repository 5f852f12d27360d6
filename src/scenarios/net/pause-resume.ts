// net/pause-resume: a GC-like freeze. While n2 is paused nothing runs on it and nothing is
// delivered to it; on resume the queued deliveries arrive, in order, none lost.

import { ms } from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { duration, integer } from "../option-spec.js";
import { phaseSpecs } from "../phase-specs.js";
import { buildGossipWorld, unheardPair } from "./gossip-world.js";

export const pauseResume = defineScenario({
  id: "net/pause-resume",
  title: "Pause and resume: deliveries queue and arrive in order after",
  description: "Four gossip nodes on FIFO links; n2 is paused at pauseAtMs for pauseMs.",
  covers: [],
  options: { nodes: 4, intervalMs: 25, pauseAtMs: 1_000, pauseMs: 500, faultPhaseMs: 2_000, livenessBudgetMs: 1_000 },
  schema: {
    nodes: integer(2, 200, "gossip nodes (n2 is the one paused)"),
    intervalMs: duration("1ms", "1h", "how often each node pings every other node"),
    pauseAtMs: duration("0ms", "24h", "when n2 freezes"),
    pauseMs: duration("1ms", "24h", "how long n2 stays frozen"),
    ...phaseSpecs,
  },
  setup(ctx) {
    const o = ctx.options;
    const { world, log, sent, ids } = buildGossipWorld(ctx, {
      nodes: o.nodes,
      intervalMs: o.intervalMs,
      link: { fifo: true },
    });
    world.plan([{ atMs: o.pauseAtMs, action: "pause", node: "n2", durationMs: o.pauseMs }]);
    world.start();
    world.runPhases({
      faultPhaseMs: o.faultPhaseMs,
      livenessBudgetMs: o.livenessBudgetMs,
      pending: () => unheardPair(log, ids, ms(o.faultPhaseMs)),
    });
    const pausedAt = ms(o.pauseAtMs);
    const resumedAt = ms(o.pauseAtMs + o.pauseMs);
    const paused = (t: number) => t >= pausedAt && t < resumedAt;

    ctx.check("n2 received nothing and sent nothing while paused", () => {
      const bad = log.find((r) => (r.to === "n2" && paused(r.atUs)) || (r.from === "n2" && paused(r.sentAtUs)));
      return bad === undefined ? null : `${bad.from}->${bad.to} sent ${bad.sentAtUs}us arrived ${bad.atUs}us`;
    });
    ctx.check("pings sent to n2 during the pause all arrived after resume, in order", () => {
      for (const from of ids.filter((id) => id !== "n2")) {
        const sentDuring = (sent.get(`${from}->n2`) ?? []).filter((t) => paused(t)).length;
        const got = log.filter((r) => r.type === "ping" && r.from === from && r.to === "n2" && paused(r.sentAtUs));
        if (got.length !== sentDuring) return `${from}: ${sentDuring} sent during the pause, ${got.length} arrived`;
        if (got.some((r) => r.atUs < resumedAt)) return `${from}: a ping arrived before resume`;
        for (let i = 1; i < got.length; i++)
          if (got[i]!.seq <= got[i - 1]!.seq) return `${from}: out of order after resume`;
      }
      return null;
    });
    ctx.check("the pause queued something", () =>
      log.some((r) => r.to === "n2" && r.atUs === resumedAt) ? null : "nothing delivered at the resume instant",
    );
  },
});
