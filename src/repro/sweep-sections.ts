// Optional parts of a sweep summary, each folded from every seed's outcome, merged across
// shards by sweep-merge, and absent when it has nothing to say. Per-seed trace hashes are
// the first (`sweep --trace-hashes`, compared by `sweep-diff`); coverage marks are meant
// to be the next: add its field to SectionValues, write its SweepSection and list it in
// SWEEP_SECTIONS; the aggregator, the JSON and sweep-merge carry it with no other change.

import { createHash } from "node:crypto";
import { UNTRACED } from "../sim/index.js";
import type { SeedOutcome } from "./seed-outcome.js";

/** Each section's summary field and its value type (SweepSummary has them all, optional). */
export interface SectionValues {
  traceHashes: TraceHashes;
}

export interface SweepSection<K extends keyof SectionValues> {
  readonly key: K;
  /** Folds one seed's outcome into the section's state (undefined before the first). */
  fold(state: SectionValues[K] | undefined, outcome: SeedOutcome): SectionValues[K] | undefined;
  /** The state as it goes into the summary (sorted, digested). */
  finish(state: SectionValues[K]): SectionValues[K];
  /** The same field of several shard summaries, as one. */
  merge(values: readonly SectionValues[K][]): SectionValues[K];
}

/** Each traced seed's trace hash, ascending by seed, and one digest over all of them. */
export interface TraceHashes {
  /** sha256 (16 hex digits) of every `seed:hash` line in order: equal digests, equal lists. */
  digest: string;
  /** [seed, trace hash] pairs, ascending by seed. */
  seeds: [number, string][];
}

export const traceHashesSection: SweepSection<"traceHashes"> = {
  key: "traceHashes",
  fold(state, o) {
    if (o.traceHash === UNTRACED || o.traceHash === "") return state;
    const next = state ?? { digest: "", seeds: [] };
    next.seeds.push([o.seed, o.traceHash]);
    return next;
  },
  finish(state) {
    const seeds = [...state.seeds].sort((a, b) => a[0] - b[0]);
    return { digest: digestOf(seeds), seeds };
  },
  merge(values) {
    return this.finish({ digest: "", seeds: values.flatMap((v) => v.seeds) });
  },
};

export function digestOf(seeds: readonly [number, string][]): string {
  const hash = createHash("sha256");
  for (const [seed, h] of seeds) hash.update(`${seed}:${h}\n`);
  return hash.digest("hex").slice(0, 16);
}

export const SWEEP_SECTIONS = [traceHashesSection] as const;
