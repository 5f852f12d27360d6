// Sweep results: one small outcome per seed, folded into groups by violation signature.
// Each group keeps its count, its smallest seeds and its fastest-failing seed (fewest
// events, then lowest seed), so the summary is the same whatever order the workers
// finish in, and summaries of shards merge into the summary of the whole.

import type { Options } from "../scenarios/index.js";
import { emptyVerdicts, type Outcome } from "./schema.js";
import type { SourceIdentity } from "./source.js";
import type { CoverageSummary } from "./coverage-summary.js";
import { SWEEP_SECTIONS, type SectionValues } from "./sweep-sections.js";
import type { SeedOutcome } from "./seed-outcome.js";

export { exceptionOutcome, outcomeOf, type SeedOutcome } from "./seed-outcome.js";
import type { SeedRange, Shard } from "./seeds.js";
import { signatureParts } from "./signature.js";

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
    verdict: Outcome;
    message: string;
  };
  /** The repro file written for the fastest seed, when one was. */
  repro: string | null;
}

/** The summary of a sweep (or of some of its shards). Optional sections come from sweep-sections.ts. */
export interface SweepSummary extends Partial<SectionValues> {
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
  verdicts: Record<Outcome, number>;
  groups: SweepGroup[];
  wallMs: number;
  /** The code that ran the sweep (absent in summaries from before source identities). */
  source?: SourceIdentity;
  /** `process.version` of the sweeping Node, so sweep-diff can name what differed. */
  node?: string;
  /** Seeds this summary's shards hold; more than seedsRun when the sweep was interrupted. */
  planned?: number;
  /** With `sweep --coverage`: how many seeds reached each coverage mark. */
  coverage?: CoverageSummary;
  /** Set when SIGINT or SIGTERM stopped the sweep: the summary covers the seeds done so far. */
  interrupted?: boolean;
}

export const GROUP_SEEDS = 50;

export class SweepAggregator {
  private readonly groups = new Map<string, SweepGroup>();
  readonly verdicts: Record<Outcome, number> = emptyVerdicts();
  /** The optional sections' states, by summary key (sweep-sections.ts). */
  readonly sections: Partial<SectionValues> = {};
  seedsRun = 0;

  add(o: SeedOutcome): void {
    this.seedsRun++;
    this.verdicts[o.verdict]++;
    for (const section of SWEEP_SECTIONS) {
      const next = section.fold(this.sections[section.key], o);
      if (next !== undefined) this.sections[section.key] = next;
    }
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
    planned?: number;
    interrupted?: boolean;
    source?: SourceIdentity;
    node?: string;
  },
): SweepSummary {
  const summary: SweepSummary = {
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
  if (meta.source !== undefined) summary.source = meta.source;
  if (meta.node !== undefined) summary.node = meta.node;
  if (meta.planned !== undefined) summary.planned = meta.planned;
  if (meta.interrupted === true) summary.interrupted = true;
  for (const section of SWEEP_SECTIONS) {
    const state = agg.sections[section.key];
    if (state !== undefined) summary[section.key] = section.finish(state);
  }
  return summary;
}
