// Merging sweep summaries of shards (`simctl sweep-merge`). Summaries merge only when
// they describe the same sweep: scenario, options, limits, seed range and shard count.
// Each shard may appear once; the merged summary says which shards it covers.

import { mergeGroupInto, sortGroups, type SweepGroup, type SweepSummary } from "./sweep-summary.js";
import { mergeCoverage } from "./coverage-summary.js";
import { emptyVerdicts, VERDICTS } from "./schema.js";
import { SWEEP_SECTIONS } from "./sweep-sections.js";

export class SweepMergeError extends Error {
  override readonly name = "SweepMergeError";
}

export function parseSweepSummary(text: string, source: string): SweepSummary {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new SweepMergeError(`${source} is not valid JSON (truncated or corrupt?)`);
  }
  const s = v as Partial<SweepSummary> | null;
  if (typeof s !== "object" || s === null || s.schema !== "simctl-sweep")
    throw new SweepMergeError(`${source} is not a sweep summary (run \`simctl sweep ... --json\`)`);
  if (s.version !== 1)
    throw new SweepMergeError(
      `${source} has sweep summary version ${JSON.stringify(s.version ?? null)}; this simctl reads version 1`,
    );
  const ok =
    typeof s.scenario === "string" &&
    Array.isArray(s.groups) &&
    Array.isArray(s.shards) &&
    typeof s.shardCount === "number" &&
    typeof s.seedsRun === "number" &&
    typeof s.seeds === "object" &&
    s.seeds !== null &&
    typeof s.verdicts === "object" &&
    s.verdicts !== null;
  if (!ok) throw new SweepMergeError(`${source} is corrupt: a required field is missing or malformed`);
  if (s.traceHashes !== undefined && !isTraceHashes(s.traceHashes))
    throw new SweepMergeError(`${source} is corrupt: field "traceHashes" is malformed`);
  return s as SweepSummary;
}

export interface MergeResult {
  summary: SweepSummary;
  /** Shards of 1..shardCount no input covered. */
  missingShards: number[];
  /** Inputs whose sweep was interrupted (they cover only part of their shards). */
  interrupted: string[];
}

export function mergeSummaries(inputs: readonly { source: string; summary: SweepSummary }[]): MergeResult {
  const head = inputs[0];
  if (head === undefined) throw new SweepMergeError("sweep-merge needs at least one summary file");
  const key = sweepKey(head.summary);
  const seen = new Map<number, string>();
  const groups = new Map<string, SweepGroup>();
  const merged: SweepSummary = {
    ...head.summary,
    shards: [],
    seedsRun: 0,
    passed: 0,
    failed: 0,
    verdicts: emptyVerdicts(),
    groups: [],
    wallMs: 0,
  };
  for (const { source, summary } of inputs) {
    if (sweepKey(summary) !== key)
      throw new SweepMergeError(
        `${source} is from a different sweep than ${head.source} (scenario, options, limits, seeds and shard count must match)`,
      );
    for (const shard of summary.shards) {
      const other = seen.get(shard);
      if (other !== undefined)
        throw new SweepMergeError(`shard ${shard}/${summary.shardCount} appears in both ${other} and ${source}`);
      seen.set(shard, source);
      merged.shards.push(shard);
    }
    merged.seedsRun += summary.seedsRun;
    merged.passed += summary.passed;
    merged.failed += summary.failed;
    merged.wallMs = Math.max(merged.wallMs, summary.wallMs);
    if (summary !== head.summary && summary.coverage !== undefined)
      merged.coverage =
        merged.coverage === undefined ? summary.coverage : mergeCoverage(merged.coverage, summary.coverage);
    for (const v of VERDICTS) merged.verdicts[v] += summary.verdicts[v] ?? 0;
    for (const g of summary.groups) {
      const into = groups.get(g.signature);
      if (into === undefined) groups.set(g.signature, { ...g, seeds: [...g.seeds], fastest: { ...g.fastest } });
      else mergeGroupInto(into, g);
    }
  }
  merged.shards.sort((a, b) => a - b);
  merged.groups = sortGroups([...groups.values()]);
  mergeExtras(
    merged,
    inputs.map((i) => i.summary),
  );
  const missingShards: number[] = [];
  for (let k = 1; k <= merged.shardCount; k++) if (!seen.has(k)) missingShards.push(k);
  const interrupted = inputs.filter((i) => i.summary.interrupted === true).map((i) => i.source);
  if (interrupted.length > 0) merged.interrupted = true;
  else delete merged.interrupted;
  return { summary: merged, missingShards, interrupted };
}

/** Planned seed counts add up; each optional section merges its own way (sweep-sections.ts). */
function mergeExtras(merged: SweepSummary, parts: readonly SweepSummary[]): void {
  const planned = parts.map((p) => p.planned);
  if (planned.every((p) => p !== undefined)) merged.planned = planned.reduce((a, b) => a + b, 0);
  else delete merged.planned;
  for (const section of SWEEP_SECTIONS) {
    const values = parts.map((p) => p[section.key]).filter((v) => v !== undefined);
    if (values.length > 0) merged[section.key] = section.merge(values);
    else delete merged[section.key];
  }
}

function sweepKey(s: SweepSummary): string {
  return JSON.stringify([s.scenario, sorted(s.overrides), sorted(s.limits), s.seeds.first, s.seeds.last, s.shardCount]);
}

function sorted(o: object): [string, unknown][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function isTraceHashes(v: unknown): boolean {
  const t = v as { digest?: unknown; seeds?: unknown } | null;
  return (
    typeof t === "object" &&
    t !== null &&
    typeof t.digest === "string" &&
    Array.isArray(t.seeds) &&
    t.seeds.every(
      (p: unknown) => Array.isArray(p) && p.length === 2 && Number.isSafeInteger(p[0]) && typeof p[1] === "string",
    )
  );
}

/** The key two summaries must share to describe the same sweep (seeds and shard count aside). */
export function sameSweepSettings(a: SweepSummary, b: SweepSummary): boolean {
  return (
    JSON.stringify([a.scenario, sorted(a.overrides), sorted(a.limits)]) ===
    JSON.stringify([b.scenario, sorted(b.overrides), sorted(b.limits)])
  );
}
