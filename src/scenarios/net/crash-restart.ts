// net/crash-restart: a node crashes and restarts as a new incarnation. Durable state
// survives, volatile state does not, messages in flight to it are dropped, and while it
// is down it neither sends nor runs timers or processes.

import { ms, sleep, type Proc } from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { duration, integer } from "../option-spec.js";
import { phaseSpecs } from "../phase-specs.js";
import { buildGossipWorld, unheardPair } from "./gossip-world.js";
import type { GossipNode } from "./gossip-node.js";

export const crashRestart = defineScenario({
  id: "net/crash-restart",
  title: "Crash and restart: durable kept, volatile lost, in-flight dropped",
  description:
    "Four gossip nodes; n2 crashes at crashAtMs and restarts at restartAtMs. n2 also runs a ticking process.",
  covers: [],
  options: {
    nodes: 4,
    intervalMs: 20,
    crashAtMs: 1_000,
    restartAtMs: 2_000,
    faultPhaseMs: 3_000,
    livenessBudgetMs: 1_000,
  },
  schema: {
    nodes: integer(2, 200, "gossip nodes (n2 is the one that crashes)"),
    intervalMs: duration("1ms", "1h", "how often each node pings every other node"),
    crashAtMs: duration("0ms", "24h", "when n2 crashes"),
    restartAtMs: duration("0ms", "24h", "when n2 restarts as a new incarnation"),
    ...phaseSpecs,
  },
  setup(ctx) {
    const o = ctx.options;
    const { world, log, ids } = buildGossipWorld(ctx, {
      nodes: o.nodes,
      intervalMs: o.intervalMs,
      link: { sameDcMinUs: 5_000, sameDcMaxUs: 15_000 },
    });
    world.plan([
      { atMs: o.crashAtMs, action: "crash", node: "n2" },
      { atMs: o.restartAtMs, action: "restart", node: "n2" },
    ]);
    world.start();
    // A process owned by n2: it must stop when n2 crashes.
    const ticks: number[] = [];
    ctx.kernel.after(ms(10), () => {
      world.hostOf("n2").spawn(
        "ticker",
        (function* (): Proc<void> {
          for (;;) {
            yield* sleep(ms(10));
            ticks.push(ctx.kernel.now);
          }
        })(),
      );
    });
    let receivedBeforeCrash = 0;
    ctx.kernel.at(
      ms(o.crashAtMs) - 1,
      () => (receivedBeforeCrash = world.node<GossipNode>("n2")?.receivedThisLife ?? 0),
    );
    world.runPhases({
      faultPhaseMs: o.faultPhaseMs,
      livenessBudgetMs: o.livenessBudgetMs,
      pending: () => unheardPair(log, ids, ms(o.restartAtMs) + 1),
    });

    const down = (t: number) => t >= ms(o.crashAtMs) && t < ms(o.restartAtMs);
    ctx.check("n2 restarted as incarnation 2 with its durable boot count kept", () => {
      const h = world.hostOf("n2");
      return h.incarnation === 2 && h.durable.boots === 2
        ? null
        : `incarnation ${h.incarnation}, durable boots ${String(h.durable.boots)}`;
    });
    ctx.check("n2's volatile receive counter started again from zero", () => {
      const node = world.node<GossipNode>("n2");
      const afterRestart = log.filter((r) => r.to === "n2" && r.incarnation === 2).length;
      if (receivedBeforeCrash === 0) return "n2 received nothing before the crash";
      return node !== null && node.receivedThisLife === afterRestart
        ? null
        : `counter ${node?.receivedThisLife}, receipts since restart ${afterRestart}`;
    });
    ctx.check("messages in flight to n2 at the crash were dropped", () =>
      (world.network.stats.dropped["crashed-target"] ?? 0) > 0 ? null : "no crashed-target drops",
    );
    ctx.check("n2 received and sent nothing while down", () => {
      const bad = log.find((r) => (r.to === "n2" && down(r.atUs)) || (r.from === "n2" && down(r.sentAtUs)));
      return bad === undefined ? null : `${bad.from}->${bad.to} at ${bad.atUs}us`;
    });
    ctx.check("n2's process was cancelled by the crash", () => {
      const last = ticks[ticks.length - 1] ?? 0;
      return ticks.length > 0 && last < ms(o.crashAtMs)
        ? null
        : `last tick at ${last}us (crash at ${ms(o.crashAtMs)}us)`;
    });
  },
});
