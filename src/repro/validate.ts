// Reading a repro file defensively: parse, then check every field's shape, so a
// truncated or hand-edited file is refused with one line naming what is wrong instead
// of failing somewhere deep in a replay.

import { UNTRACED } from "../sim/index.js";
import { REPRO_SCHEMA, REPRO_VERSION, ReproFormatError, VERDICTS, type ReproFile } from "./schema.js";

type Json = Record<string, unknown>;

export function parseRepro(text: string, source = "repro file"): ReproFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ReproFormatError(`${source} is not valid JSON (truncated or corrupt?)`);
  }
  if (!isObject(value)) throw new ReproFormatError(`${source} is not a simctl repro file (expected a JSON object)`);
  if (value["schema"] !== REPRO_SCHEMA)
    throw new ReproFormatError(
      `${source} is not a simctl repro file (schema ${JSON.stringify(value["schema"] ?? null)})`,
    );
  if (value["version"] !== REPRO_VERSION) {
    throw new ReproFormatError(
      `${source} has repro format version ${JSON.stringify(value["version"] ?? null)}; this simctl reads version ${REPRO_VERSION}`,
    );
  }
  const problem = firstProblem(value);
  if (problem !== null) throw new ReproFormatError(`${source} is corrupt: ${problem}`);
  return value as unknown as ReproFile;
}

function firstProblem(v: Json): string | null {
  const checks: [string, boolean][] = [
    ["simctlVersion", typeof v["simctlVersion"] === "string"],
    ["scenario", typeof v["scenario"] === "string" && v["scenario"] !== ""],
    ["seed", isCount(v["seed"])],
    ["options", isOptions(v["options"])],
    ["overrides", isOptions(v["overrides"])],
    ["limits", isObject(v["limits"]) && isPositive(v["limits"]["maxEvents"]) && isPositive(v["limits"]["maxTimeUs"])],
    ["checkpointEvery", isPositive(v["checkpointEvery"])],
    ["faultOverride", v["faultOverride"] === null || isSchedule(v["faultOverride"])],
    ["faultSchedule", isSchedule(v["faultSchedule"])],
    // A hang or oom left no finished trace: its hash is "untraced" and it has no checkpoints.
    ["traceHash", isHash(v["traceHash"]) || (unfinished(v) && v["traceHash"] === UNTRACED)],
    ["checkpoints", Array.isArray(v["checkpoints"]) && v["checkpoints"].every(isHash)],
    ["events", isCount(v["events"])],
    ["virtualTimeUs", isCount(v["virtualTimeUs"])],
    ["verdict", typeof v["verdict"] === "string" && (VERDICTS as readonly string[]).includes(v["verdict"])],
    ["violations", Array.isArray(v["violations"]) && v["violations"].every(isViolation)],
    ["signature", v["signature"] === null || typeof v["signature"] === "string"],
    ["recordLog", v["recordLog"] === null || v["recordLog"] === undefined || isRecordLog(v["recordLog"])],
    ["source", v["source"] === undefined || isSource(v["source"])],
    ["wallTimeoutMs", v["wallTimeoutMs"] === undefined || isPositive(v["wallTimeoutMs"])],
    ["memoryMb", v["memoryMb"] === undefined || isPositive(v["memoryMb"])],
  ];
  for (const [field, ok] of checks) if (!ok) return `field "${field}" is missing or malformed`;
  return null;
}

function unfinished(v: Json): boolean {
  return v["verdict"] === "hang" || v["verdict"] === "oom";
}
function isSource(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v["version"] === "string" &&
    typeof v["codeHash"] === "string" &&
    (v["commit"] === null || typeof v["commit"] === "string") &&
    (v["dirty"] === null || typeof v["dirty"] === "boolean")
  );
}
function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function isCount(v: unknown): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}
function isPositive(v: unknown): boolean {
  return isCount(v) && (v as number) > 0;
}
function isHash(v: unknown): boolean {
  return typeof v === "string" && /^[0-9a-f]{16}$/.test(v);
}
function isOptions(v: unknown): boolean {
  return (
    isObject(v) &&
    Object.values(v).every((x) => typeof x === "number" || typeof x === "boolean" || typeof x === "string")
  );
}
function isSchedule(v: unknown): boolean {
  return (
    Array.isArray(v) &&
    v.every(
      (s) =>
        isObject(s) && typeof s["atMs"] === "number" && Number.isFinite(s["atMs"]) && typeof s["action"] === "string",
    )
  );
}
function isViolation(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v["check"] === "string" &&
    typeof v["message"] === "string" &&
    typeof v["atUs"] === "number" &&
    typeof v["seq"] === "number" &&
    Array.isArray(v["nodes"])
  );
}
function isRecordLog(v: unknown): boolean {
  return (
    isObject(v) &&
    isCount(v["count"]) &&
    typeof v["complete"] === "boolean" &&
    Array.isArray(v["names"]) &&
    v["names"].every((n) => typeof n === "string") &&
    typeof v["data"] === "string"
  );
}
