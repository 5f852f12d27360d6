// Checking one option value against its declared spec. Two doors lead here: text a person
// typed (`--set rounds=50`, `--set faultPhaseMs=30s`), parsed strictly, and values that
// arrive typed (repro files, the vitest API, swarm draws), checked as they are. Both end
// in the same range check and the same one-line message:
//
//   option workersPerDc=-1 is out of range: expected an integer in [1, 1000]

import { describeAllowed, formatDurationMs, parseDurationMs, type OptionSpec, type OptionType } from "./option-spec.js";
import type { OptionValue } from "./result-types.js";

export class OptionError extends Error {
  override readonly name: string = "OptionError";
}

const NOUN: Readonly<Record<OptionType, string>> = {
  integer: "an integer",
  number: "a number",
  boolean: "true or false",
  enum: "a value",
  duration: "a duration with a unit (us, ms, s, m, h)",
};

/** `expected an integer in [1, 64]`: the whole of what the option accepts. */
export function expectation(spec: OptionSpec): string {
  if (spec.type === "boolean") return "expected true or false";
  if (spec.type === "enum") return `expected ${describeAllowed(spec)}`;
  return `expected ${NOUN[spec.type]} in ${describeAllowed(spec)}`;
}

function refuse(key: string, shown: string, spec: OptionSpec, why: string): never {
  throw new OptionError(`option ${key}=${shown} ${why}: ${expectation(spec)}`);
}

/** Parses typed text; integers and numbers are plain decimals (no 0x10, no 1e9 for an integer). */
export function parseOptionText(key: string, raw: string, spec: OptionSpec): OptionValue {
  const text = raw.trim();
  switch (spec.type) {
    case "integer":
      if (!/^-?\d+$/.test(text)) refuse(key, raw, spec, "is not a decimal integer");
      return checkOptionValue(key, Number(text), spec);
    case "number":
      if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) refuse(key, raw, spec, "is not a decimal number");
      return checkOptionValue(key, Number(text), spec);
    case "boolean":
      if (text === "true" || text === "1") return true;
      if (text === "false" || text === "0") return false;
      return refuse(key, raw, spec, "is not a boolean");
    case "enum":
      return checkOptionValue(key, text, spec);
    case "duration": {
      const ms = parseDurationMs(text);
      if (ms === null)
        refuse(
          key,
          raw,
          spec,
          /^-?\d+(\.\d+)?$/.test(text) ? `has no unit (write ${text}ms or ${text}s)` : "is not a duration",
        );
      return checkOptionValue(key, ms, spec, raw);
    }
  }
}

/** Checks a typed value (JSON, API, draw) and returns it unchanged when it fits. */
export function checkOptionValue(key: string, value: unknown, spec: OptionSpec, typed?: string): OptionValue {
  const shown = typed ?? shownValue(value, spec);
  switch (spec.type) {
    case "integer":
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value)) return refuse(key, shown, spec, "is not a number");
      if (spec.type === "integer" && !Number.isSafeInteger(value)) refuse(key, shown, spec, "is not an integer");
      if (value < spec.min || value > spec.max) refuse(key, shown, spec, "is out of range");
      return value;
    }
    case "duration": {
      if (typeof value !== "number" || !Number.isFinite(value)) return refuse(key, shown, spec, "is not a duration");
      if (!Number.isSafeInteger(value))
        refuse(key, shown, spec, `is ${formatDurationMs(value)}, not a whole number of milliseconds`);
      if (value < spec.minMs || value > spec.maxMs) refuse(key, shown, spec, "is out of range");
      return value;
    }
    case "boolean":
      if (typeof value !== "boolean") refuse(key, shown, spec, "is not a boolean");
      return value as boolean;
    case "enum":
      if (typeof value !== "string" || !spec.values.includes(value)) refuse(key, shown, spec, "is not allowed");
      return value as string;
  }
}

/** How a typed value reads in a message: durations with their unit, strings bare. */
function shownValue(value: unknown, spec: OptionSpec): string {
  if (spec.type === "duration" && typeof value === "number" && Number.isFinite(value)) return formatDurationMs(value);
  return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}
