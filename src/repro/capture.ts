// Turning a run into a repro file and a repro file back into a run request. A repro is
// captured by running the request with a record log attached, so the file carries both
// the checkpoints and a compact copy of the trace.

import { runScenario, type Options, type RunRequest, type RunResult, type ScenarioDef } from "../scenarios/index.js";
import type { TraceListener } from "../sim/index.js";
import { RecordLogBuilder } from "./record-log.js";
import { REPRO_SCHEMA, REPRO_VERSION, type ReproFile } from "./schema.js";
import { primarySignature } from "./signature.js";
import { SIMCTL_VERSION } from "./version.js";
import { sourceIdentity } from "./source.js";

export const DEFAULT_CHECKPOINT_EVERY = 1024;

export interface Captured {
  result: RunResult;
  repro: ReproFile;
}

/** Runs `request` with a record log attached and packs the outcome as a repro file. */
export function captureRun(scenario: ScenarioDef, request: RunRequest, createdBy: string): Captured {
  const log = new RecordLogBuilder();
  const outer = request.traceListener;
  const listener: TraceListener =
    outer === undefined
      ? log.listener
      : (r) => {
          log.listener(r);
          outer(r);
        };
  // A repro carries checkpoints and a record log, so its run is traced whatever the request says.
  const result = runScenario(scenario, { ...request, trace: true, traceListener: listener });
  const checkpointEvery = request.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
  return {
    result,
    repro: { ...reproOf(scenario, result, request, createdBy, checkpointEvery), recordLog: log.build() },
  };
}

/** A repro file for a result (without a record log). */
export function reproOf(
  scenario: ScenarioDef,
  result: RunResult,
  request: RunRequest,
  createdBy: string,
  checkpointEvery = request.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY,
): ReproFile {
  return {
    schema: REPRO_SCHEMA,
    version: REPRO_VERSION,
    simctlVersion: SIMCTL_VERSION,
    createdBy,
    scenario: result.scenario,
    seed: result.seed,
    options: { ...result.options },
    overrides: nonDefault(scenario.options, result.options),
    limits: { ...result.limits },
    checkpointEvery,
    faultOverride: request.faultSchedule === undefined ? null : request.faultSchedule.map((s) => ({ ...s })),
    faultSchedule: result.faultSchedule.map((s) => ({ ...s })),
    traceHash: result.traceHash,
    checkpoints: [...result.checkpoints],
    events: result.events,
    virtualTimeUs: result.virtualTimeUs,
    verdict: result.verdict,
    violations: result.violations.map((v) => ({ ...v, nodes: [...v.nodes] })),
    signature: primarySignature(result),
    recordLog: null,
    source: sourceIdentity(),
  };
}

/**
 * The request that reruns a repro. Every resolved option is passed explicitly, so a
 * later simctl whose defaults changed still runs with the recorded values.
 */
export function requestOf(repro: ReproFile): RunRequest {
  const request: RunRequest = {
    seed: repro.seed,
    overrides: { ...repro.options },
    maxEvents: repro.limits.maxEvents,
    maxTimeUs: repro.limits.maxTimeUs,
    checkpointEvery: repro.checkpointEvery,
  };
  if (repro.faultOverride !== null) request.faultSchedule = repro.faultOverride;
  return request;
}

function nonDefault(defaults: Options, resolved: Options): Options {
  const out: Options = {};
  for (const [key, value] of Object.entries(resolved)) if (defaults[key] !== value) out[key] = value;
  return out;
}
