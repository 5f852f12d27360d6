// Unit tests of seeded Rng streams: forks, draws, the pinned algorithm.

import { describe, expect, it } from "vitest";
import { DrawLog, Rng } from "../../src/sim/index.js";

const take = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.next());

describe("Rng streams", () => {
  it("pins the first values of a few seeds, so a seedrandom upgrade or algorithm change that shifts streams is caught", () => {
    const ints = (seed: number): number[] => {
      const r = Rng.fromSeed(seed);
      return Array.from({ length: 5 }, () => r.int(0, 1e9));
    };
    expect(ints(0)).toEqual([4971355, 215960309, 867569672, 280492610, 6030396]);
    expect(ints(1)).toEqual([383915424, 570807090, 759070771, 474145226, 370681387]);
    expect(ints(42)).toEqual([843488886, 282645784, 622829364, 250075349, 945589832]);
    expect(ints(2 ** 53 - 1)).toEqual([633084858, 26358539, 756236983, 978589451, 549449736]);
    expect(Rng.fromSeed(42).fork("net").next()).toBe(0.2254283525981009);
    expect(Rng.fromSeed(7).fork("node:dc1-m2").nextDouble()).toBe(0.02364513562967352);
    const r = Rng.fromSeed(3);
    expect([r.next(), r.nextDouble(), r.exponential(10), r.normal(0, 1)]).toEqual([
      0.14180356194265187, 0.4416286239831223, 19.705896701905946, -1.5058513190635612,
    ]);
  });

  it("the same seed gives the same stream; different seeds give different streams", () => {
    expect(take(Rng.fromSeed(99), 100)).toEqual(take(Rng.fromSeed(99), 100));
    expect(take(Rng.fromSeed(99), 100)).not.toEqual(take(Rng.fromSeed(100), 100));
  });

  it("drawing more from one fork does not shift another fork or the parent", () => {
    const quiet = Rng.fromSeed(5);
    const busy = Rng.fromSeed(5);
    const quietNet = quiet.fork("net");
    const busyNet = busy.fork("net");
    take(busy.fork("disk"), 10_000);
    take(busy, 0);
    expect(take(busyNet, 50)).toEqual(take(quietNet, 50));

    const parentA = Rng.fromSeed(5);
    const parentB = Rng.fromSeed(5);
    take(parentB.fork("disk"), 1000); // forking and drawing from a child leaves the parent alone
    expect(take(parentA, 20)).toEqual(take(parentB, 20));
  });

  it("forking depends on the parent's seed and label, not on how much the parent has drawn", () => {
    const fresh = Rng.fromSeed(8);
    const used = Rng.fromSeed(8);
    take(used, 500);
    expect(take(used.fork("x"), 20)).toEqual(take(fresh.fork("x"), 20));
  });

  it("the same label forks the same stream; different labels and seeds fork different ones", () => {
    const root = Rng.fromSeed(21);
    expect(take(root.fork("a"), 20)).toEqual(take(root.fork("a"), 20));
    expect(take(root.fork("a"), 20)).not.toEqual(take(root.fork("b"), 20));
    expect(take(root.fork("a"), 20)).not.toEqual(take(root, 20));
    expect(take(Rng.fromSeed(21).fork("a"), 20)).not.toEqual(take(Rng.fromSeed(22).fork("a"), 20));
  });

  it("a label containing '/' does not collide with a nested fork (('a/b') vs ('a')('b'))", () => {
    const root = Rng.fromSeed(4);
    expect(take(root.fork("a/b"), 20)).not.toEqual(take(root.fork("a").fork("b"), 20));
    expect(take(root.fork("a").fork("b/c"), 20)).not.toEqual(take(root.fork("a/b").fork("c"), 20));
  });
});

