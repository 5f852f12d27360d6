// The repro file: everything needed to rerun a run bit for bit and to tell whether a
// rerun matches. Versioned; a reader refuses what it does not understand with one line.
//
//   inputs:   scenario, seed, options (every resolved value), overrides (the non-default
//             ones, for people), limits, checkpointEvery, faultOverride (the explicit
//             schedule given to the run, or null when the scenario drew its own faults)
//   outcome:  faultSchedule (what was applied), traceHash, checkpoints, events,
//             virtualTimeUs, verdict, violations, signature (of the first violation)
//   detail:   recordLog (a compact copy of the trace, for naming a divergent event)

import type { FaultStep } from "../sim/index.js";
import type { Options, Verdict, Violation } from "../scenarios/index.js";
import type { RecordLog } from "./record-log.js";

export const REPRO_SCHEMA = "simctl-repro";
export const REPRO_VERSION = 1;

export interface ReproFile {
  schema: typeof REPRO_SCHEMA;
  version: typeof REPRO_VERSION;
  simctlVersion: string;
  /** Which tool wrote it: run, sweep, shrink, testing, fixtures. */
  createdBy: string;
  scenario: string;
  seed: number;
  options: Options;
  overrides: Options;
  limits: { maxEvents: number; maxTimeUs: number };
  checkpointEvery: number;
  faultOverride: FaultStep[] | null;
  faultSchedule: FaultStep[];
  traceHash: string;
  checkpoints: string[];
  events: number;
  virtualTimeUs: number;
  verdict: Verdict;
  violations: Violation[];
  signature: string | null;
  recordLog: RecordLog | null;
}

/** A file that is not a repro simctl can read: corrupt, truncated, foreign or too new. */
export class ReproFormatError extends Error {
  override readonly name = "ReproFormatError";
}

export const VERDICTS: readonly Verdict[] = ["pass", "fail", "liveness", "deadlock", "error"];
