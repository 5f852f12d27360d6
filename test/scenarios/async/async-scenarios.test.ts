// The async-plan scenarios pass, and their checks fail when their premise is broken.

import { describe, expect, it } from "vitest";
import { asyncScenarios } from "../../../src/scenarios/async/index.js";
import { findScenario, runScenario, type ScenarioDef } from "../../../src/scenarios/index.js";
import { sweep } from "../../../src/testing/index.js";

function scenario(id: string): ScenarioDef {
  const s = findScenario(id);
  if (s === undefined) throw new Error(`scenario ${id} is not registered`);
  return s;
}

// Heavier scenarios get fewer default seeds; SIM_SEEDS=N raises every count.
const HEAVY = new Set(["orch/concurrent-requests", "spawn/high-concurrency", "soak/all"]);

describe("every async scenario passes its checks", () => {
  it.each(asyncScenarios.map((s) => s.id))("%s holds on every seed of the sweep", (id) => {
    const report = sweep(id, { seeds: HEAVY.has(id) ? 2 : 5 });
    expect(report.events).toBeGreaterThan(0);
  });
});

describe("ORCH-1", () => {
  it("1,000 three-node pipelines all complete and the virtual p95 is reported below 250 ms", () => {
    const r = runScenario(scenario("orch/concurrent-requests"), { seed: 7 });
    expect(r.verdict, JSON.stringify(r.violations.slice(0, 2))).toBe("pass");
    expect(r.metrics["completed"]).toBe(1000);
    expect(r.metrics["p95LatencyMs"]).toBeLessThan(250);
    expect(r.metrics["p95LatencyMs"]).toBeGreaterThan(r.metrics["p50LatencyMs"] as number);
  });

  it("its latency check is real: starving the executor of slots pushes p95 past the limit", () => {
    const r = runScenario(scenario("orch/concurrent-requests"), { seed: 7, overrides: { executorSlots: 40 } });
    expect(r.verdict).toBe("fail");
    expect(r.violations.map((v) => v.check)).toEqual(["p95 pipeline latency below the limit"]);
  });
});

describe("checks that can fail do fail when their premise is broken", () => {
  it("spawn/speedup: a single task cannot run in under half the serial time", () => {
    const r = runScenario(scenario("spawn/speedup"), { seed: 1, overrides: { tasks: 1 } });
    expect(r.violations.map((v) => v.check)).toEqual(["parallel (max 5) takes under 50% of serial time"]);
  });

  it("spawn/speedup reports the plan's figures: 1,000 ms serial, 200 ms at five, 100 ms at ten", () => {
    const r = runScenario(scenario("spawn/speedup"), { seed: 1 });
    expect([r.metrics["elapsedMs.max1"], r.metrics["elapsedMs.max5"], r.metrics["elapsedMs.max10"]]).toEqual([
      1000, 200, 100,
    ]);
  });

  it("spawn/high-concurrency: an events-per-task budget of 1 is exceeded", () => {
    const r = runScenario(scenario("spawn/high-concurrency"), {
      seed: 1,
      overrides: { bigTasks: 100, maxEventsPerTask: 1 },
    });
    expect(r.violations.map((v) => v.check)).toEqual([
      "every task completes on the FIFO schedule with bounded events per task",
    ]);
  });

  it("orch/node-timeout and soak/all are deterministic: the same seed gives the same trace hash", () => {
    for (const id of ["orch/node-timeout", "soak/all"]) {
      const a = runScenario(scenario(id), { seed: 9 });
      const b = runScenario(scenario(id), { seed: 9 });
      expect(a.traceHash).toBe(b.traceHash);
      expect(a.metrics).toEqual(b.metrics);
    }
  });
});

describe("soak/all", () => {
  it("reports per-iteration counts as summary rows and latency percentiles as metrics", () => {
    const r = runScenario(scenario("soak/all"), { seed: 4, overrides: { iterations: 2 } });
    expect(r.verdict).toBe("pass");
    expect(r.summary).toHaveLength(12);
    for (const row of r.summary)
      expect(
        Number(row["completed"]) + Number(row["cancelled"]) + Number(row["timedOut"]) + Number(row["failed"]),
      ).toBe(row["submitted"]);
    expect(Number(r.metrics["latencyP95Us"])).toBeGreaterThan(0);
    expect(r.checks.length).toBeGreaterThan(40);
  });
});
