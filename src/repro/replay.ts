// Replaying a repro file: rerun its request, compare hashes, and when they differ find
// the first divergent checkpoint and name the first differing event on both sides
// (the recorded side comes from the file's record log, the replay side from a rerun of
// that window). A divergence is nondeterminism only when the file was written by the very
// code now running (same source identity); otherwise the code changed, and what matters
// is whether the recorded failure still occurs. Printing is the CLI's job.

import { runScenario, type RunRequest, type RunResult, type ScenarioDef } from "../scenarios/index.js";
import type { TraceRecord } from "../sim/index.js";
import { requestOf } from "./capture.js";
import { captureWindow, divergentWindow, firstDifference, type Difference, type Window } from "./divergence.js";
import { decodeRecordLog } from "./record-log.js";
import type { ReproFile } from "./schema.js";
import { hasSignature } from "./signature.js";
import { sourceIdentity } from "./source.js";

export interface ReplayReport {
  result: RunResult;
  identical: boolean;
  window: Window | null;
  difference: Difference | null;
  /** Why no event could be named, when one could not. */
  note: string | null;
  /** The file's code is not the running code (or the file does not say which code wrote it). */
  codeChanged: boolean;
  /** Diverged although the same code wrote the file: the run is not deterministic. */
  nondeterministic: boolean;
  /** The replay shows the recorded outcome: the same violation signature, or a pass for a pass. */
  sameOutcome: boolean;
}

export interface ReplayOptions {
  /** TEST-ONLY: see RunRequest.testPerturbAtRecord. */
  testPerturbAtRecord?: number;
  /** Replay even when the options' size estimate is over the bound. */
  force?: boolean;
}

export function replayRepro(scenario: ScenarioDef, repro: ReproFile, options: ReplayOptions = {}): ReplayReport {
  const request: RunRequest = requestOf(repro);
  if (options.testPerturbAtRecord !== undefined) request.testPerturbAtRecord = options.testPerturbAtRecord;
  if (options.force === true) request.force = true;
  const result = runScenario(scenario, request);
  const window = divergentWindow(repro, result, repro.checkpointEvery);
  const codeChanged = repro.source?.codeHash !== sourceIdentity().codeHash;
  const sameOutcome = repro.signature === null ? result.verdict === "pass" : hasSignature(result, repro.signature);
  let difference: Difference | null = null;
  let note: string | null = null;
  if (window !== null) {
    const recorded = recordedWindow(repro, window);
    if (typeof recorded === "string") {
      note = recorded;
    } else {
      difference = firstDifference(recorded, captureWindow(scenario, request, window));
      if (difference === null)
        note = "the window's records agree on both sides: the divergence did not recur when the window was rerun";
    }
  }
  const identical = window === null;
  return {
    result,
    identical,
    window,
    difference,
    note,
    codeChanged,
    nondeterministic: !identical && !codeChanged,
    sameOutcome,
  };
}

/** The recorded records of a window, or why they cannot be had. */
function recordedWindow(repro: ReproFile, window: Window): TraceRecord[] | string {
  const log = repro.recordLog;
  const missing = "the file has no record log reaching this window, so only the window can be named";
  if (log === null || log === undefined) return missing;
  // A complete log covers every window; a truncated one only those it reaches the end of.
  if (!log.complete && log.count < window.to) return missing;
  try {
    return decodeRecordLog(log, window.from, window.to);
  } catch (error) {
    return `the file's record log is unreadable (${error instanceof Error ? error.message : String(error)}), so only the window can be named`;
  }
}
