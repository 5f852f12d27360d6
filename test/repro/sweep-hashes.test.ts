// Per-seed trace hashes: the sweep section folds, sorts, digests and merges them; two
// hash lists diff seed by seed; and a seed hashes the same on a worker thread as on the
// main thread (the property sweep-diff relies on across machines and Node versions).

import { describe, expect, it } from "vitest";
import { runPool } from "../../src/cli/sweep-pool.js";
import { diffHashes } from "../../src/repro/sweep-diff.js";
import { digestOf, traceHashesSection } from "../../src/repro/sweep-sections.js";
import type { SeedOutcome } from "../../src/repro/sweep-summary.js";
import { findScenario, runScenario } from "../../src/scenarios/index.js";
import { ensureBuilt } from "../cli/repro-harness.js";

function outcome(seed: number, traceHash: string): SeedOutcome {
  return {
    seed,
    verdict: "pass",
    events: 1,
    virtualTimeUs: 1,
    traceHash,
    signature: null,
    check: "",
    message: "",
    nodes: [],
  };
}

describe("the traceHashes section", () => {
  it("keeps traced seeds only, ascending, with a digest that merging shards reproduces", () => {
    let state = traceHashesSection.fold(undefined, outcome(3, "cc"));
    state = traceHashesSection.fold(state, outcome(1, "aa"));
    state = traceHashesSection.fold(state, outcome(2, "untraced"));
    const whole = traceHashesSection.finish(state!);
    expect(whole.seeds).toEqual([
      [1, "aa"],
      [3, "cc"],
    ]);
    expect(whole.digest).toBe(digestOf(whole.seeds));
    const a = traceHashesSection.finish(traceHashesSection.fold(undefined, outcome(3, "cc"))!);
    const b = traceHashesSection.finish(traceHashesSection.fold(undefined, outcome(1, "aa"))!);
    expect(traceHashesSection.merge([a, b])).toEqual(whole);
  });

  it("diffHashes names the seeds whose hashes differ and those only one side has", () => {
    const a = {
      digest: "",
      seeds: [
        [1, "aa"],
        [2, "bb"],
        [4, "dd"],
      ] as [number, string][],
    };
    const b = {
      digest: "",
      seeds: [
        [1, "aa"],
        [2, "xx"],
        [3, "cc"],
      ] as [number, string][],
    };
    expect(diffHashes(a, b)).toEqual({ common: 2, differ: [{ seed: 2, a: "bb", b: "xx" }], onlyA: [4], onlyB: [3] });
  });
});

describe("a seed's trace hash", () => {
  it("is the same on two worker threads as on the main thread", async () => {
    ensureBuilt();
    const scenario = "cluster/chaos";
    const seeds = [1, 2, 3, 4];
    const hashes = new Map<number, string>();
    await runPool({
      threads: 2,
      setup: { scenario, base: { trace: true } },
      seeds: seeds[Symbol.iterator](),
      total: seeds.length,
      seedTimeoutMs: 120_000,
      memoryMb: null,
      onOutcome: (o) => hashes.set(o.seed, o.traceHash),
    });
    const def = findScenario(scenario)!;
    for (const seed of seeds) {
      const main = runScenario(def, { seed }).traceHash;
      expect(main).toMatch(/^[0-9a-f]{16}$/);
      expect(hashes.get(seed), `seed ${seed}`).toBe(main);
    }
  });
});
