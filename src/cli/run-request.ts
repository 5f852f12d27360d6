// From `run`/`check` flags to a RunRequest, every value checked before anything runs: the
// seed, the --set overrides against the scenario's schema and size bound, the budgets
// (durations with a unit) and a --faults file (read and parsed here; its steps are
// checked against the topology when the run builds its world).

import { randomInt } from "node:crypto";
import type { RunRequest, ScenarioDef } from "../scenarios/index.js";
import type { FaultStep } from "../sim/index.js";
import { parseMaxTime, parseOverrides, parsePositiveInt, parseSeed, preflightOptions } from "./args.js";
import { UsageError } from "./exit-codes.js";
import { readInputFile } from "./files.js";

export interface RequestFlags {
  seed?: string;
  maxEvents?: string;
  maxTime?: string;
  set?: string[];
  /** A JSON fault schedule file that replaces the scenario's own faults. */
  faults?: string;
  /** Run even when the scenario's size estimate is over the bound. */
  force?: boolean;
}

export function buildRequest(
  scenario: ScenarioDef,
  flags: RequestFlags,
): { request: RunRequest; seedWasRandom: boolean } {
  const seedWasRandom = flags.seed === undefined;
  // randomInt's range (max - min) must stay below 2^48, so the bound is 2^48 - 1.
  const seed = flags.seed === undefined ? randomInt(0, 2 ** 48 - 1) : parseSeed(flags.seed);
  const overrides = parseOverrides(scenario, flags.set ?? []);
  preflightOptions(scenario, overrides, flags.force === true);
  const request: RunRequest = { seed, overrides };
  if (flags.force === true) request.force = true;
  if (flags.maxEvents !== undefined) request.maxEvents = parsePositiveInt(flags.maxEvents, "--max-events");
  if (flags.maxTime !== undefined) request.maxTimeUs = parseMaxTime(flags.maxTime);
  if (flags.faults !== undefined) request.faultSchedule = readFaultFile(flags.faults);
  return { request, seedWasRandom };
}

/** A fault schedule file: JSON, an array of step objects. */
function readFaultFile(path: string): FaultStep[] {
  const text = readInputFile(path, "fault schedule");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `invalid fault schedule ${path}: not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === "object" && s !== null && !Array.isArray(s)))
    throw new UsageError(
      `invalid fault schedule ${path}: expected a JSON array of steps like [{ "atMs": 1000, "action": "crash", "node": "dc1-mgr-1" }]`,
    );
  return parsed as FaultStep[];
}
