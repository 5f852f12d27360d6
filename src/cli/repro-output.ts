// Writing the repro file for a failing run (used by `run` and `sweep`). The run is
// repeated with a record log attached; if that rerun does not give the same trace hash
// the run is not deterministic, which the caller reports instead of hiding it.

import { captureRun } from "../repro/capture.js";
import { writeReproInto } from "../repro/io.js";
import type { RunRequest, ScenarioDef } from "../scenarios/index.js";

export interface WrittenRepro {
  path: string;
  /** False when the capture rerun's trace differs from the original run's. */
  sameTrace: boolean;
}

export function writeFailureRepro(scenario: ScenarioDef, request: RunRequest, dir: string, createdBy: string, expectedHash: string | null): WrittenRepro {
  const { traceListener: _ignored, ...plain } = request;
  const { repro } = captureRun(scenario, plain, createdBy);
  const path = writeReproInto(dir, repro);
  return { path, sameTrace: expectedHash === null || repro.traceHash === expectedHash };
}

/** The command that replays a repro file. */
export function replayCommandLine(path: string): string {
  return `npx simctl replay ${/\s/.test(path) ? JSON.stringify(path) : path}`;
}
