// Repro files for runs that never finished: a seed past its wall-clock limit (`hang`) or
// its heap limit (`oom`). There is no trace to hash, so the file records the inputs, how
// far the run got (events and virtual time from its last heartbeat) and the limit it
// broke, with the hang or oom as its verdict and signature. Replay reruns it under the
// same limit and says whether it still hangs (or runs out of memory).

import { UNTRACED } from "../sim/index.js";
import { resolveOptions, type RunRequest, type ScenarioDef } from "../scenarios/index.js";
import { DEFAULT_CHECKPOINT_EVERY } from "./capture.js";
import { REPRO_SCHEMA, REPRO_VERSION, type ReproFile } from "./schema.js";
import { violationSignature } from "./signature.js";
import { sourceIdentity } from "./source.js";
import { SIMCTL_VERSION } from "./version.js";
import { DEFAULT_MAX_EVENTS, DEFAULT_MAX_TIME_US } from "../scenarios/index.js";

export type Unfinished =
  | { verdict: "hang"; wallTimeoutMs: number; events: number; virtualTimeUs: number }
  | { verdict: "oom"; memoryMb: number; events: number; virtualTimeUs: number };

/** The one-line message of an unfinished run; its template is the group's signature. */
export function unfinishedMessage(
  u: Pick<Unfinished, "verdict"> & { wallTimeoutMs?: number; memoryMb?: number },
): string {
  return u.verdict === "hang"
    ? `seed ran longer than the ${formatSeconds(u.wallTimeoutMs ?? 0)} wall-clock limit (hung?)`
    : `seed exceeded the ${u.memoryMb ?? 0} MB memory limit`;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

export function unfinishedRepro(
  scenario: ScenarioDef,
  request: RunRequest,
  u: Unfinished,
  createdBy: string,
): ReproFile {
  const options = resolveOptions(scenario, request.overrides);
  const overrides: Record<string, number | string | boolean> = {};
  for (const [k, v] of Object.entries(options)) if (scenario.options[k] !== v) overrides[k] = v;
  const violation = { check: u.verdict, message: unfinishedMessage(u), atUs: u.virtualTimeUs, seq: 0, nodes: [] };
  const repro: ReproFile = {
    schema: REPRO_SCHEMA,
    version: REPRO_VERSION,
    simctlVersion: SIMCTL_VERSION,
    createdBy,
    scenario: scenario.id,
    seed: request.seed,
    options,
    overrides,
    limits: {
      maxEvents: request.maxEvents ?? scenario.limits?.maxEvents ?? DEFAULT_MAX_EVENTS,
      maxTimeUs: request.maxTimeUs ?? scenario.limits?.maxTimeUs ?? DEFAULT_MAX_TIME_US,
    },
    checkpointEvery: request.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY,
    faultOverride: request.faultSchedule === undefined ? null : request.faultSchedule.map((s) => ({ ...s })),
    faultSchedule: [],
    traceHash: UNTRACED,
    checkpoints: [],
    events: u.events,
    virtualTimeUs: u.virtualTimeUs,
    verdict: u.verdict,
    violations: [violation],
    signature: violationSignature(violation),
    recordLog: null,
    source: sourceIdentity(),
  };
  if (u.verdict === "hang") repro.wallTimeoutMs = u.wallTimeoutMs;
  else repro.memoryMb = u.memoryMb;
  return repro;
}
