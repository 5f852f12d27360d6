// `simctl sweep SCENARIO --seeds 1..10000 [-j N] [--swarm] [--shard k/N] [--json]`:
// runs many seeds on worker threads, groups failures by violation signature, keeps
// the fastest-failing seed of each group (fewest events) and writes its repro file.
// Exit 1 if any seed failed. Seeds run untraced (the same runs, without hashing them)
// unless --trace-hashes; each repro comes from a traced rerun of its seed.

import { availableParallelism } from "node:os";
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
import { buildSummary, SweepAggregator, type SweepSummary } from "../../repro/sweep-summary.js";
import { SIMCTL_VERSION } from "../../repro/version.js";
import { allScenarios, type Options, type ScenarioDef } from "../../scenarios/index.js";
import {
  lookupScenario,
  parseDurationFlag,
  parseMaxTime,
  parseOverrides,
  parsePositiveInt,
  preflightOptions,
} from "../args.js";
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
  force?: boolean;
}

const DEFAULT_SEED_TIMEOUT_MS = 10 * 60_000;

/** A wall-clock duration such as 30s or 10m (the same syntax as --max-time), in ms. */
function parseWallTimeout(text: string): number {
  return Math.round(parseDurationFlag(text, "--seed-timeout", 1000) / 1000);
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
  /** Run even when the size estimate is over the bound. */
  force: boolean;
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
  preflightOptions(scenario, overrides, flags.force === true);
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
  return {
    scenario,
    overrides,
    limits,
    range,
    shard,
    threads,
    seedTimeoutMs,
    traced: flags.traceHashes === true,
    force: flags.force === true,
  };
}

async function runSweep(plan: SweepPlan, showProgress: boolean): Promise<SweepSummary> {
  const total = shardSize(plan.range, plan.shard);
  const agg = new SweepAggregator();
  const progress = new Progress(total);
  const setup: WorkerSetup = {
    scenario: plan.scenario.id,
    base: { overrides: plan.overrides, ...plan.limits, trace: plan.traced, ...(plan.force ? { force: true } : {}) },
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
        if (showProgress) progress.update(agg.seedsRun, agg.failed);
      },
    });
  } finally {
    progress.finish();
  }
  return buildSummary(agg, {
    simctlVersion: SIMCTL_VERSION,
    scenario: plan.scenario.id,
    overrides: plan.overrides,
    limits: plan.limits,
    seeds: plan.range,
    shard: plan.shard,
    wallMs: progress.elapsedMs(),
  });
}

/** One repro per group: its fastest seed, rerun here with a record log. */
function writeGroupRepros(plan: SweepPlan, summary: SweepSummary, dir: string): void {
  for (const group of summary.groups) {
    const request = {
      seed: group.fastest.seed,
      overrides: plan.overrides,
      ...plan.limits,
      ...(plan.force ? { force: true } : {}),
    };
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
