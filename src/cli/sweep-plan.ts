// From `sweep` flags to a checked plan, before any worker starts: the scenario and its
// options (through the schema and the size bound), the seed range and shard (an empty
// selection is an error, not a green run), the thread count (capped at the cores unless
// --jobs-unbounded), each worker's heap limit, the per-seed wall-clock limit, and the
// repro folder (probed now, not after an hour of seeds).

import { availableParallelism, totalmem } from "node:os";
import { DEFAULT_REPRO_DIR } from "../repro/io.js";
import {
  formatRange,
  parseSeedRange,
  parseShard,
  SeedSpecError,
  shardSize,
  WHOLE,
  type SeedRange,
  type Shard,
} from "../repro/seeds.js";
import { allScenarios, type Options, type RunRequest, type ScenarioDef } from "../scenarios/index.js";
import {
  lookupScenario,
  parseDurationFlag,
  parseMaxTime,
  parseOverrides,
  parsePositiveInt,
  preflightOptions,
} from "./args.js";
import { UsageError } from "./exit-codes.js";
import { checkOutputFolder } from "./files.js";

export interface SweepFlags {
  seeds?: string;
  jobs?: string;
  jobsUnbounded?: boolean;
  swarm?: boolean;
  shard?: string;
  json?: boolean;
  set?: string[];
  maxEvents?: string;
  maxTime?: string;
  reproDir?: string;
  repro?: boolean;
  seedTimeout?: string;
  seedMemory?: string;
  traceHashes?: boolean;
  force?: boolean;
  coverage?: boolean;
}

export interface SweepPlan {
  scenario: ScenarioDef;
  overrides: Options;
  limits: { maxEvents?: number; maxTimeUs?: number };
  range: SeedRange;
  shard: Shard;
  /** Seeds in the shard. */
  total: number;
  threads: number;
  seedTimeoutMs: number;
  memoryMb: number;
  /** Hash every seed's trace; by default seeds run untraced and only repro reruns are traced. */
  traced: boolean;
  /** Count, per coverage mark, the seeds that reached it. */
  coverage: boolean;
  force: boolean;
  /** Null with --no-repro. */
  reproDir: string | null;
}

const DEFAULT_SEED_TIMEOUT_MS = 10 * 60_000;

export function planSweep(id: string, flags: SweepFlags): SweepPlan {
  const scenario = lookupScenario(id);
  const overrides = sweepOverrides(scenario, flags);
  const { range, shard } = selection(flags);
  const total = shardSize(range, shard);
  if (total === 0)
    throw new UsageError(
      `the selection is empty: shard ${shard.index}/${shard.count} of seeds ${formatRange(range)} holds no seed`,
    );
  const limits: SweepPlan["limits"] = {};
  if (flags.maxEvents !== undefined) limits.maxEvents = parsePositiveInt(flags.maxEvents, "--max-events");
  if (flags.maxTime !== undefined) limits.maxTimeUs = parseMaxTime(flags.maxTime);
  if (flags.coverage === true && (scenario.marks ?? []).length === 0)
    throw new UsageError(`--coverage: scenario ${id} declares no coverage marks (cluster scenarios do)`);
  const threads = threadCount(flags, total);
  const reproDir = flags.repro === false ? null : (flags.reproDir ?? DEFAULT_REPRO_DIR);
  if (reproDir !== null) checkOutputFolder(reproDir);
  return {
    scenario,
    overrides,
    limits,
    range,
    shard,
    total,
    threads,
    seedTimeoutMs:
      flags.seedTimeout === undefined
        ? DEFAULT_SEED_TIMEOUT_MS
        : Math.round(parseDurationFlag(flags.seedTimeout, "--seed-timeout", 1000) / 1000),
    memoryMb: flags.seedMemory === undefined ? defaultMemoryMb(threads) : parseMemory(flags.seedMemory),
    traced: flags.traceHashes === true,
    coverage: flags.coverage === true,
    force: flags.force === true,
    reproDir,
  };
}

function sweepOverrides(scenario: ScenarioDef, flags: SweepFlags): Options {
  const overrides = parseOverrides(scenario, flags.set ?? []);
  if (flags.swarm) {
    if (scenario.options["swarm"] === undefined) {
      const capable = allScenarios()
        .filter((s) => s.options["swarm"] !== undefined)
        .map((s) => s.id);
      throw new UsageError(
        `--swarm: scenario ${scenario.id} has no swarm option${capable.length > 0 ? `; scenarios with one: ${capable.join(", ")}` : "; no scenario has one yet"}`,
      );
    }
    overrides["swarm"] = true;
  }
  preflightOptions(scenario, overrides, flags.force === true);
  return overrides;
}

function selection(flags: SweepFlags): { range: SeedRange; shard: Shard } {
  try {
    const range = parseSeedRange(flags.seeds ?? "1..100");
    return { range, shard: flags.shard === undefined ? WHOLE : parseShard(flags.shard) };
  } catch (error) {
    if (error instanceof SeedSpecError) throw new UsageError(error.message);
    throw error;
  }
}

/** -j, capped at the cores (each worker is a busy thread) unless --jobs-unbounded, and at the seed count. */
function threadCount(flags: SweepFlags, total: number): number {
  const cores = availableParallelism();
  if (flags.jobs === undefined) return Math.min(cores, total);
  const asked = parsePositiveInt(flags.jobs, "-j");
  if (asked > cores && flags.jobsUnbounded !== true) {
    process.stderr.write(
      `simctl: note: -j ${asked} capped at ${cores}, the cores available (--jobs-unbounded lifts the cap)\n`,
    );
    return Math.min(cores, total);
  }
  return Math.min(asked, total);
}

/** Each worker's heap: an equal share of the machine's memory (one share kept for the main thread). */
function defaultMemoryMb(threads: number): number {
  const mb = Math.floor(totalmem() / 1024 / 1024 / (threads + 1));
  return Math.max(256, Math.min(4096, mb));
}

function parseMemory(text: string): number {
  const m = /^(\d+)\s*(MB|GB)$/i.exec(text.trim());
  const mb = m === null ? Number.NaN : Number(m[1]) * (m[2]!.toUpperCase() === "GB" ? 1024 : 1);
  if (!Number.isSafeInteger(mb) || mb < 64 || mb > 1024 * 1024)
    throw new UsageError(`invalid --seed-memory "${text}": expected a size with a unit, from 64MB, e.g. 512MB or 2GB`);
  return mb;
}

/** The request that reruns one seed of the sweep. */
export function requestFor(plan: SweepPlan, seed: number): RunRequest {
  return { seed, overrides: plan.overrides, ...plan.limits, ...(plan.force ? { force: true } : {}) };
}
