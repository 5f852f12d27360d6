// simctl/testing: property tests over seeds, for vitest (or any runner that reports a
// thrown Error). `sweep(scenario, { seeds, options, swarm })` runs each seed in this
// thread, in order, and stops at the first failure: it writes a repro file and throws
// an Error naming the seed, the violation, the file and the exact replay command. Seeds
// run untraced unless `trace: true`: only verdicts matter here, and the failing seed is
// rerun traced to write its repro.
//
//   SIM_SEED=N      rerun only seed N
//   SIM_SEEDS=N     run N seeds instead of the test's count
//   SIM_REPRO_DIR   where repro files go (default ./simctl-repros/)

import { captureRun } from "../repro/capture.js";
import { DEFAULT_REPRO_DIR, writeReproInto } from "../repro/io.js";
import { violationSignature } from "../repro/signature.js";
import {
  checkSize,
  findScenario,
  resolveOptions,
  runScenario,
  type Options,
  type RunRequest,
  type RunResult,
  type ScenarioDef,
} from "../scenarios/index.js";
import { resolveSeeds, type SeedSpec } from "./seeds-env.js";

export { resolveSeeds, SeedEnvError, type SeedSpec } from "./seeds-env.js";

export interface SweepOptions {
  /** A count (seeds 1..N), an inclusive range, or a list. Default 100. */
  seeds?: SeedSpec;
  /** Scenario option overrides. */
  options?: Options;
  /** Sets the scenario's `swarm` option (it must have one). */
  swarm?: boolean;
  maxEvents?: number;
  maxTimeUs?: number;
  /** Where a failure's repro file goes; default $SIM_REPRO_DIR or ./simctl-repros/. */
  reproDir?: string;
  /**
   * Hash each seed's trace. Default false: seeds run untraced (the same runs, a third
   * faster on cluster scenarios) and a failing seed is rerun traced for its repro.
   */
  trace?: boolean;
  /** Run even when the scenario's size estimate is over SIZE_BOUND. */
  force?: boolean;
}

export interface SweepReport {
  scenario: string;
  seeds: number;
  events: number;
  /** For each coverage mark some seed reached: how many seeds reached it. */
  coverage: Record<string, number>;
}

/** Thrown on the first failing seed; carries the result and the repro path. */
export class SimulationFailure extends Error {
  override readonly name = "SimulationFailure";
  constructor(
    message: string,
    readonly result: RunResult,
    readonly reproPath: string,
  ) {
    super(message);
  }
}

export function sweep(scenarioOrId: string | ScenarioDef, options: SweepOptions = {}): SweepReport {
  const scenario = typeof scenarioOrId === "string" ? findScenario(scenarioOrId) : scenarioOrId;
  if (scenario === undefined) throw new Error(`simctl/testing: unknown scenario "${String(scenarioOrId)}"`);
  const overrides: Options = { ...options.options };
  if (options.swarm !== undefined) {
    if (scenario.options["swarm"] === undefined)
      throw new Error(`simctl/testing: scenario ${scenario.id} has no swarm option`);
    overrides["swarm"] = options.swarm;
  }
  // Through the scenario's schema and size bound before any seed runs: a bad value is an OptionError naming it.
  checkSize(scenario, resolveOptions(scenario, overrides), options.force === true);
  const base: Omit<RunRequest, "seed"> = { overrides, trace: options.trace ?? false };
  if (options.force === true) base.force = true;
  if (options.maxEvents !== undefined) base.maxEvents = options.maxEvents;
  if (options.maxTimeUs !== undefined) base.maxTimeUs = options.maxTimeUs;
  const seeds = resolveSeeds(options.seeds ?? 100);
  let events = 0;
  const coverage: Record<string, number> = {};
  for (const [i, seed] of seeds.entries()) {
    const result = runScenario(scenario, { ...base, seed });
    events += result.events;
    for (const mark of Object.keys(result.coverage)) coverage[mark] = (coverage[mark] ?? 0) + 1;
    if (result.verdict !== "pass") fail(scenario, { ...base, seed }, result, i, seeds.length, options.reproDir);
  }
  return { scenario: scenario.id, seeds: seeds.length, events, coverage };
}

function fail(
  scenario: ScenarioDef,
  request: RunRequest,
  untraced: RunResult,
  index: number,
  count: number,
  reproDir: string | undefined,
): never {
  const dir = reproDir ?? process.env["SIM_REPRO_DIR"] ?? DEFAULT_REPRO_DIR;
  // The capture reruns the seed traced: the error then carries the run with its trace hash.
  const captured = captureRun(scenario, request, "testing");
  const path = writeReproInto(dir, captured.repro);
  const rerunDiffers = captured.result.verdict !== untraced.verdict || captured.result.events !== untraced.events;
  const result = rerunDiffers ? untraced : captured.result;
  const v = result.violations[0];
  const what = v === undefined ? result.verdict : `${v.check}: ${v.message}`;
  const registered = findScenario(scenario.id) === scenario;
  const lines = [
    `${scenario.id} failed at seed ${request.seed} (${index + 1} of ${count} seeds): ${what}`,
    `  verdict:   ${result.verdict}${v === undefined ? "" : `, signature ${violationSignature(v)}`}`,
    `  repro:     ${path}`,
    registered
      ? `  replay:    npx simctl replay ${path}`
      : `  replay:    (scenario ${scenario.id} is not registered, so the CLI cannot replay it; rerun the seed below)`,
    `  this seed: SIM_SEED=${request.seed} npx vitest run`,
  ];
  if (rerunDiffers)
    lines.push(
      `  warning:   rerun traced for the repro, this seed gave ${captured.result.verdict} after ${captured.result.events} events (first run: ${untraced.events}): it is not deterministic (try npx simctl check)`,
    );
  throw new SimulationFailure(lines.join("\n"), result, path);
}