describe("Rng draws", () => {
  it("int covers both inclusive bounds and nothing outside them", () => {
    const r = Rng.fromSeed(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(r.int(-3, 3));
    // Any non-integer or out-of-range value would show up as an extra member.
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(r.int(17, 17)).toBe(17);
  });

  it("int stays in range for spans wider than 2^32 and is roughly uniform over its halves", () => {
    const r = Rng.fromSeed(2);
    const max = 2 ** 40;
    let upper = 0;
    let bad = 0;
    for (let i = 0; i < 4000; i++) {
      const v = r.int(0, max);
      if (!(Number.isInteger(v) && v >= 0 && v <= max)) bad++;
      if (v > max / 2) upper++;
    }
    expect(bad).toBe(0);
    expect(upper / 4000).toBeGreaterThan(0.45);
    expect(upper / 4000).toBeLessThan(0.55);
  });

  it("int rejects reversed or non-integer bounds", () => {
    const r = Rng.fromSeed(1);
    expect(() => r.int(5, 4)).toThrow(RangeError);
    expect(() => r.int(0, 1.5)).toThrow(RangeError);
  });

  it("chance is never true at 0/n, always true at n/n, and close to its ratio in between", () => {
    const r = Rng.fromSeed(3);
    let hits = 0;
    let wrongExtremes = 0;
    for (let i = 0; i < 20_000; i++) {
      if (r.chance(0, 7) || !r.chance(7, 7) || r.chance(-1, 7) || !r.chance(9, 7)) wrongExtremes++;
      if (r.chance(1, 4)) hits++;
    }
    expect(wrongExtremes).toBe(0);
    expect(hits / 20_000).toBeGreaterThan(0.235);
    expect(hits / 20_000).toBeLessThan(0.265);
  });

  it("shuffle returns a permutation and leaves its input alone", () => {
    const r = Rng.fromSeed(4);
    const input = Array.from({ length: 50 }, (_, i) => i);
    const copy = input.slice();
    const out = r.shuffle(input);
    expect(input).toEqual(copy);
    expect(out.slice().sort((a, b) => a - b)).toEqual(input);
    expect(out).not.toEqual(input);
    expect(r.shuffle([])).toEqual([]);
  });

  it("shuffle puts each element in each position about equally often", () => {
    const r = Rng.fromSeed(5);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 8000; i++) counts[r.shuffle([0, 1, 2, 3]).indexOf(0)]!++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });

  it("pick returns only list members and refuses an empty list", () => {
    const r = Rng.fromSeed(6);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(r.pick(["x", "y", "z"]));
    expect([...seen].sort()).toEqual(["x", "y", "z"]);
    expect(() => r.pick([])).toThrow(RangeError);
  });

  it("exponential draws are non-negative with the requested mean", () => {
    const r = Rng.fromSeed(7);
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      const v = r.exponential(250);
      min = Math.min(min, v);
      sum += v;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(Math.abs(sum / n - 250)).toBeLessThan(250 * 0.03);
  });

  it("normal draws have the requested mean and standard deviation", () => {
    const r = Rng.fromSeed(8);
    const n = 40_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const v = r.normal(100, 15);
      sum += v;
      sq += v * v;
    }
    expect(Number.isFinite(sum) && Number.isFinite(sq)).toBe(true); // no draw was NaN or infinite
    const mean = sum / n;
    const sd = Math.sqrt(sq / n - mean * mean);
    expect(Math.abs(mean - 100)).toBeLessThan(0.5);
    expect(Math.abs(sd - 15)).toBeLessThan(0.5);
  });

  it("jitter stays within base ± spread and never goes below zero", () => {
    const r = Rng.fromSeed(9);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(r.jitter(3, 5));
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe("DrawLog", () => {
  it("records one label per draw, naming the stream (and fork) it came from, in draw order", () => {
    const log = new DrawLog();
    const root = Rng.fromSeed(10, log);
    const net = root.fork("net");
    root.next();
    net.int(0, 5);
    net.chance(1, 2);
    root.nextDouble();
    root.exponential(1);
    expect(log.entries).toEqual(["simctl:10#1", "simctl:10/net#1", "simctl:10/net#2", "simctl:10#2", "simctl:10#3"]);
  });

  it("logging draws does not change the values drawn", () => {
    const plain = Rng.fromSeed(11);
    const logged = Rng.fromSeed(11, new DrawLog());
    expect(take(logged.fork("q"), 30)).toEqual(take(plain.fork("q"), 30));
  });

  it("stops recording at its limit instead of growing without bound", () => {
    const log = new DrawLog(3);
    const r = Rng.fromSeed(12, log);
    take(r, 10);
    expect(log.entries).toEqual(["simctl:12#1", "simctl:12#2", "simctl:12#3"]);
  });
});
