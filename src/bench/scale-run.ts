// One row of the scale bench (scale.ts), run in a process of its own so that its peak RSS
// is its own: `node dist/bench/scale-run.js --workersPerDc=1000 [--warm] [--warm-up]`.
// Prints one JSON line.
//
// The row is the standard cluster (bench/cluster.ts) with any of its options changed, plus
// a sampler that reads the process's RSS and the jobs in flight about every `sampleEveryMs`
// of virtual time, at the first emitted event after each mark (so it adds no event: the run
// is the standard cluster's). Runs are untraced unless --traced: what a sweep pays per seed.
//
//   --warm      run the row a second time and report that run's wall time too (the first
//               run of a process pays V8's warm-up, which is 40% of a standard run)
//   --warm-up   run the standard cluster once before the row (instruction counts: the row
//               is then measured with the JIT as warm as it gets)
//   --no-row    with --warm-up: stop after it (the baseline the instruction counts subtract)

import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { defineScenario, runScenario } from "../scenarios/index.js";
import { STANDARD_OPTIONS, STANDARD_SCHEMA, setupStandardCluster, standardCluster } from "./cluster.js";

export type ScaleOptions = typeof STANDARD_OPTIONS;

export interface ScaleRunResult {
  options: ScaleOptions;
  nodes: number;
  verdict: string;
  events: number;
  delivered: number;
  jobsSubmitted: number;
  /** Wall time of the first run in this process. */
  coldWallMs: number;
  /** Wall time of a second run (with --warm), else null. */
  warmWallMs: number | null;
  /** RSS before anything ran: the process's own footprint. */
  idleRssMb: number;
  /** The process's peak RSS after the first run. */
  peakRssMb: number;
  /** The most jobs in flight (submitted, neither answered nor refused) at a sample. */
  peakLiveJobs: number;
  /** [virtual minutes, RSS MB] at each sample of the first run. */
  rssSamples: [number, number][];
}

const MB = 1024 * 1024;

/** A scenario per row: the standard cluster plus the sampler (the sampler reads the ClusterWorld's counters). */
function scaleScenario(sampleEveryMs: number, sample: (live: number, nowUs: number) => void) {
  return defineScenario({
    id: "bench/scale-row",
    title: "a row of the scale bench",
    description: "benchmark only",
    covers: [],
    options: STANDARD_OPTIONS,
    schema: STANDARD_SCHEMA,
    setup(ctx) {
      const c = setupStandardCluster(ctx, ctx.options);
      // Sampled from the emit stream rather than by a timer of its own, so the run is the
      // standard cluster's run exactly (same events, same trace).
      let nextUs = sampleEveryMs * 1000;
      c.world.onEmit((o) => {
        if (o.atUs < nextUs) return;
        nextUs = (Math.floor(o.atUs / (sampleEveryMs * 1000)) + 1) * sampleEveryMs * 1000;
        sample(c.count("client.submitted") - c.count("client.result") - c.count("client.rejected"), o.atUs);
      });
    },
  });
}

function nodeCount(o: ScaleOptions): number {
  return o.gates + o.dcs * (o.managersPerDc + o.workersPerDc) + 1;
}

/** Virtual time the runner allows: the load, the drain and some slack. */
function maxTimeUs(o: ScaleOptions): number {
  return (o.virtualMinutes * 60 + 600) * 1_000_000;
}

export function runScaleRow(
  options: ScaleOptions,
  flags: { warm: boolean; traced: boolean; sampleEveryMs: number },
): ScaleRunResult {
  const idleRssMb = process.memoryUsage.rss() / MB;
  let peakLiveJobs = 0;
  let samples: [number, number][] = [];
  const scenario = scaleScenario(flags.sampleEveryMs, (live, nowUs) => {
    peakLiveJobs = Math.max(peakLiveJobs, live);
    samples.push([Math.round(nowUs / 6e6) / 10, Math.round(process.memoryUsage.rss() / MB)]);
  });
  const run = () => {
    const start = performance.now();
    const r = runScenario(scenario, {
      seed: 1,
      overrides: options,
      trace: flags.traced,
      maxEvents: 2_000_000_000,
      maxTimeUs: maxTimeUs(options),
    });
    return { r, ms: performance.now() - start };
  };
  const first = run();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const rssSamples = samples;
  samples = [];
  const second = flags.warm ? run() : null;
  return {
    options,
    nodes: nodeCount(options),
    verdict: first.r.verdict,
    events: first.r.events,
    delivered: Number(first.r.metrics["messages.delivered"] ?? 0),
    jobsSubmitted: Number(first.r.metrics["jobs.submitted"] ?? 0),
    coldWallMs: Math.round(first.ms),
    warmWallMs: second === null ? null : Math.round(second.ms),
    idleRssMb: Math.round(idleRssMb),
    peakRssMb: Math.round(peakRssMb),
    peakLiveJobs,
    rssSamples,
  };
}

/** Parses `--name=N` for every standard option; exits 2 on a bad value. */
export function scaleOptionsFrom(argv: readonly string[]): ScaleOptions {
  const o = { ...STANDARD_OPTIONS };
  for (const name of Object.keys(o) as (keyof ScaleOptions)[]) {
    const text = argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    if (text === undefined) continue;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) {
      process.stderr.write(`bench: --${name} needs a non-negative number, got "${text}"\n`);
      process.exit(2);
    }
    o[name] = value;
  }
  return o;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const traced = argv.includes("--traced");
  if (argv.includes("--warm-up"))
    runScenario(standardCluster, { seed: 1, trace: traced, maxTimeUs: maxTimeUs(STANDARD_OPTIONS) });
  if (argv.includes("--no-row")) {
    process.stdout.write(`${JSON.stringify({ delivered: 0 })}\n`);
  } else {
    const sampleText = argv.find((a) => a.startsWith("--sample-every-ms="))?.slice("--sample-every-ms=".length);
    const result = runScaleRow(scaleOptionsFrom(argv), {
      warm: argv.includes("--warm"),
      traced,
      sampleEveryMs: sampleText === undefined ? 10_000 : Number(sampleText),
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}
