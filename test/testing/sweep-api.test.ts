// Example property tests with the package's vitest API, imported as users import it.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sweep, SimulationFailure, resolveSeeds } from "simctl/testing";

const reproDir = mkdtempSync(join(tmpdir(), "simctl-testing-"));
afterAll(() => rmSync(reproDir, { recursive: true, force: true }));

describe("simctl/testing sweep", () => {
  it("passes when every seed passes (timeout-storm predictions hold for 20 seeds)", () => {
    const report = sweep("kernel/timeout-storm", { seeds: 20, options: { processes: 200 }, reproDir });
    expect(report).toMatchObject({ scenario: "kernel/timeout-storm", seeds: 20 });
  });

  it("on a failing seed throws naming the seed, the violation, the repro file and the replay command", () => {
    let error: unknown;
    try {
      sweep("kernel/ping-pong", {
        seeds: { first: 1, last: 40 },
        options: { plantBugAtRound: 50, rounds: 60 },
        reproDir,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SimulationFailure);
    const failure = error as SimulationFailure;
    expect(failure.message).toMatch(
      /^kernel\/ping-pong failed at seed 6 \(6 of 40 seeds\): every pong matches its ping, in order: pair \d+ sent 50 got \d+\/51/,
    );
    expect(failure.message).toContain(`repro:     ${failure.reproPath}`);
    expect(failure.message).toContain(`replay:    npx simctl replay ${failure.reproPath}`);
    expect(failure.message).toContain("SIM_SEED=6 npx vitest run");
    expect(failure.message).not.toContain("warning");
    expect(existsSync(failure.reproPath)).toBe(true);
    // Seeds run untraced; the error carries the traced rerun that wrote the repro.
    expect(failure.result.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(failure.result.checkpoints.length).toBeGreaterThan(0);
  });

  it("SIM_SEED reruns just that seed; SIM_SEEDS sets the count", () => {
    expect(resolveSeeds(100, { SIM_SEED: "42" })).toEqual([42]);
    expect(resolveSeeds(100, { SIM_SEEDS: "3" })).toEqual([1, 2, 3]);
    expect(resolveSeeds({ first: 10, last: 20 }, { SIM_SEEDS: "2" })).toEqual([10, 11]);
    expect(resolveSeeds(5, {})).toEqual([1, 2, 3, 4, 5]);
    expect(() => resolveSeeds(5, { SIM_SEED: "x" })).toThrow(/SIM_SEED/);
  });

  it("honours SIM_SEED from the environment", () => {
    const saved = process.env["SIM_SEED"];
    process.env["SIM_SEED"] = "6";
    try {
      expect(() =>
        sweep("kernel/ping-pong", { seeds: 1, options: { plantBugAtRound: 50, rounds: 60 }, reproDir }),
      ).toThrow(/failed at seed 6 \(1 of 1 seeds\)/);
    } finally {
      if (saved === undefined) delete process.env["SIM_SEED"];
      else process.env["SIM_SEED"] = saved;
    }
  });

  it("refuses swarm for a scenario without a swarm option", () => {
    expect(() => sweep("kernel/ping-pong", { seeds: 1, swarm: true })).toThrow(/no swarm option/);
  });

  it("checks options against the scenario's schema and size bound before any seed runs", () => {
    expect(() => sweep("kernel/ping-pong", { seeds: 1, options: { rounds: 0 }, reproDir })).toThrow(
      "option rounds=0 is out of range: expected an integer in [1, 100000]",
    );
    expect(() => sweep("kernel/ping-pong", { seeds: 1, options: { rounds: "5" }, reproDir })).toThrow(
      /is not a number/,
    );
    expect(() => sweep("kernel/ping-pong", { seeds: 1, options: { pairs: 1_000, rounds: 100_000 }, reproDir })).toThrow(
      /estimated size 10,000,000 \(pairs × rounds \/ 10\) exceeds the bound/,
    );
  });
});

describe("simctl/testing with the network model", () => {
  it("partition-heal reconnects every pair under 8 swarm seeds", () => {
    expect(sweep("net/partition-heal", { seeds: 8, swarm: true, reproDir }).seeds).toBe(8);
  });
});
