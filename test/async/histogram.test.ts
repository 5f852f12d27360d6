// Unit tests of the latency Histogram (src/async/histogram.ts): bucket bounds, percentiles, merging.

import { describe, expect, it } from "vitest";
import { Histogram, bucketOf, lowerBoundOf, upperBoundOf } from "../../src/async/histogram.js";
import { Rng } from "../../src/sim/index.js";

describe("Histogram", () => {
  it("buckets tile the integers: every value falls inside its bucket, buckets are contiguous and at most 1/64 wide", () => {
    let previousUpper = -1;
    for (let b = 0; b < 128 + 64 * 30; b++) {
      expect(lowerBoundOf(b)).toBe(previousUpper + 1);
      previousUpper = upperBoundOf(b);
      expect(upperBoundOf(b) - lowerBoundOf(b) + 1).toBeLessThanOrEqual(Math.max(1, lowerBoundOf(b) / 64));
    }
    const rng = Rng.fromSeed(1);
    for (let i = 0; i < 5000; i++) {
      const v = rng.int(0, 2 ** 40);
      const b = bucketOf(v);
      expect(v).toBeGreaterThanOrEqual(lowerBoundOf(b));
      expect(v).toBeLessThanOrEqual(upperBoundOf(b));
    }
  });

  it("percentiles never underestimate and stay within 1/64 of the exact order statistic", () => {
    const rng = Rng.fromSeed(7);
    const h = new Histogram();
    const values = Array.from({ length: 10_000 }, () => Math.round(rng.exponential(50_000)));
    for (const v of values) h.record(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [1, 50, 90, 95, 99, 99.9, 100]) {
      const exact = sorted[Math.max(1, Math.ceil((p * values.length) / 100)) - 1]!; // nearest-rank definition
      const got = h.percentile(p);
      expect(got).toBeGreaterThanOrEqual(exact);
      expect(got).toBeLessThanOrEqual(exact + Math.max(1, exact / 64));
    }
    expect(h.count).toBe(10_000);
    expect(h.max).toBe(sorted[sorted.length - 1]);
    expect(h.min).toBe(sorted[0]);
  });

  it("merging equals recording everything into one histogram", () => {
    const a = new Histogram();
    const b = new Histogram();
    const all = new Histogram();
    for (let v = 0; v < 3000; v += 7) {
      (v % 2 === 0 ? a : b).record(v * 13);
      all.record(v * 13);
    }
    a.merge(b);
    expect(a.rows()).toEqual(all.rows());
    expect(a.summary()).toEqual(all.summary());
  });

  it("rejects negative or fractional samples and answers zeros when empty", () => {
    const h = new Histogram();
    expect(() => h.record(-1)).toThrow(RangeError);
    expect(() => h.record(1.5)).toThrow(RangeError);
    expect(h.summary()).toEqual({ count: 0, minUs: 0, meanUs: 0, p50Us: 0, p90Us: 0, p95Us: 0, p99Us: 0, maxUs: 0 });
    expect(() => h.percentile(0)).toThrow(RangeError);
  });
});
