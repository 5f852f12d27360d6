// Writing the repro file for a failing run (used by `run` and `sweep`). The run is
// repeated traced with a record log attached; if that rerun is not the same run (trace
// hash, or for an untraced original its event count and end time) the run is not
// deterministic, which the caller reports instead of hiding it.

import { captureRun } from "../repro/capture.js";
import { writeReproInto } from "../repro/io.js";
import type { RunRequest, ScenarioDef } from "../scenarios/index.js";
import { UNTRACED } from "../sim/index.js";

export interface WrittenRepro {
  path: string;
  /** False when the capture rerun differs from the original run. */
  sameRun: boolean;
}

/** What the original run showed of itself, to check the rerun against. */
export interface RunIdentity {
  traceHash: string;
  events: number;
  virtualTimeUs: number;
}

export function writeFailureRepro(
  scenario: ScenarioDef,
  request: RunRequest,
  dir: string,
  createdBy: string,
  original: RunIdentity | null,
): WrittenRepro {
  const { traceListener: _ignored, ...plain } = request;
  const { repro } = captureRun(scenario, plain, createdBy);
  const path = writeReproInto(dir, repro);
  return { path, sameRun: original === null || sameRun(original, repro) };
}

function sameRun(original: RunIdentity, rerun: RunIdentity): boolean {
  if (original.traceHash !== UNTRACED) return original.traceHash === rerun.traceHash;
  return original.events === rerun.events && original.virtualTimeUs === rerun.virtualTimeUs;
}

/** The command that replays a repro file. */
export function replayCommandLine(path: string): string {
  return `npx simctl replay ${/\s/.test(path) ? JSON.stringify(path) : path}`;
}
