// Option resolution: defaults from the scenario, overrides from the caller, validated
// once into a fully resolved object (fast-check's habit) that is printed and recorded.

import type { OptionValue, Options, ScenarioDef } from "./types.js";

export class OptionError extends Error {
  override readonly name = "OptionError";
}

/** Parses `key=value` text against the type of the default. */
export function parseOverride(scenario: ScenarioDef, text: string): [string, OptionValue] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new OptionError(`--set expects key=value, got "${text}"`);
  const key = text.slice(0, eq);
  const raw = text.slice(eq + 1);
  const current = scenario.options[key];
  if (current === undefined) throw new OptionError(unknownOption(scenario, key));
  return [key, coerce(key, raw, current)];
}

function coerce(key: string, raw: string | OptionValue, like: OptionValue): OptionValue {
  if (typeof like === "number") {
    const n = typeof raw === "number" ? raw : Number(raw);
    if (typeof raw === "boolean" || (typeof raw === "string" && raw.trim() === "") || !Number.isFinite(n)) {
      throw new OptionError(`option ${key} expects a number, got "${String(raw)}"`);
    }
    return n;
  }
  if (typeof like === "boolean") {
    if (raw === true || raw === "true" || raw === "1") return true;
    if (raw === false || raw === "false" || raw === "0") return false;
    throw new OptionError(`option ${key} expects true or false, got "${String(raw)}"`);
  }
  return String(raw);
}

function unknownOption(scenario: ScenarioDef, key: string): string {
  const keys = Object.keys(scenario.options);
  return keys.length === 0
    ? `scenario ${scenario.id} has no options (got "${key}")`
    : `unknown option "${key}" for ${scenario.id}; options: ${keys.join(", ")}`;
}

/** Defaults with overrides applied, in the defaults' key order. */
export function resolveOptions<O extends Options>(scenario: ScenarioDef<O>, overrides: Options = {}): O {
  const resolved: Options = { ...scenario.options };
  for (const key of Object.keys(overrides)) {
    const current = scenario.options[key];
    if (current === undefined) throw new OptionError(unknownOption(scenario as unknown as ScenarioDef, key));
    resolved[key] = coerce(key, overrides[key]!, current);
  }
  return resolved as O;
}
