// `simctl check`: the same request run twice in fresh kernels must produce the same
// trace. On a mismatch both sides rerun the divergent window with a listener so the
// first differing event can be named.

import { runScenario, type RunRequest, type RunResult, type ScenarioDef } from "../scenarios/index.js";
import { DEFAULT_CHECKPOINT_EVERY } from "./capture.js";
import { captureWindow, divergentWindow, firstDifference, type Difference, type Window } from "./divergence.js";

export interface DeterminismReport {
  first: RunResult;
  second: RunResult;
  window: Window | null;
  difference: Difference | null;
  note: string | null;
  /** Set when the traces agree but the results do not (nondeterminism the trace misses). */
  resultMismatch: string | null;
}

export interface DeterminismOptions {
  /** TEST-ONLY: perturbs the second run's trace at this record (RunRequest.testPerturbAtRecord). */
  testPerturbAtRecord?: number;
}

export function checkDeterminism(
  scenario: ScenarioDef,
  request: RunRequest,
  options: DeterminismOptions = {},
): DeterminismReport {
  const second: RunRequest = { ...request };
  if (options.testPerturbAtRecord !== undefined) second.testPerturbAtRecord = options.testPerturbAtRecord;
  const a = runScenario(scenario, request);
  const b = runScenario(scenario, second);
  const window = divergentWindow(a, b, request.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY);
  if (window === null)
    return { first: a, second: b, window, difference: null, note: null, resultMismatch: resultMismatch(a, b) };
  const difference = firstDifference(captureWindow(scenario, request, window), captureWindow(scenario, second, window));
  const note = difference === null ? "the window's records agree when rerun: the divergence is intermittent" : null;
  return { first: a, second: b, window, difference, note, resultMismatch: null };
}

const COMPARED = [
  "verdict",
  "events",
  "virtualTimeUs",
  "violations",
  "checks",
  "metrics",
  "summary",
  "faultSchedule",
] as const;

/** The first result field that differs between two runs with identical traces, if any. */
function resultMismatch(a: RunResult, b: RunResult): string | null {
  for (const key of COMPARED) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return `the traces agree but the results' ${key} differ`;
  }
  return null;
}
