// Sweep results: one small outcome per seed, folded into groups by violation signature.
// Each group keeps its count, its smallest seeds and its fastest-failing seed (fewest
// events, then lowest seed), so the summary is the same whatever order the workers
// finish in, and summaries of shards merge into the summary of the whole.

import { errorMessage } from "../sim/index.js";
import type { Options, RunResult, Verdict } from "../scenarios/index.js";
import type { CoverageSummary } from "./coverage-summary.js";
import type { SeedRange, Shard } from "./seeds.js";
import { primarySignature, signatureParts, violationSignature } from "./signature.js";

export interface SeedOutcome {
  seed: number;
  verdict: Verdict;
  events: number;
  virtualTimeUs: number;
  /** Empty when the seed threw before producing a run. */
  traceHash: string;
  /** Null for a pass. */
  signature: string | null;
  check: string;
  message: string;
  nodes: string[];
  /** The coverage marks the seed reached (only when the sweep asked for coverage). */
  marks?: string[];
}

export interface SweepGroup {
  signature: string;
  check: string;
  template: string;
  role: string;
  count: number;
  /** The smallest seeds of the group, ascending (at most GROUP_SEEDS). */
  seeds: number[];
  fastest: {
    seed: number;
    events: number;
    virtualTimeUs: number;
    traceHash: string;
    verdict: Verdict;
    message: string;
  };
  /** The repro file written for the fastest seed, when one was. */
  repro: string | null;
}

export interface SweepSummary {
  schema: "simctl-sweep";
  version: 1;
  simctlVersion: string;
  scenario: string;
  overrides: Options;
  limits: { maxEvents?: number; maxTimeUs?: number };
  seeds: SeedRange;
  shardCount: number;
  /** The shards (1-based) this summary covers. */
  shards: number[];
  seedsRun: number;
  passed: number;
  failed: number;
  verdicts: Record<Verdict, number>;
  groups: SweepGroup[];
  wallMs: number;
  /** With `sweep --coverage`: how many seeds reached each coverage mark. */
  coverage?: CoverageSummary;
}

export const GROUP_SEEDS = 50;

export function outcomeOf(result: RunResult): SeedOutcome {
  const v = result.violations[0];
  return {
    seed: result.seed,
    verdict: result.verdict,
    events: result.events,
    virtualTimeUs: result.virtualTimeUs,
    traceHash: result.traceHash,
    signature: primarySignature(result),
    check: v?.check ?? (result.verdict === "pass" ? "" : result.verdict),
    message: v?.message ?? "",
    nodes: v?.nodes ?? [],
  };
}

/** An exception thrown out of one seed's run: a failure like any other, grouped by its message. */
export function exceptionOutcome(seed: number, error: unknown): SeedOutcome {
  const message = errorMessage(error);
  const violation = { check: "exception", message, nodes: [] };
  return {
    seed,
    verdict: "error",
    events: 0,
    virtualTimeUs: 0,
    traceHash: "",
    signature: violationSignature(violation),
    ...violation,
  };
}

export class SweepAggregator {
  private readonly groups = new Map<string, SweepGroup>();
  readonly verdicts: Record<Verdict, number> = { pass: 0, fail: 0, liveness: 0, deadlock: 0, error: 0 };
  seedsRun = 0;

  add(o: SeedOutcome): void {
    this.seedsRun++;
    this.verdicts[o.verdict]++;
    if (o.verdict === "pass" || o.signature === null) return;
    const parts = signatureParts({ check: o.check, message: o.message, nodes: o.nodes });
    const fastest = {
      seed: o.seed,
      events: o.events,
      virtualTimeUs: o.virtualTimeUs,
      traceHash: o.traceHash,
      verdict: o.verdict,
      message: o.message,
    };
    const group = this.groups.get(o.signature);
    if (group === undefined) {
      this.groups.set(o.signature, {
        signature: o.signature,
        ...parts,
        count: 1,
        seeds: [o.seed],
        fastest,
        repro: null,
      });
      return;
    }
    mergeGroupInto(group, { ...group, count: 1, seeds: [o.seed], fastest });
  }

  get failed(): number {
    return this.seedsRun - this.verdicts.pass;
  }

  /** Groups, most frequent first (ties by signature), so output order is stable. */
  sortedGroups(): SweepGroup[] {
    return sortGroups([...this.groups.values()]);
  }
}

export function isFaster(a: SweepGroup["fastest"], b: SweepGroup["fastest"]): boolean {
  return a.events < b.events || (a.events === b.events && a.seed < b.seed);
}

/** Folds `other` (same signature) into `into`. */
export function mergeGroupInto(into: SweepGroup, other: SweepGroup): void {
  into.count += other.count;
  into.seeds = [...new Set([...into.seeds, ...other.seeds])].sort((a, b) => a - b).slice(0, GROUP_SEEDS);
  if (isFaster(other.fastest, into.fastest)) {
    into.fastest = { ...other.fastest };
    into.repro = other.repro;
  }
}

export function sortGroups(groups: SweepGroup[]): SweepGroup[] {
  return groups.sort(
    (a, b) => b.count - a.count || (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0),
  );
}

export function buildSummary(
  agg: SweepAggregator,
  meta: {
    simctlVersion: string;
    scenario: string;
    overrides: Options;
    limits: SweepSummary["limits"];
    seeds: SeedRange;
    shard: Shard;
    wallMs: number;
  },
): SweepSummary {
  return {
    schema: "simctl-sweep",
    version: 1,
    simctlVersion: meta.simctlVersion,
    scenario: meta.scenario,
    overrides: meta.overrides,
    limits: meta.limits,
    seeds: meta.seeds,
    shardCount: meta.shard.count,
    shards: [meta.shard.index],
    seedsRun: agg.seedsRun,
    passed: agg.verdicts.pass,
    failed: agg.failed,
    verdicts: { ...agg.verdicts },
    groups: agg.sortedGroups(),
    wallMs: Math.round(meta.wallMs),
  };
}
