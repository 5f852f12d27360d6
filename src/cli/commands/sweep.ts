// `simctl sweep SCENARIO --seeds 1..10000 [-j N] [--swarm] [--shard k/N] [--json]`:
// runs many seeds on worker threads, groups failures by violation signature, keeps
// the fastest-failing seed of each group (fewest events) and writes its repro file.
// Exit 1 if any seed failed. Seeds run untraced (the same runs, without hashing them)
// unless --trace-hashes; each repro comes from a traced rerun of its seed.

import { availableParallelism } from "node:os";
import { parseDuration } from "../../sim/index.js";
import { DEFAULT_REPRO_DIR } from "../../repro/io.js";
import {
  parseSeedRange,
  parseShard,
  SeedSpecError,
  shardSeeds,
  shardSize,
  WHOLE,
  type SeedRange,
  type Shard,
} from "../../repro/seeds.js";
import { CoverageTally } from "../../repro/coverage-summary.js";
import { buildSummary, SweepAggregator, type SweepSummary } from "../../repro/sweep-summary.js";
import { SIMCTL_VERSION } from "../../repro/version.js";
import { allScenarios, type Options, type ScenarioDef } from "../../scenarios/index.js";
import { lookupScenario, parseMaxTime, parseOverrides, parsePositiveInt } from "../args.js";
import { ExitCode, UsageError } from "../exit-codes.js";
import { Progress } from "../progress.js";
import { writeFailureRepro } from "../repro-output.js";
import { renderSweep } from "../render-sweep.js";
import { runPool } from "../sweep-pool.js";
import type { WorkerSetup } from "../sweep-worker.js";

export interface SweepFlags {
  seeds?: string;
  jobs?: string;
  swarm?: boolean;
  shard?: string;
  json?: boolean;
  set?: string[];
  maxEvents?: string;
  maxTime?: string;
  reproDir?: string;
  repro?: boolean;
  seedTimeout?: string;
  traceHashes?: boolean;
  coverage?: boolean;
}

const DEFAULT_SEED_TIMEOUT_MS = 10 * 60_000;

/** A wall-clock duration such as 30s or 10m (the same syntax as --max-time), in ms. */
function parseWallTimeout(text: string): number {
  const us = parseDuration(text);
  if (us === null || us < 1000)
    throw new UsageError(`invalid --seed-timeout "${text}": expected a duration like 30s or 10m`);
  return Math.round(us / 1000);
}

interface SweepPlan {
  scenario: ScenarioDef;
  overrides: Options;
  limits: { maxEvents?: number; maxTimeUs?: number };
  range: SeedRange;
  shard: Shard;
  threads: number;
  seedTimeoutMs: number;
  /** Hash every seed's trace; by default seeds run untraced and only repro reruns are traced. */
  traced: boolean;
  /** Count, per coverage mark, the seeds that reached it. */
  coverage: boolean;
}

export async function sweepCommand(id: string, flags: SweepFlags): Promise<number> {
  const plan = planSweep(id, flags);
  const summary = await runSweep(plan, flags.json !== true);
  if (flags.repro !== false) writeGroupRepros(plan, summary, flags.reproDir ?? DEFAULT_REPRO_DIR);
  process.stdout.write(
    flags.json ? `${JSON.stringify(summary, null, 2)}\n` : `${renderSweep(summary, plan.threads).join("\n")}\n`,
  );
  return summary.failed > 0 ? ExitCode.CheckFailed : ExitCode.Pass;
}

