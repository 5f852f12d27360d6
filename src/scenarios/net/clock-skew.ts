// net/clock-skew: per-node clock offset, drift and a jump. Each node samples (kernel
// time, local time) on every tick of its local-clock timer. Skew must show in the local
// clock exactly as configured and never in kernel time.

import { ms, type NodeId } from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { duration, integer } from "../option-spec.js";
import { buildGossipWorld } from "./gossip-world.js";

export const clockSkew = defineScenario({
  id: "net/clock-skew",
  title: "Clock offset, drift and jumps change a node's local clock only",
  description: "n2 runs offsetMs ahead, n3 drifts driftPpm fast, n4 jumps jumpMs forward at jumpAtMs; n1 is exact.",
  covers: [],
  options: { intervalMs: 100, offsetMs: 250, driftPpm: 2_000, jumpMs: 2_000, jumpAtMs: 1_050, runMs: 5_000 },
  schema: {
    intervalMs: duration("1ms", "1h", "how often each node samples its clock and pings"),
    offsetMs: duration("-1h", "1h", "n2's fixed clock offset"),
    driftPpm: integer(-100_000, 100_000, "n3's clock drift, in parts per million"),
    jumpMs: duration("-1h", "1h", "how far n4's clock jumps"),
    jumpAtMs: duration("0ms", "24h", "when n4's clock jumps"),
    runMs: duration("1ms", "24h", "how long the run lasts"),
  },
  setup(ctx) {
    const o = ctx.options;
    const samples = new Map<NodeId, { kernelUs: number; localUs: number }[]>(
      ["n1", "n2", "n3", "n4"].map((id) => [id, []]),
    );
    const { world } = buildGossipWorld(ctx, { nodes: 4, intervalMs: o.intervalMs, extra: { clockSamples: samples } });
    world.plan([
      { atMs: 0, action: "clock-offset", node: "n2", offsetMs: o.offsetMs },
      { atMs: 0, action: "clock-drift", node: "n3", ppm: o.driftPpm },
      { atMs: o.jumpAtMs, action: "clock-jump", node: "n4", jumpMs: o.jumpMs },
    ]);
    world.start();
    ctx.main(
      "run",
      (function* () {
        yield ms(o.runMs);
      })(),
    );

    const get = (id: NodeId) => samples.get(id)!;
    ctx.check("n1 (no skew): local clock equals kernel time", () => {
      const bad = get("n1").find((s) => s.localUs !== s.kernelUs);
      return bad === undefined ? null : `local ${bad.localUs} vs kernel ${bad.kernelUs}`;
    });
    ctx.check("n2 (offset): local clock is exactly offsetMs ahead", () => {
      const bad = get("n2").find((s) => s.localUs - s.kernelUs !== ms(o.offsetMs));
      return bad === undefined ? null : `difference ${bad.localUs - bad.kernelUs}us`;
    });
    ctx.check(
      "n3 (drift): the gap grows by driftPpm of elapsed time, and its local-clock timer keeps local time",
      () => {
        const s = get("n3");
        for (const x of s) {
          const expected = Math.round((o.driftPpm * x.kernelUs) / 1e6);
          if (Math.abs(x.localUs - x.kernelUs - expected) > 1)
            return `at ${x.kernelUs}us gap ${x.localUs - x.kernelUs}us, expected ${expected}us`;
        }
        for (let i = 1; i < s.length; i++) {
          const localStep = s[i]!.localUs - s[i - 1]!.localUs;
          if (Math.abs(localStep - ms(o.intervalMs)) > 2) return `local tick length ${localStep}us`;
        }
        return s.length > 10 ? null : "too few samples";
      },
    );
    ctx.check("n4 (jump): local clock jumps by jumpMs at jumpAtMs, kernel time does not", () => {
      const s = get("n4");
      const before = s.filter((x) => x.kernelUs < ms(o.jumpAtMs));
      const after = s.filter((x) => x.kernelUs >= ms(o.jumpAtMs));
      if (before.some((x) => x.localUs !== x.kernelUs)) return "skew before the jump";
      if (after.length === 0 || after.some((x) => x.localUs - x.kernelUs !== ms(o.jumpMs)))
        return "jump not applied as configured";
      return null;
    });
    ctx.check("kernel time advanced identically for every node (ticks of unskewed-rate nodes align)", () => {
      const k = (id: NodeId) =>
        get(id)
          .map((x) => x.kernelUs)
          .join(",");
      return k("n1") === k("n2") && k("n1") === k("n4")
        ? null
        : "kernel tick times differ between nodes with equal clock rates";
    });
  },
});
