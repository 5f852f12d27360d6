// Declared scenario options: each option of a scenario has a type (integer, number,
// boolean, enum, duration), bounds and a one-line description. The schema is the single
// gate every value passes — `--set`, repro files, the vitest API and swarm draws — so a
// bad value is refused before anything runs, naming the option and the allowed range.
//
// A duration option's name ends in `Ms` and its value is a whole number of milliseconds;
// typed by a person it needs a unit (`30s`, `1500ms`), because a bare number is exactly
// the mistake (`--max-time 30` meaning 30 ms) that a unit rules out.

import type { OptionValue, Options } from "./result-types.js";

interface SpecBase {
  /** One line: what the option changes. */
  readonly doc: string;
}

export interface IntegerSpec extends SpecBase {
  readonly type: "integer";
  readonly min: number;
  readonly max: number;
}

export interface NumberSpec extends SpecBase {
  readonly type: "number";
  readonly min: number;
  readonly max: number;
}

export interface BooleanSpec extends SpecBase {
  readonly type: "boolean";
}

export interface EnumSpec extends SpecBase {
  readonly type: "enum";
  readonly values: readonly string[];
}

/** A span of time in whole milliseconds (the option's name ends in `Ms`). */
export interface DurationSpec extends SpecBase {
  readonly type: "duration";
  readonly minMs: number;
  readonly maxMs: number;
}

export type OptionSpec = IntegerSpec | NumberSpec | BooleanSpec | EnumSpec | DurationSpec;
export type OptionType = OptionSpec["type"];

/** The spec an option of value type V may have. */
export type SpecFor<V> = V extends boolean
  ? BooleanSpec
  : V extends number
    ? IntegerSpec | NumberSpec | DurationSpec
    : V extends string
      ? EnumSpec
      : never;

/** One spec per option, keyed like the scenario's defaults; the compiler insists on every key. */
export type OptionSchema<O extends Options = Options> = { readonly [K in keyof O]: SpecFor<O[K]> };

export function integer(min: number, max: number, doc: string): IntegerSpec {
  assertRange(min, max, doc, Number.isSafeInteger);
  return { type: "integer", min, max, doc };
}

export function number(min: number, max: number, doc: string): NumberSpec {
  assertRange(min, max, doc, Number.isFinite);
  return { type: "number", min, max, doc };
}

export function flag(doc: string): BooleanSpec {
  return { type: "boolean", doc };
}

export function oneOf(values: readonly string[], doc: string): EnumSpec {
  if (values.length === 0) throw new Error(`option spec "${doc}": an enum needs at least one value`);
  return { type: "enum", values: [...values], doc };
}

/** Bounds as text with units (`"1ms"`, `"1h"`), so a declaration reads like what it means. */
export function duration(min: string, max: string, doc: string): DurationSpec {
  const minMs = declaredMs(min, doc);
  const maxMs = declaredMs(max, doc);
  assertRange(minMs, maxMs, doc, Number.isSafeInteger);
  return { type: "duration", minMs, maxMs, doc };
}

const UNIT_MS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * A duration typed by a person, in milliseconds: `250ms`, `1.5s`, `10m`, `1h`, `-2s`.
 * The unit is required. Null when malformed.
 */
export function parseDurationMs(text: string): number | null {
  const match = /^(-?)(\d+(?:\.\d+)?)(us|ms|s|m|h)$/.exec(text.trim());
  if (match === null) return null;
  const value = Number(match[2]) * UNIT_MS[match[3]!]!;
  if (!Number.isFinite(value)) return null;
  return match[1] === "-" ? -value : value;
}

/** `1500` ms as `1.5s`, `60000` as `1m`: the shortest exact form, for ranges and defaults. */
export function formatDurationMs(valueMs: number): string {
  const sign = valueMs < 0 ? "-" : "";
  const abs = Math.abs(valueMs);
  for (const [unit, size] of [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ] as const) {
    if (abs >= size && abs % size === 0) return `${sign}${abs / size}${unit}`;
  }
  if (abs >= 1_000 && (abs * 10) % 1_000 === 0) return `${sign}${abs / 1_000}s`;
  return `${sign}${abs}ms`;
}

/** `[1, 64]`, `[0, 1]`, `[1ms, 1h]`, `true or false`, `one of a, b`. */
export function describeAllowed(spec: OptionSpec): string {
  switch (spec.type) {
    case "integer":
    case "number":
      return `[${spec.min}, ${spec.max}]`;
    case "duration":
      return `[${formatDurationMs(spec.minMs)}, ${formatDurationMs(spec.maxMs)}]`;
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${spec.values.join(", ")}`;
  }
}

/** A value as a person would type it for this option (durations with their unit). */
export function formatOptionValue(spec: OptionSpec | undefined, value: OptionValue): string {
  return spec?.type === "duration" && typeof value === "number" ? formatDurationMs(value) : String(value);
}

function declaredMs(text: string, doc: string): number {
  const ms = parseDurationMs(text);
  if (ms === null) throw new Error(`option spec "${doc}": bound "${text}" is not a duration with a unit`);
  return ms;
}

function assertRange(min: number, max: number, doc: string, ok: (n: number) => boolean): void {
  if (!ok(min) || !ok(max) || min > max) throw new Error(`option spec "${doc}": bad range [${min}, ${max}]`);
}
