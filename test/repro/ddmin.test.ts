// Delta debugging (src/repro/ddmin.ts), the minimiser shrink uses.

import { describe, expect, it } from "vitest";
import { ddmin, lowestKept } from "../../src/repro/ddmin.js";

describe("ddmin", () => {
  it("finds the two items that matter among sixteen", () => {
    const items = Array.from({ length: 16 }, (_, i) => i);
    let tests = 0;
    const out = ddmin(items, (c) => {
      tests++;
      return c.includes(3) && c.includes(11);
    });
    expect(out).toEqual([3, 11]);
    expect(tests).toBeLessThan(60);
  });

  it("returns [] when nothing is needed and keeps order", () => {
    expect(ddmin([1, 2, 3], () => true)).toEqual([]);
    expect(ddmin([5, 4, 3, 2, 1], (c) => c.includes(4) && c.includes(2))).toEqual([4, 2]);
  });
});

describe("lowestKept", () => {
  it("bisects to the smallest accepted value of a monotone predicate", () => {
    expect(lowestKept(0, 1000, (v) => v >= 137)).toBe(137);
    expect(lowestKept(1, 8, () => true)).toBe(1);
    expect(lowestKept(1, 8, (v) => v === 8)).toBe(8);
  });
});
