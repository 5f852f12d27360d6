// The kernel scenarios (ping-pong, timeout storm) pass and their checks can fail.

import { describe, expect, it } from "vitest";
import { findScenario, integer, runScenario, type ScenarioDef } from "../../../src/scenarios/index.js";

function scenario(id: string): ScenarioDef {
  const s = findScenario(id);
  if (s === undefined) throw new Error(`scenario ${id} is not registered`);
  return s;
}

describe("kernel/timeout-storm", () => {
  const storm = scenario("kernel/timeout-storm");

  it.each([1, 2, 3])(
    "seed %i: 1,000 processes end as predicted, finally blocks run once, the semaphore bound holds",
    (seed) => {
      const r = runScenario(storm, { seed });
      expect(r.verdict, JSON.stringify(r.violations.slice(0, 2))).toBe("pass");
      expect(r.checks.every((c) => c.ok)).toBe(true);
      const modes = ["timeout", "cancel", "shield", "race"].map((m) => r.metrics[`mode.${m}`] as number);
      expect(modes.reduce((a, b) => a + b, 0)).toBe(1000);
      for (const count of modes) expect(count).toBeGreaterThan(150); // every mode is really exercised
      expect(r.metrics["peakPermitsInUse"]).toBe(64); // contended up to the bound
    },
  );

  it("with a single permit (maximum contention) every prediction still holds", () => {
    const r = runScenario(storm, { seed: 4, overrides: { processes: 150, permits: 1 } });
    expect(r.verdict, JSON.stringify(r.violations.slice(0, 2))).toBe("pass");
    expect(r.metrics["peakPermitsInUse"]).toBe(1);
  });
});

describe("kernel/ping-pong", () => {
  const pingPong = scenario("kernel/ping-pong");

  it.each([1, 2, 3])("seed %i: every ping gets its pong in order and the shared counter sees every round", (seed) => {
    const r = runScenario(pingPong, { seed });
    expect(r.verdict, JSON.stringify(r.violations.slice(0, 2))).toBe("pass");
    expect(r.metrics["exchanges"]).toBe(8 * 200);
  });

  it("its checks are not vacuous: an impossible round count fails the counter check", () => {
    // The schema refuses rounds=-1 (rightly); this sabotage loosens it to reach the check.
    const loose = { ...pingPong, schema: { ...pingPong.schema, rounds: integer(-1, 10, "sabotage") } };
    const r = runScenario(loose, { seed: 1, overrides: { rounds: -1 } });
    expect(r.verdict).toBe("fail");
    expect(r.checks.find((c) => !c.ok)?.name).toBe("lock-guarded counter saw every round exactly once");
  });
});