function planSweep(id: string, flags: SweepFlags): SweepPlan {
  const scenario = lookupScenario(id);
  const overrides = parseOverrides(scenario, flags.set ?? []);
  if (flags.swarm) {
    if (scenario.options["swarm"] === undefined) {
      const capable = allScenarios()
        .filter((s) => s.options["swarm"] !== undefined)
        .map((s) => s.id);
      throw new UsageError(
        `--swarm: scenario ${id} has no swarm option${capable.length > 0 ? `; scenarios with one: ${capable.join(", ")}` : "; no scenario has one yet"}`,
      );
    }
    overrides["swarm"] = true;
  }
  let range: SeedRange;
  let shard: Shard = WHOLE;
  try {
    range = parseSeedRange(flags.seeds ?? "1..100");
    if (flags.shard !== undefined) shard = parseShard(flags.shard);
  } catch (error) {
    if (error instanceof SeedSpecError) throw new UsageError(error.message);
    throw error;
  }
  const limits: SweepPlan["limits"] = {};
  if (flags.maxEvents !== undefined) limits.maxEvents = parsePositiveInt(flags.maxEvents, "--max-events");
  if (flags.maxTime !== undefined) limits.maxTimeUs = parseMaxTime(flags.maxTime);
  const threads = flags.jobs === undefined ? availableParallelism() : parsePositiveInt(flags.jobs, "-j");
  const seedTimeoutMs = flags.seedTimeout === undefined ? DEFAULT_SEED_TIMEOUT_MS : parseWallTimeout(flags.seedTimeout);
  if (flags.coverage === true && (scenario.marks ?? []).length === 0)
    throw new UsageError(`--coverage: scenario ${id} declares no coverage marks (cluster scenarios do)`);
  return {
    scenario,
    overrides,
    limits,
    range,
    shard,
    threads,
    seedTimeoutMs,
    traced: flags.traceHashes === true,
    coverage: flags.coverage === true,
  };
}

async function runSweep(plan: SweepPlan, showProgress: boolean): Promise<SweepSummary> {
  const total = shardSize(plan.range, plan.shard);
  const agg = new SweepAggregator();
  const tally = new CoverageTally();
  const progress = new Progress(total);
  const setup: WorkerSetup = {
    scenario: plan.scenario.id,
    base: { overrides: plan.overrides, ...plan.limits, trace: plan.traced },
    coverage: plan.coverage,
  };
  try {
    await runPool({
      threads: plan.threads,
      setup,
      seeds: shardSeeds(plan.range, plan.shard),
      total,
      seedTimeoutMs: plan.seedTimeoutMs,
      onOutcome: (o) => {
        agg.add(o);
        if (o.marks !== undefined) tally.add(o.marks);
        if (showProgress) progress.update(agg.seedsRun, agg.failed);
      },
    });
  } finally {
    progress.finish();
  }
  const summary = buildSummary(agg, {
    simctlVersion: SIMCTL_VERSION,
    scenario: plan.scenario.id,
    overrides: plan.overrides,
    limits: plan.limits,
    seeds: plan.range,
    shard: plan.shard,
    wallMs: progress.elapsedMs(),
  });
  if (plan.coverage) summary.coverage = tally.summary(plan.scenario.marks ?? []);
  return summary;
}

/** One repro per group: its fastest seed, rerun here with a record log. */
function writeGroupRepros(plan: SweepPlan, summary: SweepSummary, dir: string): void {
  for (const group of summary.groups) {
    const request = { seed: group.fastest.seed, overrides: plan.overrides, ...plan.limits };
    try {
      // An exception outcome has no run (and no trace hash) to compare with.
      const written = writeFailureRepro(
        plan.scenario,
        request,
        dir,
        "sweep",
        group.fastest.traceHash === "" ? null : group.fastest,
      );
      group.repro = written.path;
      // A seed that runs differently alone than after other seeds in a worker leaks state between runs.
      if (!written.sameRun)
        process.stderr.write(
          `warning: seed ${group.fastest.seed} ran differently rerun alone than in its sweep worker: state leaks between runs (try simctl check)\n`,
        );
    } catch (error) {
      // A seed that throws outside the kernel has no run to record; the group still stands.
      group.repro = null;
      if (group.check !== "exception") throw error;
    }
  }
}
