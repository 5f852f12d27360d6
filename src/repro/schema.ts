// The repro file: everything needed to rerun a run bit for bit and to tell whether a
// rerun matches. Versioned; a reader refuses what it does not understand with one line.
//
//   inputs:   scenario, seed, options (every resolved value), overrides (the non-default
//             ones, for people), limits, checkpointEvery, faultOverride (the explicit
//             schedule given to the run, or null when the scenario drew its own faults)
//   outcome:  faultSchedule (what was applied), traceHash, checkpoints, events,
//             virtualTimeUs, verdict, violations, signature (of the first violation)
//   detail:   recordLog (a compact copy of the trace, for naming a divergent event)
//   identity: source (package version, hash of the running code, git commit and dirty
//             flag), so a replay can tell a code change from nondeterminism
//   guards:   wallTimeoutMs / memoryMb, the limits a hang or oom outcome was judged by

import type { FaultStep } from "../sim/index.js";
import type { Options, Verdict, Violation } from "../scenarios/index.js";
import type { RecordLog } from "./record-log.js";
import type { SourceIdentity } from "./source.js";

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
  verdict: Outcome;
  violations: Violation[];
  signature: string | null;
  recordLog: RecordLog | null;
  /** Absent in files written before source identities existed. */
  source?: SourceIdentity;
  /** Set on a `hang` repro: the wall-clock limit the run exceeded (replay uses it again). */
  wallTimeoutMs?: number;
  /** Set on an `oom` repro: the heap limit the run exceeded. */
  memoryMb?: number;
}

/** A file that is not a repro simctl can read: corrupt, truncated, foreign or too new. */
export class ReproFormatError extends Error {
  override readonly name = "ReproFormatError";
}

/**
 * How a seed ended: a run's verdict, or one of two endings that leave no run behind —
 * `hang`, past its wall-clock limit, and `oom`, past its memory limit (sweeps and guarded
 * runs only; such a repro has no trace hash and records how far the run got).
 */
export type Outcome = Verdict | "hang" | "oom";

export const VERDICTS: readonly Outcome[] = ["pass", "fail", "liveness", "deadlock", "error", "hang", "oom"];

/** A verdict count per outcome, all zero. */
export function emptyVerdicts(): Record<Outcome, number> {
  return { pass: 0, fail: 0, liveness: 0, deadlock: 0, error: 0, hang: 0, oom: 0 };
}
