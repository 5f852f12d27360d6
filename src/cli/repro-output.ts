// Writing the repro file of a failing run (used by `run` and `sweep`). Its path is known
// before anything is written (reproFileName depends only on the inputs), so the report
// can be printed first and name it. The run is then repeated traced, with a record log,
// on a guarded worker thread under the same wall-clock and memory limits the original
// had: a seed that hung or ran out of memory is captured as a hang or oom repro instead
// of freezing or killing the CLI. If the rerun is not the same run (trace hash, or for an
// untraced original its event count and end time) the caller reports it: that is
// nondeterminism (or state leaking between runs of one worker).

import { join } from "node:path";
import { reproFileName, serializeRepro } from "../repro/io.js";
import type { ReproFile } from "../repro/schema.js";
import { unfinishedRepro } from "../repro/unfinished.js";
import { resolveOptions, type RunRequest, type ScenarioDef } from "../scenarios/index.js";
import { UNTRACED } from "../sim/index.js";
import { writeOutputFile } from "./files.js";
import { guardedRun, type Guard } from "./guarded-run.js";

/** What the original run showed of itself, to check the rerun against. */
export interface RunIdentity {
  traceHash: string;
  events: number;
  virtualTimeUs: number;
}

/** The file a failing run's repro goes to, from the inputs alone. */
export function plannedReproPath(dir: string, scenario: ScenarioDef, request: RunRequest): string {
  const options = resolveOptions(scenario, request.overrides);
  const overrides: Record<string, number | string | boolean> = {};
  for (const [k, v] of Object.entries(options)) if (scenario.options[k] !== v) overrides[k] = v;
  const faultOverride = request.faultSchedule === undefined ? null : [...request.faultSchedule];
  return join(dir, reproFileName({ scenario: scenario.id, seed: request.seed, overrides, faultOverride }));
}

export type Captured =
  | { kind: "repro"; repro: ReproFile; sameRun: boolean }
  | { kind: "interrupted" }
  | { kind: "crashed"; message: string };

/** Reruns `request` traced on a guarded worker and packs it as a repro file (not yet written). */
export async function captureRepro(
  scenario: ScenarioDef,
  request: RunRequest,
  createdBy: string,
  original: RunIdentity | null,
  guard: Guard,
): Promise<Captured> {
  const { traceListener: _l, onProgress: _p, ...plain } = request;
  const outcome = await guardedRun(
    { scenario: scenario.id, request: plain, mode: "capture", createdBy, tracePath: null, heartbeatEvents: 1 << 16 },
    guard,
  );
  switch (outcome.kind) {
    case "done":
      return { kind: "repro", repro: outcome.repro!, sameRun: original === null || sameRun(original, outcome.repro!) };
    case "hang":
      return {
        kind: "repro",
        repro: unfinishedRepro(
          scenario,
          plain,
          { verdict: "hang", wallTimeoutMs: outcome.timeoutMs, ...reached(outcome) },
          createdBy,
        ),
        sameRun: true,
      };
    case "oom":
      return {
        kind: "repro",
        repro: unfinishedRepro(
          scenario,
          plain,
          { verdict: "oom", memoryMb: outcome.memoryMb, ...reached(outcome) },
          createdBy,
        ),
        sameRun: true,
      };
    case "interrupted":
      return { kind: "interrupted" };
    case "crashed":
      return { kind: "crashed", message: outcome.message };
  }
}

function reached(o: { events: number; virtualTimeUs: number }): { events: number; virtualTimeUs: number } {
  return { events: o.events, virtualTimeUs: o.virtualTimeUs };
}

function sameRun(original: RunIdentity, rerun: RunIdentity): boolean {
  if (original.traceHash !== UNTRACED) return original.traceHash === rerun.traceHash;
  return original.events === rerun.events && original.virtualTimeUs === rerun.virtualTimeUs;
}

/** Writes a captured repro to its planned path (atomically; a failure is a FileError). */
export function writeRepro(path: string, repro: ReproFile): void {
  writeOutputFile(path, serializeRepro(repro));
}

/** The command that replays a repro file. */
export function replayCommandLine(path: string, force = false): string {
  return `npx simctl replay ${/\s/.test(path) ? JSON.stringify(path) : path}${force ? " --force" : ""}`;
}
