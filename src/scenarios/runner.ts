// runScenario: (scenario, seed, options) -> RunResult, with no I/O and no wall clock.
// The CLI and the vitest helpers call this and decide what to print or assert.

import {
  Kernel,
  Rng,
  bindKernel,
  errorMessage,
  installDeterminismGuard,
  sym,
  type Micros,
  type Trace,
  type TraceListener,
  type RunFailure,
  type Pulse,
} from "../sim/index.js";
import type { FaultStep } from "../sim/net/fault-step.js";
import type { WorldTap } from "../sim/net/tap.js";
import { ScheduleError } from "../sim/net/schedule.js";
import { ScenarioContext } from "./context.js";
import type { OptionSchema } from "./option-spec.js";
import { resolveOptions, specOf } from "./options.js";
import { checkOptionValue, OptionError } from "./option-check.js";
import { checkSize } from "./option-size.js";
import {
  DEFAULT_MAX_EVENTS,
  DEFAULT_MAX_TIME_US,
  type OptionValue,
  type Options,
  type RunResult,
  type ScenarioDef,
  type Verdict,
} from "./types.js";

export interface RunRequest {
  seed: number;
  overrides?: Options;
  maxEvents?: number;
  maxTimeUs?: Micros;
  /** Receives every trace record (JSONL sinks, divergence windows). */
  traceListener?: TraceListener;
  checkpointEvery?: number;
  /**
   * false: run untraced. The run is the same (same events, verdict and violations), but
   * it has no trace hash (UNTRACED) or checkpoints, so it cannot be compared event by
   * event; rerun the seed traced for that. Cluster runs take about a third less time.
   */
  trace?: boolean;
  /**
   * Told between events every `everyEvents` events how far the run has got (progress
   * lines, a guarded run's heartbeat). It observes only: the run is the same without it.
   */
  onProgress?: Pulse;
  /** Run even when the scenario's size estimate is over SIZE_BOUND (`--force`). */
  force?: boolean;
  /** Replaces the scenario's scripted and random faults with exactly these steps. */
  faultSchedule?: readonly FaultStep[];
  /**
   * Watches the run's World (messages with payloads, node states, faults) for the run
   * viewer. It only observes: the run, its trace hash included, is the same without it.
   */
  tap?: WorldTap;
  /**
   * TEST-ONLY: folds one extra trace record ("test-perturb") just before record number
   * `testPerturbAtRecord`, imitating a nondeterminism bug so tests can check that replay
   * and `simctl check` name the first divergent event. Never set it outside tests.
   */
  testPerturbAtRecord?: number;
}

export function isValidSeed(seed: number): boolean {
  return Number.isSafeInteger(seed) && seed >= 0;
}

