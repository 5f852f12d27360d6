// How big a failing run is, for shrink's before/after report.

import type { Options, RunResult, ScenarioDef } from "../scenarios/index.js";
import type { FaultStep } from "../sim/index.js";

/** One point shrink tries: options, fault schedule and run length (shrink.ts). */
export interface Candidate {
  options: Options;
  faults: FaultStep[];
  maxTimeUs: number;
}

export interface ShrinkSize {
  faultSteps: number;
  faultDurationMs: number;
  /** The scenario's shrinkable options and their values. */
  workload: Record<string, number | string | boolean>;
  maxTimeUs: number;
  events: number;
  virtualTimeUs: number;
}

export function sizeOf(scenario: ScenarioDef, c: Candidate, r: RunResult): ShrinkSize {
  const workload: ShrinkSize["workload"] = {};
  for (const key of Object.keys(scenario.shrinkable ?? {})) {
    const v = c.options[key];
    if (v !== undefined) workload[key] = v;
  }
  return {
    faultSteps: c.faults.length,
    faultDurationMs: c.faults.reduce((sum, f) => sum + (typeof f.durationMs === "number" ? f.durationMs : 0), 0),
    workload,
    maxTimeUs: c.maxTimeUs,
    events: r.events,
    virtualTimeUs: r.virtualTimeUs,
  };
}
