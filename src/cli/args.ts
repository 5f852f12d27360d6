// Parsing of user-supplied values. Every failure is a UsageError with one clear line.

import { parseDuration, type Micros } from "../sim/index.js";
import {
  findScenario,
  suggestScenarios,
  parseOverride,
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

export function parseMaxTime(text: string): Micros {
  const us = parseDuration(text);
  if (us === null || us <= 0)
    throw new UsageError(`invalid --max-time "${text}": expected a duration like 500ms, 30s, 10m or 1h`);
  return us;
}

export function lookupScenario(id: string): ScenarioDef {
  const scenario = findScenario(id);
  if (scenario !== undefined) return scenario;
  const close = suggestScenarios(id);
  const hint = close.length > 0 ? `; did you mean ${close.join(", ")}?` : "; run `simctl list` to see them";
  throw new UsageError(`unknown scenario "${id}"${hint}`);
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
