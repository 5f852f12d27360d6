// The score: equivalents and harness errors are not measured, rates have one decimal, the
// median first failing seed is taken over the sweep's kills only; and the table's labels.

import { describe, expect, it } from "vitest";
import type { Mutant } from "../../src/mutants/data.js";
import { killedByText, median, outcome, renderReport, summarize, type KilledBy } from "../../src/mutants/report.js";

const m = (id: string): Mutant => ({
  id,
  file: "src/nodes/parts/x.ts",
  original: "a",
  replacement: "b",
  why: `why ${id}`,
  equivalent: null,
  family: "t",
});
const o = (id: string, killedBy: KilledBy, firstSeed: number | null = null, detail = "") =>
  outcome(m(id), killedBy, { firstSeed, detail });

describe("summarize", () => {
  const outcomes = [
    o("a", "sweep", 3, "cluster: cores"),
    o("b", "sweep", 40),
    o("c", "sweep", 7),
    o("d", "test", null, "test/nodes/x.test.ts > it works"),
    o("e", "nothing"),
    o("f", "nothing"),
    o("g", "equivalent", null, "never reached"),
    o("h", "error", null, "does not compile"),
  ];

  it("measures only what ran, with one decimal", () => {
    expect(summarize(outcomes)).toEqual({
      total: 8,
      equivalent: 1,
      errors: 1,
      measured: 6,
      killedBySweep: 3,
      killedByTests: 1,
      survived: 2,
      sweepPct: 50,
      sweepOrTestsPct: 66.7,
      medianFirstSeed: 7,
    });
  });

  it("has no rates when nothing was measured", () => {
    const s = summarize([o("g", "equivalent")]);
    expect([s.measured, s.sweepPct, s.sweepOrTestsPct, s.medianFirstSeed]).toEqual([0, null, null, null]);
  });

  it("takes the median of odd and even counts", () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([10, 2, 4, 8])).toBe(6);
    expect(median([])).toBeNull();
  });

  it("labels each outcome as the table prints it, and the report lists reasons and the score", () => {
    expect(killedByText(o("a", "sweep", 3))).toBe("sweep seed 3");
    expect(killedByText({ ...o("a", "sweep", 3), hang: true })).toBe("sweep seed 3 (hang)");
    expect(killedByText(o("d", "test", null, "test/nodes/x.test.ts > it works"))).toBe("test test/nodes/x.test.ts");
    expect(killedByText(o("e", "nothing"))).toBe("nothing");
    const text = renderReport(outcomes, summarize(outcomes)).join("\n");
    expect(text).toMatch(/^mutant\s+file\s+killed by\s+first failing seed\s+check$/m);
    expect(text).toMatch(/^a\s+parts\/x\.ts\s+sweep seed 3\s+3\s+cluster: cores$/m);
    expect(text).toContain("  e: why e");
    expect(text).toContain("  g: never reached");
    expect(text).toContain("killed by the sweep:        3/6 = 50.0%");
    expect(text).toContain("killed by sweep or tests:   4/6 = 66.7%");
    expect(text).toContain("median first failing seed:  7");
  });
});
