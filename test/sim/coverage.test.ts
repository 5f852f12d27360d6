// Coverage marks: counted per name, reported sorted in the run result, reached through a
// node's env, and never part of the trace (adding a mark changes no trace hash).

import { describe, expect, it } from "vitest";
import { Coverage } from "../../src/sim/index.js";
import { findScenario, runScenario } from "../../src/scenarios/index.js";

describe("coverage marks", () => {
  it("counts each hit and lists marks by name", () => {
    const c = new Coverage();
    c.hit("b.two");
    c.hit("a.one");
    c.hit("b.two");
    expect(c.snapshot()).toEqual({ "a.one": 1, "b.two": 2 });
    expect(Object.keys(c.snapshot())).toEqual(["a.one", "b.two"]);
    expect(c.count("c.none")).toBe(0);
  });

  it("a cluster run reports the marks its nodes reached, the same ones traced or not", () => {
    const smoke = findScenario("cluster/smoke");
    if (smoke === undefined) throw new Error("cluster/smoke is not registered");
    const traced = runScenario(smoke, { seed: 1 });
    const untraced = runScenario(smoke, { seed: 1, trace: false });
    expect(traced.coverage["registrar.accepted"]).toBeGreaterThan(0);
    expect(traced.coverage["election.won"]).toBeGreaterThan(0);
    expect(untraced.coverage).toEqual(traced.coverage);
  });
});
