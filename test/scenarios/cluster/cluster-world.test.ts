// ClusterWorld counts every emitted event but keeps only the kinds a scenario asks for.

import { describe, expect, it } from "vitest";
import { ClusterWorld } from "../../../src/scenarios/cluster/cluster-world.js";
import { defineScenario, runScenario } from "../../../src/scenarios/index.js";

function small(keepEvents: boolean | readonly string[] | undefined, seen: (c: ClusterWorld) => void) {
  return defineScenario({
    id: "test/cluster-world",
    title: "three jobs on a small cluster",
    description: "test only",
    covers: [],
    options: {},
    schema: {},
    setup(ctx) {
      const c = new ClusterWorld(ctx, {
        gates: 1,
        dcs: 1,
        managersPerDc: 1,
        workersPerDc: 2,
        client: { jobCount: 3 },
        ...(keepEvents === undefined ? {} : { keepEvents }),
      });
      c.run(20_000, 120_000);
      ctx.onFinish(() => seen(c));
    },
  });
}

describe("ClusterWorld keeps counters, and events only on request", () => {
  it("by default it counts every kind and keeps none", () => {
    let c: ClusterWorld | null = null;
    const r = runScenario(
      small(undefined, (x) => {
        c = x;
      }),
      { seed: 1 },
    );
    expect(r.verdict).toBe("pass");
    const world = c as unknown as ClusterWorld;
    expect(world.count("client.submitted")).toBe(3);
    expect(world.count("client.result")).toBe(3);
    expect(world.resultCount("completed")).toBe(3);
    expect(r.metrics["jobs.answered"]).toBe(3);
    expect(() => world.events("client.result")).toThrow(/keepEvents/);
    expect(() => world.clientStatuses()).toThrow(/keepEvents/);
  });

  it("kinds listed in keepEvents are kept in order; others still only counted", () => {
    let c: ClusterWorld | null = null;
    runScenario(
      small(["client.result"], (x) => {
        c = x;
      }),
      { seed: 1 },
    );
    const world = c as unknown as ClusterWorld;
    expect(world.clientStatuses()).toEqual(["completed", "completed", "completed"]);
    expect(world.events("client.result").map((o) => o.node)).toEqual(["client-1", "client-1", "client-1"]);
    expect(() => world.events("workflow.started")).toThrow(/keepEvents/);
    expect(world.count("workflow.started")).toBeGreaterThanOrEqual(3);
  });

  it("keeping events does not change the run", () => {
    const plain = runScenario(
      small(undefined, () => {}),
      { seed: 2 },
    );
    const kept = runScenario(
      small(true, () => {}),
      { seed: 2 },
    );
    expect(kept.traceHash).toBe(plain.traceHash);
  });
});
