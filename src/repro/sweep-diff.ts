// Comparing the per-seed trace hashes of two sweeps (`simctl sweep-diff`): the same seeds
// on two machines, two Node versions or two builds should hash alike. Pure: reading the
// files and printing are the CLI's job.

import type { TraceHashes } from "./sweep-sections.js";

export interface HashDiff {
  /** Seeds both sweeps hashed. */
  common: number;
  /** Seeds whose hashes differ, ascending. */
  differ: { seed: number; a: string; b: string }[];
  onlyA: number[];
  onlyB: number[];
}

export function diffHashes(a: TraceHashes, b: TraceHashes): HashDiff {
  const inB = new Map(b.seeds);
  const inA = new Map(a.seeds);
  const differ: HashDiff["differ"] = [];
  const onlyA: number[] = [];
  let common = 0;
  for (const [seed, hash] of a.seeds) {
    const other = inB.get(seed);
    if (other === undefined) onlyA.push(seed);
    else {
      common++;
      if (other !== hash) differ.push({ seed, a: hash, b: other });
    }
  }
  const onlyB = b.seeds.filter(([seed]) => !inA.has(seed)).map(([seed]) => seed);
  return { common, differ, onlyA, onlyB };
}
