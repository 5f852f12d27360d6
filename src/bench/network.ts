// Network benchmark: delivered messages per second through the simulated network with
// faults on (loss, duplication, a standing partition rule, jitter), using echo nodes that
// do no work, so the figure is the network's own cost (trace hashing included).

import { performance } from "node:perf_hooks";
import { World, buildTopology, ms, type NodeEnv, type SimNode } from "../sim/index.js";
import { defineScenario, duration, flag, integer, runScenario } from "../scenarios/index.js";

type Echo = { type: "echo"; hop: number };

class EchoNode implements SimNode<Echo> {
  constructor(
    private readonly env: NodeEnv<Echo>,
    private readonly fanout: number,
  ) {}
  start(): void {
    const peers = this.env.peers("worker");
    for (let i = 0; i < this.fanout; i++)
      this.env.send(peers[this.env.rng.int(0, peers.length - 1)]!, { type: "echo", hop: 0 });
  }
  receive(from: string, msg: Echo): void {
    this.env.send(from, { type: "echo", hop: msg.hop + 1 });
  }
}

const networkBench = defineScenario({
  id: "bench/network",
  title: "echo traffic under faults",
  description: "benchmark only",
  covers: [],
  options: { workersPerDc: 10, fanout: 20, runMs: 20_000, faults: true },
  schema: {
    workersPerDc: integer(1, 1_000, "echo nodes in each of the three DCs"),
    fanout: integer(1, 10_000, "echo chains each node starts"),
    runMs: duration("1ms", "24h", "how long the run lasts"),
    faults: flag("draw swarm faults from the seed"),
  },
  setup(ctx) {
    const o = ctx.options;
    const topology = buildTopology({
      regions: [
        { id: "us", dcs: ["dc1", "dc2"] },
        { id: "eu", dcs: ["dc3"] },
      ],
      gates: 0,
      managersPerDc: 0,
      workersPerDc: o.workersPerDc,
      clients: 0,
    });
    const world = new World(ctx, {
      topology,
      factories: { worker: (env) => new EchoNode(env as NodeEnv<Echo>, o.fanout) },
      link: o.faults ? { packetLossProbability: 0.001, duplicateProbability: 0.001, jitterFraction: 0.2 } : {},
    });
    if (o.faults) world.plan([{ atMs: 0, action: "partition", a: ["dc1-wrk-01"], b: ["dc3-wrk-01"], oneWay: true }]);
    world.start();
    ctx.main(
      "run",
      (function* () {
        yield ms(o.runMs);
      })(),
    );
    ctx.onFinish(() => ctx.metric("delivered", world.network.stats.delivered));
  },
});

export interface NetworkBenchRow {
  name: string;
  delivered: number;
  events: number;
  wallMs: number;
  deliveredPerSec: number;
  eventsPerSec: number;
}

export function networkBenchmarks(repeats = 3): NetworkBenchRow[] {
  const rows: NetworkBenchRow[] = [];
  for (const faults of [false, true]) {
    let best: NetworkBenchRow | null = null;
    for (let i = 0; i <= repeats; i++) {
      const start = performance.now();
      const result = runScenario(networkBench, { seed: 1, overrides: { faults } });
      const wallMs = performance.now() - start;
      if (i === 0) continue; // warm-up
      const delivered = Number(result.metrics["delivered"]);
      const row = {
        name: `network echo (${faults ? "loss+dup+partition on" : "no faults"})`,
        delivered,
        events: result.events,
        wallMs,
        deliveredPerSec: delivered / (wallMs / 1000),
        eventsPerSec: result.events / (wallMs / 1000),
      };
      if (best === null || row.wallMs < best.wallMs) best = row;
    }
    rows.push(best!);
  }
  return rows;
}
