// Sweep coverage: per-mark seed counts, the reachable marks no seed reached, marks out of the
// scenario's reach listed apart, and shard summaries that merge into the whole sweep's.

import { describe, expect, it } from "vitest";
import { CoverageTally, mergeCoverage } from "../../src/repro/coverage-summary.js";

const declared = [{ name: "a.one" }, { name: "b.two" }, { name: "c.three", reachedBy: "cluster/scripted" }];

describe("sweep coverage", () => {
  it("counts seeds per mark and lists the reachable marks no seed reached", () => {
    const t = new CoverageTally();
    t.add(["a.one"]);
    t.add(["a.one", "z.undeclared"]);
    const s = t.summary(declared);
    expect(s.seedsPerMark).toEqual({ "a.one": 2, "b.two": 0, "z.undeclared": 1 });
    expect(s.unreached).toEqual(["b.two"]);
    expect(s.outOfReach).toEqual({ "c.three": "cluster/scripted" });
    expect(s.reached).toBe(1);
    expect(s.declared).toBe(3);
  });

  it("two shards merge: counts add up and a mark one shard reached is no longer unreached", () => {
    const x = new CoverageTally();
    x.add(["a.one"]);
    const y = new CoverageTally();
    y.add(["b.two"]);
    const merged = mergeCoverage(x.summary(declared), y.summary(declared));
    expect(merged.seedsPerMark["a.one"]).toBe(1);
    expect(merged.seedsPerMark["b.two"]).toBe(1);
    expect(merged.unreached).toEqual([]);
    expect(merged.reached).toBe(2);
  });
});
