// Parsing of user-supplied values. Every failure is a UsageError with one clear line.

import type { Micros } from "../sim/index.js";
import {
  checkSize,
  findScenario,
  parseDurationMs,
  suggestScenarios,
  parseOverride,
  resolveOptions,
  OptionError,
  type Options,
  type ScenarioDef,
} from "../scenarios/index.js";
import { UsageError } from "./exit-codes.js";

export const MAX_SEED = 2 ** 53;

export function parseSeed(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`invalid seed "${text}": expected a decimal integer in [0, 2^53)`);
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed >= MAX_SEED)
    throw new UsageError(`invalid seed "${text}": expected a decimal integer in [0, 2^53)`);
  return seed;
}

export function parsePositiveInt(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`invalid ${what} "${text}": expected a positive integer`);
  }
  return Number(text);
}

/** A duration flag; the unit is required (`--max-time 30` is refused, not read as 30 ms). */
export function parseDurationFlag(text: string, flag: string, minUs = 1): Micros {
  const ms = parseDurationMs(text);
  const us = ms === null ? null : Math.round(ms * 1000);
  if (us === null || !Number.isSafeInteger(us) || us < minUs) {
    const hint = /^\d+(\.\d+)?$/.test(text.trim()) ? ` (no unit: write ${text.trim()}ms or ${text.trim()}s)` : "";
    throw new UsageError(`invalid ${flag} "${text}"${hint}: expected a duration like 500ms, 30s, 10m or 1h`);
  }
  return us;
}

export function parseMaxTime(text: string): Micros {
  return parseDurationFlag(text, "--max-time");
}

export function lookupScenario(id: string): ScenarioDef {
  const scenario = findScenario(id);
  if (scenario !== undefined) return scenario;
  const close = suggestScenarios(id);
  const hint = close.length > 0 ? `; did you mean ${close.join(", ")}?` : "; run `simctl list` to see them";
  throw new UsageError(`unknown scenario "${id}"${hint}`);
}

/**
 * The options a run would resolve to, checked against the scenario's schema and its size
 * bound, so a bad value or an oversized world is one line before anything starts.
 */
export function preflightOptions(scenario: ScenarioDef, overrides: Options, force: boolean): Options {
  try {
    const options = resolveOptions(scenario, overrides);
    checkSize(scenario, options, force);
    return options;
  } catch (error) {
    if (error instanceof OptionError) throw new UsageError(error.message);
    throw error;
  }
}

export function parseOverrides(scenario: ScenarioDef, pairs: readonly string[]): Options {
  const out: Options = {};
  for (const text of pairs) {
    try {
      const [key, value] = parseOverride(scenario, text);
      out[key] = value;
    } catch (error) {
      if (error instanceof OptionError) throw new UsageError(error.message);
      throw error;
    }
  }
  return out;
}
