// Seed ranges and shards as the sweep parses them.

import { describe, expect, it } from "vitest";
import { parseSeedRange, parseShard, SeedSpecError, shardSeeds, shardSize } from "../../src/repro/seeds.js";

describe("seed ranges and shards", () => {
  it("partitions every range exactly: each seed in exactly one shard, none outside the range", () => {
    for (const range of [
      { first: 1, last: 1 },
      { first: 1, last: 10 },
      { first: 5, last: 1003 },
      { first: 0, last: 96 },
    ]) {
      for (const count of [1, 2, 3, 7, 16, 200]) {
        const seen = new Map<number, number>();
        let total = 0;
        for (let index = 1; index <= count; index++) {
          const seeds = [...shardSeeds(range, { index, count })];
          expect(seeds.length).toBe(shardSize(range, { index, count }));
          for (const s of seeds) seen.set(s, (seen.get(s) ?? 0) + 1);
          total += seeds.length;
        }
        const expected = range.last - range.first + 1;
        expect(total).toBe(expected); // no overlap ...
        expect(seen.size).toBe(expected); // ... and no gap
        expect(Math.min(...seen.keys())).toBe(range.first);
        expect(Math.max(...seen.keys())).toBe(range.last);
      }
    }
  });

  it("balances shards to within one seed", () => {
    const sizes = [1, 2, 3, 4].map((index) => shardSize({ first: 1, last: 10_001 }, { index, count: 4 }));
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it("parses FIRST..LAST, a count, and k/N, and refuses malformed specs", () => {
    expect(parseSeedRange("1..10000")).toEqual({ first: 1, last: 10_000 });
    expect(parseSeedRange("250")).toEqual({ first: 1, last: 250 });
    expect(parseShard("3/8")).toEqual({ index: 3, count: 8 });
    for (const bad of ["", "1-10", "10..1", "a..b", "1..99999999999999999"])
      expect(() => parseSeedRange(bad)).toThrow(SeedSpecError);
    for (const bad of ["0/4", "5/4", "1/0", "2", "1/2/3"]) expect(() => parseShard(bad)).toThrow(SeedSpecError);
  });
});