export function runScenario<O extends Options>(scenario: ScenarioDef<O>, request: RunRequest): RunResult {
  if (!isValidSeed(request.seed)) throw new RangeError(`seed must be an integer in [0, 2^53), got ${request.seed}`);
  // Options are checked against the scenario's schema (and its size bound) before anything runs.
  const options = resolveOptions(scenario, request.overrides);
  const drawn = drawSwarmOptions(scenario, request, options);
  checkSize(scenario as unknown as ScenarioDef, options, request.force ?? false);
  const limits = {
    maxEvents: request.maxEvents ?? scenario.limits?.maxEvents ?? DEFAULT_MAX_EVENTS,
    maxTimeUs: request.maxTimeUs ?? scenario.limits?.maxTimeUs ?? DEFAULT_MAX_TIME_US,
  };
  const traced = request.trace ?? true;
  if (!traced && (request.traceListener !== undefined || request.testPerturbAtRecord !== undefined)) {
    throw new RangeError("an untraced run (trace: false) has no trace records to listen to or perturb");
  }
  const kernel = new Kernel({
    trace: traced,
    ...(request.checkpointEvery === undefined ? {} : { checkpointEvery: request.checkpointEvery }),
  });
  if (request.traceListener !== undefined) kernel.trace.listener = request.traceListener;
  if (request.onProgress !== undefined) kernel.pulse = request.onProgress;
  if (request.testPerturbAtRecord !== undefined) perturbTrace(kernel.trace, request.testPerturbAtRecord);
  const root = Rng.fromSeed(request.seed);
  const ctx = new ScenarioContext<O>(
    kernel,
    request.seed,
    root.fork("scenario"),
    options,
    request.faultSchedule ?? null,
    request.tap ?? null,
  );
  if (drawn.length > 0) ctx.artifact("drawnOptions", drawn);

  let setupError: unknown = null;
  const previous = bindKernel(kernel);
  // Setup draws plans and builds the world: it must be as deterministic as the run.
  const unguard = installDeterminismGuard((error) => (setupError ??= error));
  try {
    scenario.setup(ctx);
  } catch (error) {
    setupError ??= error;
  } finally {
    unguard();
    bindKernel(previous);
  }
  // A schedule the caller supplied is input: its problems are the caller's, not a crash.
  if (request.faultSchedule !== undefined) {
    if (setupError instanceof ScheduleError) throw setupError;
    if (request.faultSchedule.length > 0 && !ctx.faultOverrideRead) {
      throw new ScheduleError([
        `scenario ${scenario.id} has no simulated network, so a fault schedule does not apply to it`,
      ]);
    }
  }
  const outcome = setupError === null ? kernel.run(limits) : null;
  const { checks, summary } = ctx.finish();
  const failure: RunFailure | null =
    setupError !== null
      ? {
          kind: "failed",
          message: `scenario setup failed: ${errorMessage(setupError)}`,
          atUs: 0,
          seq: 0,
          processes: [],
        }
      : outcome!.failure;

  const violations = [...ctx.violations];
  if (failure !== null) {
    violations.push({
      check: failure.kind === "failed" ? "process" : failure.kind,
      message: failure.message,
      atUs: failure.atUs,
      seq: failure.seq,
      nodes: failure.processes,
    });
  }
  for (const c of checks) {
    if (!c.ok && !violations.some((v) => v.check === c.name)) {
      violations.push({ check: c.name, message: c.detail, atUs: kernel.now, seq: kernel.currentSeq, nodes: [] });
    }
  }
  return {
    scenario: scenario.id,
    seed: request.seed,
    verdict: verdictOf(setupError !== null, failure, violations.length),
    traceHash: kernel.trace.hashHex(),
    checkpoints: kernel.trace.checkpoints(),
    events: kernel.events,
    virtualTimeUs: kernel.now,
    violations,
    checks,
    options,
    limits,
    metrics: ctx.metrics,
    summary,
    failure,
    faultSchedule: ctx.appliedFaults,
    artifacts: ctx.artifacts,
    coverage: kernel.coverage.snapshot(),
  };
}

/**
 * Swarm over options: when `swarm` is on, options the caller left unset take the values the
 * scenario draws for this seed. Returns the names of the options drawn. The draw has its
 * own stream, so drawing (or not, when every option is given) shifts no other stream.
 */
function drawSwarmOptions<O extends Options>(scenario: ScenarioDef<O>, request: RunRequest, options: O): string[] {
  if (options["swarm"] !== true || scenario.swarmOptions === undefined) return [];
  const given = request.overrides ?? {};
  const draws = scenario.swarmOptions(Rng.fromSeed(request.seed).fork("swarm-options"), options);
  const drawn: string[] = [];
  for (const [key, value] of Object.entries(draws)) {
    if (key in given || value === undefined) continue;
    if (!(key in options)) throw new Error(`scenario ${scenario.id} drew an undeclared option "${key}"`);
    (options as Options)[key] = checkDrawn(scenario as unknown as ScenarioDef, key, value);
    drawn.push(key);
  }
  return drawn;
}

/**
 * A drawn value passes the option's declared spec like any other, so a draw outside its
 * range is caught at once. That is a bug in the scenario's draw, not the caller's input:
 * it is a plain Error (an internal error, or a grouped failure in a sweep), never exit 2.
 */
function checkDrawn(scenario: { id: string; schema: OptionSchema }, key: string, value: unknown): OptionValue {
  try {
    return checkOptionValue(key, value, specOf(scenario, key));
  } catch (error) {
    if (error instanceof OptionError) throw new Error(`scenario ${scenario.id}'s swarm draw: ${error.message}`);
    throw error;
  }
}

function verdictOf(setupFailed: boolean, failure: RunFailure | null, violationCount: number): Verdict {
  if (setupFailed) return "error";
  if (failure?.kind === "liveness") return "liveness";
  if (failure?.kind === "deadlock") return "deadlock";
  return violationCount > 0 ? "fail" : "pass";
}

/** TEST-ONLY (see RunRequest.testPerturbAtRecord): one extra record at index `at`. */
function perturbTrace(trace: Trace, at: number): void {
  const record = trace.record.bind(trace);
  const kind = sym("test-perturb");
  trace.record = (atUs, seq, k, node, peer, type, digest) => {
    if (trace.count === at) record(atUs, seq, kind, node, peer, type, 0x5eed);
    record(atUs, seq, k, node, peer, type, digest);
  };
}
