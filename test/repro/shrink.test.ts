// shrink keeps the violation signature while it removes faults, shortens runs and lowers the workload.

import { describe, expect, it } from "vitest";
import { captureRun } from "../../src/repro/capture.js";
import { replayRepro } from "../../src/repro/replay.js";
import { ShrinkError, shrinkRepro } from "../../src/repro/shrink.js";
import { findScenario } from "../../src/scenarios/index.js";
import { TEN_FAULTS, faultToy } from "./toy-scenarios.js";

function failingToy(overrides = {}) {
  const { repro } = captureRun(faultToy, { seed: 3, overrides }, "test");
  expect(repro.verdict).toBe("fail");
  expect(repro.faultSchedule).toHaveLength(10);
  expect(repro.faultOverride).toBeNull(); // the scenario applied its own schedule
  return repro;
}

describe("shrink", () => {
  it("reduces a planted ten-fault schedule to the one poison step, shortened and moved earlier", () => {
    const repro = failingToy();
    const report = shrinkRepro(faultToy, repro);
    expect(report.candidate.faults).toHaveLength(1);
    const [step] = report.candidate.faults;
    expect(step).toMatchObject({ action: "poison", target: TEN_FAULTS[6]!.target });
    expect(step!.durationMs).toBe(0); // the toy never looks at the duration
    expect(step!.atMs).toBeLessThan(TEN_FAULTS[6]!.atMs);
    expect(report.before).toMatchObject({
      faultSteps: 10,
      faultDurationMs: 2000,
      workload: { workers: 6, rounds: 40 },
    });
    expect(report.after.faultSteps).toBe(1);
    expect(report.after.workload["workers"]).toBeLessThan(6);
    expect(report.after.events).toBeLessThan(report.before.events);
    expect(report.result.verdict).toBe("fail");
    expect(report.runs).toBeLessThanOrEqual(500);
  });

  it("is deterministic: the same input shrinks to the same output, attempt for attempt", () => {
    const repro = failingToy();
    const a = shrinkRepro(faultToy, repro);
    const b = shrinkRepro(faultToy, repro);
    expect(b.candidate).toEqual(a.candidate);
    expect(b.runs).toBe(a.runs);
    expect(b.log).toEqual(a.log);
  });

  it("produces a repro that replays IDENTICAL and still carries the signature", () => {
    const report = shrinkRepro(faultToy, failingToy());
    const { repro: minimal } = captureRun(faultToy, report.request, "shrink");
    expect(minimal.faultOverride).toEqual(report.candidate.faults);
    expect(minimal.signature).toBe(report.signature);
    expect(replayRepro(faultToy, minimal).identical).toBe(true);
  });

  it("cuts the run length to the moment a runtime violation is recorded", () => {
    const report = shrinkRepro(faultToy, failingToy({ violateAtOnce: true }));
    const v = report.result.violations.find((x) => x.check === "no poison while busy")!;
    expect(report.candidate.maxTimeUs).toBe(v.atUs);
    expect(report.result.virtualTimeUs).toBeLessThanOrEqual(v.atUs);
    expect(report.log.some((l) => l.startsWith("run length cut"))).toBe(true);
  });

  it("stops at the run budget and says so", () => {
    const report = shrinkRepro(faultToy, failingToy(), 5);
    expect(report.runs).toBe(5);
    expect(report.budgetExhausted).toBe(true);
    expect(report.result.verdict).toBe("fail"); // whatever it kept still fails
  });

  it("lowers a real scenario's shrinkable options: the planted ping-pong bug needs only round 51 of the failing pair", () => {
    const pingPong = findScenario("kernel/ping-pong")!;
    const { repro } = captureRun(pingPong, { seed: 170, overrides: { plantBugAtRound: 50 } }, "test");
    const report = shrinkRepro(pingPong, repro);
    expect(report.candidate.options).toMatchObject({ rounds: 51, plantBugAtRound: 50 });
    expect(report.candidate.options["pairs"]).toBeLessThan(8);
  });

  it("refuses to shrink a passing run", () => {
    const { repro } = captureRun(faultToy, { seed: 3, overrides: { workers: 0 } }, "test");
    expect(() => shrinkRepro(faultToy, repro)).toThrow(ShrinkError);
  });
});
