// The standard-cluster benchmark of issue 5: 3 gates; 3 DCs x 3 managers x 10 workers;
// one job per virtual second for 10 virtual minutes; protocol default intervals; no
// faults. Reports delivered messages/s, the virtual/wall ratio and peak memory. It runs
// in its own process (node dist/bench/cluster.js) so peak RSS is its own.
//
// Three figures. V8 makes the first two differ by ~1.7x: the first run in a fresh process
// (cold: it pays for the interpreter and for compiling the hot paths; what one `simctl
// run` pays) and the median of five more runs of the same seed in that process (warm).
// The third is the same warm runs untraced, interleaved with the traced ones so both see
// the same machine: what each seed costs a sweep worker or a property test, which run
// untraced. Every traced run must give the same trace hash, and every untraced run the
// same events and deliveries.

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

/** One timed run of the standard cluster. */
export interface ClusterRunTiming {
  wallMs: number;
  deliveredPerSec: number;
  virtualPerWall: number;
}

export interface ClusterBenchResult {
  verdict: string;
  traceHash: string;
  /** True when every traced run gave the same trace hash and every untraced one the same events (a free determinism check). */
  identicalRuns: boolean;
  events: number;
  delivered: number;
  jobsAnswered: number;
  /** The first run in a fresh process: includes V8's warm-up (interpreter, then optimised code). */
  cold: ClusterRunTiming;
  /** The median of the traced runs after it in the same process. */
  warm: ClusterRunTiming & { runs: number; bestWallMs: number };
  /** The median of as many untraced runs, each right after a traced one: what a sweep's seed costs. */
  untraced: ClusterRunTiming & { runs: number; bestWallMs: number };
  /** Peak resident memory of the process after the first run. */
  peakRssMb: number;
}

function timing(wallMs: number, delivered: number, virtualUs: number): ClusterRunTiming {
  return {
    wallMs: Math.round(wallMs),
    deliveredPerSec: Math.round(delivered / (wallMs / 1000)),
    virtualPerWall: Math.round((virtualUs / 1000 / wallMs) * 10) / 10,
  };
}

/** Runs the standard cluster 1 + warmRuns times in this process (seed 1 each time). */
export function clusterBenchmark(overrides: Record<string, number> = {}, warmRuns = 5): ClusterBenchResult {
  const walls: number[] = [];
  const untracedWalls: number[] = [];
  const hashes = new Set<string>();
  let untracedSame = true;
  let last = null as ReturnType<typeof runScenario> | null;
  let coldPeakRss = 0;
  const timed = (trace: boolean): [number, ReturnType<typeof runScenario>] => {
    const start = performance.now();
    const r = runScenario(standardCluster, { seed: 1, overrides, maxEvents: 500_000_000, trace });
    return [performance.now() - start, r];
  };
  for (let i = 0; i <= warmRuns; i++) {
    const [ms, r] = timed(true);
    walls.push(ms);
    hashes.add(r.traceHash);
    last = r;
    if (i === 0) {
      coldPeakRss = process.resourceUsage().maxRSS;
      continue;
    }
    const [untracedMs, u] = timed(false);
    untracedWalls.push(untracedMs);
    untracedSame &&= u.verdict === r.verdict && u.events === r.events && u.metrics["messages.delivered"] === r.metrics["messages.delivered"];
  }
  const result = last!;
  const delivered = Number(result.metrics["messages.delivered"] ?? 0);
  const warm = walls.slice(1).sort((a, b) => a - b);
  const warmMedian = warm.length === 0 ? walls[0]! : warm[warm.length >> 1]!;
  const untraced = [...untracedWalls].sort((a, b) => a - b);
  const untracedMedian = untraced.length === 0 ? NaN : untraced[untraced.length >> 1]!;
  return {
    verdict: result.verdict,
    traceHash: result.traceHash,
    identicalRuns: hashes.size === 1 && untracedSame,
    events: result.events,
    delivered,
    jobsAnswered: Number(result.metrics["jobs.answered"] ?? 0),
    cold: timing(walls[0]!, delivered, result.virtualTimeUs),
    warm: { ...timing(warmMedian, delivered, result.virtualTimeUs), runs: warm.length, bestWallMs: Math.round(warm[0] ?? walls[0]!) },
    untraced: { ...timing(untracedMedian, delivered, result.virtualTimeUs), runs: untraced.length, bestWallMs: Math.round(untraced[0] ?? NaN) },
    // After the first run: one run's footprint (later runs add garbage the GC has not yet returned).
    peakRssMb: Math.round(coldPeakRss / 1024),
  };
}

/**
 * `node dist/bench/cluster.js [--warm-runs=N] [--<option>=N ...]`: any of the standard
 * cluster's options (gates, dcs, managersPerDc, workersPerDc, virtualMinutes,
 * jobsPerSecond; --minutes for virtualMinutes) can be changed, e.g. to see how the cost
 * per message grows with the simulated state.
 */
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const numberArg = (name: string): number | undefined => {
    const text = arg(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (Number.isFinite(value) && value >= 0) return value;
    process.stderr.write(`bench: --${name} needs a non-negative number, got "${text}"\n`);
    process.exit(2);
  };
  const overrides: Record<string, number> = {};
  for (const name of [...Object.keys(standardCluster.options), "minutes"]) {
    const value = numberArg(name);
    if (value !== undefined) overrides[name === "minutes" ? "virtualMinutes" : name] = value;
  }
  const r = clusterBenchmark(overrides, numberArg("warm-runs") ?? 5);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
