// How a sweep groups its failures by signature.

import { describe, expect, it } from "vitest";
import { runSeed } from "../../src/repro/run-seed.js";
import { mergeSummaries, SweepMergeError } from "../../src/repro/sweep-merge.js";
import { buildSummary, SweepAggregator, type SeedOutcome } from "../../src/repro/sweep-summary.js";
import { shardSeeds, WHOLE, type Shard } from "../../src/repro/seeds.js";
import { groupToy } from "./toy-scenarios.js";

const range = { first: 1, last: 60 };

function sweepInProcess(seeds: Iterable<number>): SweepAggregator {
  const agg = new SweepAggregator();
  for (const seed of seeds) agg.add(runSeed(groupToy, {}, seed));
  return agg;
}

function summaryOf(agg: SweepAggregator, shard: Shard = WHOLE) {
  return buildSummary(agg, {
    simctlVersion: "test",
    scenario: groupToy.id,
    overrides: {},
    limits: {},
    seeds: range,
    shard,
    wallMs: 0,
  });
}

describe("sweep grouping", () => {
  it("groups failures by signature and keeps the fastest-failing seed of each group", () => {
    const agg = sweepInProcess(shardSeeds(range, WHOLE));
    const groups = agg.sortedGroups();
    const byCheck = Object.fromEntries(groups.map((g) => [g.check, g]));
    // Divisible by 3 but not 7: 20 - 2 (21, 42) = 18 seeds; their template is one group despite different numbers and
    // DCs.
    expect(byCheck["even-ness"]).toMatchObject({
      count: 18,
      template: "seed N is divisible by three at tick N",
      role: "dc-mgr",
    });
    // Fewest events: the tick count is 10 + seed % 5, so seed % 5 == 0 wins, lowest seed on ties: 15.
    expect(byCheck["even-ness"]!.fastest.seed).toBe(15);
    expect(byCheck["order"]).toMatchObject({ role: "dc-gate", template: "job jN finished twice" });
    expect(byCheck["order"]!.fastest.seed).toBe(10);
    expect(agg.failed).toBe(groups.reduce((n, g) => n + g.count, 0));
  });

  it("turns an exception inside one seed into a grouped failure instead of a crashed sweep", () => {
    const outcome = runSeed(
      {
        ...groupToy,
        setup: () => {
          throw new RangeError("boom at seed 3");
        },
      },
      {},
      3,
    );
    expect(outcome).toMatchObject({ verdict: "error", signature: expect.stringContaining("boom at seed N") });
    const agg = sweepInProcess(shardSeeds(range, WHOLE));
    // Seeds divisible by 7 throw during setup: the runner reports them as "error" runs, grouped together.
    const setupGroup = agg.sortedGroups().find((g) => g.template.includes("setup exploded"))!;
    expect(setupGroup.count).toBe(8);
    expect(setupGroup.seeds).toEqual([7, 14, 21, 28, 35, 42, 49, 56]);
  });

  it("gives the same summary whatever order seeds finish in", () => {
    const seeds = [...shardSeeds(range, WHOLE)];
    const shuffled = [...seeds].sort((a, b) => ((a * 7919) % 61) - ((b * 7919) % 61));
    expect(summaryOf(sweepInProcess(shuffled)).groups).toEqual(summaryOf(sweepInProcess(seeds)).groups);
  });

  it("merges shard summaries into exactly the summary of the whole sweep", () => {
    const whole = summaryOf(sweepInProcess(shardSeeds(range, WHOLE)));
    const parts = [1, 2, 3].map((index) => {
      const shard = { index, count: 3 };
      return { source: `s${index}.json`, summary: summaryOf(sweepInProcess(shardSeeds(range, shard)), shard) };
    });
    const { summary, missingShards } = mergeSummaries(parts);
    expect(missingShards).toEqual([]);
    expect(summary).toMatchObject({
      seedsRun: whole.seedsRun,
      failed: whole.failed,
      verdicts: whole.verdicts,
      shards: [1, 2, 3],
    });
    expect(summary.groups).toEqual(whole.groups);
    expect(mergeSummaries(parts.slice(0, 2)).missingShards).toEqual([3]);
    expect(() => mergeSummaries([parts[0]!, parts[0]!])).toThrow(SweepMergeError);
    expect(() =>
      mergeSummaries([parts[0]!, { ...parts[1]!, summary: { ...parts[1]!.summary, scenario: "other" } }]),
    ).toThrow(/different sweep/);
  });

  it("counts passes without grouping them", () => {
    const agg = new SweepAggregator();
    const pass: SeedOutcome = {
      seed: 1,
      verdict: "pass",
      events: 5,
      virtualTimeUs: 1,
      traceHash: "0123456789abcdef",
      signature: null,
      check: "",
      message: "",
      nodes: [],
    };
    agg.add(pass);
    expect(agg.sortedGroups()).toEqual([]);
    expect(agg.failed).toBe(0);
  });
});
