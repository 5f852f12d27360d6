// A scenario's declared options as data (`simctl describe --json`, `simctl list --json`):
// one entry per option with its type, default, bounds and description, in declaration
// order. Durations are given in milliseconds and also as text with a unit.

import {
  DEFAULT_MAX_EVENTS,
  DEFAULT_MAX_TIME_US,
  formatDurationMs,
  SIZE_BOUND,
  type OptionSpec,
  type OptionValue,
  type ScenarioDef,
} from "../scenarios/index.js";

export interface OptionJson {
  name: string;
  type: OptionSpec["type"];
  default: OptionValue;
  doc: string;
  min?: number;
  max?: number;
  values?: string[];
  /** Durations only: the default and bounds as text with a unit. */
  text?: { default: string; min: string; max: string };
}

export function optionsJson(scenario: ScenarioDef): OptionJson[] {
  return Object.entries(scenario.schema).map(([name, spec]) => optionJson(name, spec, scenario.options[name]!));
}

function optionJson(name: string, spec: OptionSpec, value: OptionValue): OptionJson {
  const base = { name, type: spec.type, default: value, doc: spec.doc };
  switch (spec.type) {
    case "integer":
    case "number":
      return { ...base, min: spec.min, max: spec.max };
    case "duration":
      return {
        ...base,
        min: spec.minMs,
        max: spec.maxMs,
        text: {
          default: formatDurationMs(value as number),
          min: formatDurationMs(spec.minMs),
          max: formatDurationMs(spec.maxMs),
        },
      };
    case "enum":
      return { ...base, values: [...spec.values] };
    case "boolean":
      return base;
  }
}

export interface SizeJson {
  formula: string;
  /** The estimate with the default options. */
  estimate: number;
  bound: number;
}

export function sizeJson(scenario: ScenarioDef): SizeJson | null {
  if (scenario.size === undefined) return null;
  return { formula: scenario.size.formula, estimate: scenario.size.estimate(scenario.options), bound: SIZE_BOUND };
}

export function limitsJson(scenario: ScenarioDef): { maxEvents: number; maxTimeUs: number } {
  return {
    maxEvents: scenario.limits?.maxEvents ?? DEFAULT_MAX_EVENTS,
    maxTimeUs: scenario.limits?.maxTimeUs ?? DEFAULT_MAX_TIME_US,
  };
}
