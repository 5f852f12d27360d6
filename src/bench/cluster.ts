// The standard-cluster benchmark of issue 5: 3 gates; 3 DCs x 3 managers x 10 workers;
// one job per virtual second for 10 virtual minutes; protocol default intervals; no
// faults. Reports delivered messages/s, the virtual/wall ratio and peak memory. It runs
// in its own process (node dist/bench/cluster.js) so peak RSS is this run's alone.

import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { defineScenario, runScenario } from "../scenarios/index.js";
import { ClusterWorld } from "../scenarios/cluster/cluster-world.js";

export const standardCluster = defineScenario({
  id: "bench/standard-cluster",
  title: "standard cluster under steady load",
  description: "benchmark only",
  covers: [],
  options: { gates: 3, dcs: 3, managersPerDc: 3, workersPerDc: 10, virtualMinutes: 10, jobsPerSecond: 1 },
  setup(ctx) {
    const o = ctx.options;
    const runMs = o.virtualMinutes * 60_000;
    const c = new ClusterWorld(ctx, {
      gates: o.gates,
      dcs: o.dcs,
      managersPerDc: o.managersPerDc,
      workersPerDc: o.workersPerDc,
      client: { jobCount: Math.floor((runMs / 1000) * o.jobsPerSecond), submitIntervalMs: Math.round(1000 / o.jobsPerSecond), firstSubmitDelayMs: 5_000 },
    });
    // Load for runMs, then let in-flight jobs finish: every check must still hold.
    c.run(runMs, 120_000);
  },
});

export interface ClusterBenchResult {
  verdict: string;
  wallMs: number;
  events: number;
  delivered: number;
  deliveredPerSec: number;
  virtualPerWall: number;
  jobsAnswered: number;
  peakRssMb: number;
}

export function clusterBenchmark(overrides: Record<string, number> = {}): ClusterBenchResult {
  const start = performance.now();
  const result = runScenario(standardCluster, { seed: 1, overrides, maxEvents: 500_000_000 });
  const wallMs = performance.now() - start;
  const delivered = Number(result.metrics["messages.delivered"] ?? 0);
  return {
    verdict: result.verdict,
    wallMs: Math.round(wallMs),
    events: result.events,
    delivered,
    deliveredPerSec: Math.round(delivered / (wallMs / 1000)),
    virtualPerWall: Math.round((result.virtualTimeUs / 1000 / wallMs) * 10) / 10,
    jobsAnswered: Number(result.metrics["jobs.answered"] ?? 0),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const minutes = process.argv.find((a) => a.startsWith("--minutes="))?.slice("--minutes=".length);
  const r = clusterBenchmark(minutes === undefined ? {} : { virtualMinutes: Number(minutes) });
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
