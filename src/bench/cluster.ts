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
import { defineScenario, runScenario, type Options, type ScenarioContext } from "../scenarios/index.js";
import { ClusterWorld } from "../scenarios/cluster/cluster-world.js";
import { clusterSpecs } from "../scenarios/cluster/option-specs.js";
import { integer, number } from "../scenarios/option-spec.js";
import { messageFloor } from "./message-floor.js";
import { median } from "./kernel.js";

/** The goal's cost per delivered message as a multiple of the per-message floor: 1000 ns / 160 ns. */
export const GOAL_FLOOR_MULTIPLE = 1000 / 160;
const FLOOR_MESSAGES = 1_000_000;

/** The standard cluster's shape and load, as the bench scenarios' options. */
export const STANDARD_OPTIONS = {
  gates: 3,
  dcs: 3,
  managersPerDc: 3,
  workersPerDc: 10,
  virtualMinutes: 10,
  jobsPerSecond: 1,
};

/** What the standard cluster's options may be set to (the scale and soak benches go up to these). */
export const STANDARD_SCHEMA = {
  gates: clusterSpecs.gates,
  dcs: clusterSpecs.dcs,
  managersPerDc: clusterSpecs.managersPerDc,
  workersPerDc: clusterSpecs.workersPerDc,
  virtualMinutes: integer(1, 1_440, "virtual minutes of steady load"),
  jobsPerSecond: number(0.001, 1_000, "jobs the client submits per virtual second"),
};

/**
 * Builds the cluster for `o` and runs it: load for `virtualMinutes`, then let in-flight jobs
 * finish (every check must still hold). Shared with the scale and soak benches.
 */
export function setupStandardCluster(ctx: ScenarioContext<Options>, o: typeof STANDARD_OPTIONS): ClusterWorld {
  const runMs = o.virtualMinutes * 60_000;
  const c = new ClusterWorld(ctx, {
    gates: o.gates,
    dcs: o.dcs,
    managersPerDc: o.managersPerDc,
    workersPerDc: o.workersPerDc,
    client: {
      jobCount: Math.floor((runMs / 1000) * o.jobsPerSecond),
      submitIntervalMs: Math.round(1000 / o.jobsPerSecond),
      firstSubmitDelayMs: 5_000,
    },
  });
  c.run(runMs, 120_000);
  return c;
}

export const standardCluster = defineScenario({
  id: "bench/standard-cluster",
  title: "standard cluster under steady load",
  description: "benchmark only",
  covers: [],
  options: STANDARD_OPTIONS,
  schema: STANDARD_SCHEMA,
  setup(ctx) {
    setupStandardCluster(ctx, ctx.options);
  },
});

/** One timed run of the standard cluster. */
export interface ClusterRunTiming {
  wallMs: number;
  deliveredPerSec: number;
  virtualPerWall: number;
}

/** Warm runs also carry their cost per delivered message as a multiple of the floor timed just before them. */
export interface WarmTiming extends ClusterRunTiming {
  runs: number;
  bestWallMs: number;
  /** Median over rounds of (ns per delivered message / floor ns per message in that round). */
  floorMultiple: number;
}

export interface ClusterBenchResult {
  verdict: string;
  traceHash: string;
  /**
   * True when every traced run gave the same trace hash and every untraced one the same events (a free determinism
   * check).
   */
  identicalRuns: boolean;
  events: number;
  delivered: number;
  jobsAnswered: number;
  /** The first run in a fresh process: includes V8's warm-up (interpreter, then optimised code). */
  cold: ClusterRunTiming;
  /** The median of the traced runs after it in the same process. */
  warm: WarmTiming;
  /** The median of as many untraced runs, each right after a traced one: what a sweep's seed costs. */
  untraced: WarmTiming;
  /** The per-message floor loop (message-floor.ts), median of one timing per warm round. */
  floor: { nsPerMessage: number; messagesPerSec: number; goalFloorMultiple: number };
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

/**
 * Runs the standard cluster 1 + warmRuns times in this process (seed 1 each time). After
 * the cold run, each round times the floor loop, a traced run and an untraced run, in
 * that order, so each run's floor multiple compares figures taken within a second.
 */
export function clusterBenchmark(overrides: Record<string, number> = {}, warmRuns = 5): ClusterBenchResult {
  const hashes = new Set<string>();
  let untracedSame = true;
  const timed = (trace: boolean): [number, ReturnType<typeof runScenario>] => {
    const start = performance.now();
    const r = runScenario(standardCluster, { seed: 1, overrides, maxEvents: 500_000_000, trace });
    return [performance.now() - start, r];
  };
  const [coldMs, result] = timed(true);
  hashes.add(result.traceHash);
  const coldPeakRss = process.resourceUsage().maxRSS;
  const delivered = Number(result.metrics["messages.delivered"] ?? 0);
  messageFloor(FLOOR_MESSAGES); // warm-up: its first timing would include compilation
  const floorNs: number[] = [];
  const walls: number[] = [];
  const untracedWalls: number[] = [];
  const multiples: number[] = [];
  const untracedMultiples: number[] = [];
  for (let i = 0; i < warmRuns; i++) {
    const floor = messageFloor(FLOOR_MESSAGES).nsPerMessage;
    floorNs.push(floor);
    const [ms, r] = timed(true);
    walls.push(ms);
    hashes.add(r.traceHash);
    multiples.push((ms * 1e6) / delivered / floor);
    const [untracedMs, u] = timed(false);
    untracedWalls.push(untracedMs);
    untracedMultiples.push((untracedMs * 1e6) / delivered / floor);
    untracedSame &&=
      u.verdict === r.verdict &&
      u.events === r.events &&
      u.metrics["messages.delivered"] === r.metrics["messages.delivered"];
  }
  const warmTiming = (wallsOfKind: number[], multiplesOfKind: number[]): WarmTiming => ({
    ...timing(wallsOfKind.length === 0 ? coldMs : median(wallsOfKind), delivered, result.virtualTimeUs),
    runs: wallsOfKind.length,
    bestWallMs: Math.round(wallsOfKind.length === 0 ? coldMs : Math.min(...wallsOfKind)),
    floorMultiple: Math.round(median(multiplesOfKind) * 100) / 100,
  });
  const floorMedian = median(floorNs);
  return {
    verdict: result.verdict,
    traceHash: result.traceHash,
    identicalRuns: hashes.size === 1 && untracedSame,
    events: result.events,
    delivered,
    jobsAnswered: Number(result.metrics["jobs.answered"] ?? 0),
    cold: timing(coldMs, delivered, result.virtualTimeUs),
    warm: warmTiming(walls, multiples),
    untraced: warmTiming(untracedWalls, untracedMultiples),
    floor: {
      nsPerMessage: Math.round(floorMedian * 10) / 10,
      messagesPerSec: Math.round(1e9 / floorMedian),
      goalFloorMultiple: GOAL_FLOOR_MULTIPLE,
    },
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
  const arg = (name: string): string | undefined =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
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
