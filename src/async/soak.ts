// The soak harness: `runSoak(workerFactory, { iterations, seed })` runs the six soak
// scenarios (concurrent load, timeout enforcement, mid-flight cancellation, failure
// propagation, rapid reconfiguration, jitter storm) every iteration against workers
// built by the factory, so any implementation of AsyncWorkerLike can be soaked.
//
// All randomness comes from the seed, forked per iteration and per scenario, so adding
// iterations never changes earlier ones and a failing iteration replays alone. All time
// is virtual. `soakProc` is the same harness as a process, for use inside a scenario
// run; `runSoak` wraps it in a kernel of its own.

import { Kernel, Rng, type Proc } from "../sim/index.js";
import type { WorkerEvent, WorkerFactory } from "./worker-types.js";
import { concurrentLoad } from "./soak/concurrent-load.js";
import { timeoutEnforcement } from "./soak/timeout-enforcement.js";
import { midFlightCancellation } from "./soak/mid-flight-cancellation.js";
import { failurePropagation } from "./soak/failure-propagation.js";
import { rapidReconfiguration } from "./soak/rapid-reconfiguration.js";
import { jitterStorm } from "./soak/jitter-storm.js";
import type { SoakEnv, SoakRunner } from "./soak/env.js";
import {
  SOAK_SCENARIOS,
  addCounts,
  emptyCounts,
  mergeLatency,
  problemsOf,
  type IterationReport,
  type ScenarioReport,
  type SoakReport,
  type SoakScenarioName,
} from "./soak/report.js";

export * from "./soak/report.js";

export const SOAK_RUNNERS: Readonly<Record<SoakScenarioName, SoakRunner>> = {
  "concurrent-load": concurrentLoad,
  "timeout-enforcement": timeoutEnforcement,
  "mid-flight-cancellation": midFlightCancellation,
  "failure-propagation": failurePropagation,
  "rapid-reconfiguration": rapidReconfiguration,
  "jitter-storm": jitterStorm,
};

export type SoakTelemetry =
  | { kind: "scenario"; report: ScenarioReport }
  | { kind: "iteration"; report: IterationReport }
  | { kind: "worker"; iteration: number; event: WorkerEvent };

export interface SoakOptions {
  iterations: number;
  /** Which scenarios to run each iteration (default: all six, in the plan's order). */
  scenarios?: readonly SoakScenarioName[];
  /** Telemetry hook: every scenario and iteration report, and (if `workerEvents`) every worker lifecycle event. */
  telemetry?: (event: SoakTelemetry) => void;
  workerEvents?: boolean;
}

/** One iteration: each selected scenario in turn, each on a fresh stream. */
export function* soakIteration(
  factory: WorkerFactory,
  input: { rng: Rng; iteration: number; options: SoakOptions },
): Proc<IterationReport> {
  const { rng, iteration, options } = input;
  const telemetry = options.telemetry;
  const scenarios: ScenarioReport[] = [];
  for (const name of options.scenarios ?? SOAK_SCENARIOS) {
    const env: SoakEnv = { factory, rng: rng.fork(name), iteration };
    if (telemetry !== undefined && options.workerEvents === true)
      env.onWorkerEvent = (event) => telemetry({ kind: "worker", iteration, event });
    const report = yield* SOAK_RUNNERS[name](env);
    scenarios.push(report);
    telemetry?.({ kind: "scenario", report });
  }
  const counts = emptyCounts();
  for (const s of scenarios) addCounts(counts, s.counts);
  const report: IterationReport = { iteration, scenarios, counts, latency: mergeLatency(scenarios).summary() };
  telemetry?.({ kind: "iteration", report });
  return report;
}

/** The whole soak as a process: `iterations` iterations on streams forked from `rng`. */
export function* soakProc(
  factory: WorkerFactory,
  input: { rng: Rng; seed: number | string; options: SoakOptions },
): Proc<SoakReport> {
  const { rng, seed, options } = input;
  if (!Number.isInteger(options.iterations) || options.iterations < 0)
    throw new RangeError(`iterations must be a non-negative integer, got ${options.iterations}`);
  const iterations: IterationReport[] = [];
  for (let i = 0; i < options.iterations; i++)
    iterations.push(yield* soakIteration(factory, { rng: rng.fork(`iteration-${i}`), iteration: i, options }));
  const totals = emptyCounts();
  for (const it of iterations) addCounts(totals, it.counts);
  const all = iterations.flatMap((it) => it.scenarios);
  const problems = all.flatMap(problemsOf);
  return { seed, iterations, totals, latency: mergeLatency(all).summary(), problems, ok: problems.length === 0 };
}

/**
 * Runs the soak in a kernel of its own and returns its report (a harness deadlock or crash is reported as a problem).
 */
export function runSoak(factory: WorkerFactory, options: SoakOptions & { seed: number }): SoakReport {
  const kernel = new Kernel();
  const task = kernel.spawn(
    "soak",
    soakProc(factory, { rng: Rng.fromSeed(options.seed).fork("soak"), seed: options.seed, options }),
    { parent: null, handled: true },
  );
  task.onDone(() => kernel.stop());
  const outcome = kernel.run();
  if (task.state === "done") return task.result!;
  const why =
    outcome.failure?.message ?? (task.error instanceof Error ? task.error.message : `soak ended ${task.state}`);
  return {
    seed: options.seed,
    iterations: [],
    totals: emptyCounts(),
    latency: mergeLatency([]).summary(),
    problems: [`soak did not finish: ${why}`],
    ok: false,
  };
}
