// Swarm testing: per seed, which fault kinds are on and how hard they hit is drawn from
// the seed. Same seed, same applied schedule and trace; different seeds differ; over 50
// seeds every kind is sometimes on and sometimes off, and a kind that is off never shows.

import { beforeAll, describe, expect, it } from "vitest";
import {
  Rng,
  buildTopology,
  drawSchedule,
  optionsCalm,
  optionsSwarm,
  type FaultOptions,
  type FaultStep,
} from "../../../src/sim/index.js";
import { netScenarios } from "../../../src/scenarios/net/index.js";
import { runScenario } from "../../../src/scenarios/runner.js";
import { runNet } from "./helpers.js";

const topology = buildTopology({
  regions: [
    { id: "us", dcs: ["dc1", "dc2"] },
    { id: "eu", dcs: ["dc3"] },
  ],
  gates: 1,
  managersPerDc: 1,
  workersPerDc: 2,
  clients: 0,
});
const PHASE_MS = 10_000;

/** The options drawn and the schedule applied by world.swarm for one seed (no traffic: cheap). */
function swarmRun(seed: number): { options: FaultOptions; applied: FaultStep[] } {
  let options: FaultOptions | null = null;
  const run = runNet({ topology, script: (t) => (options = t.world.swarm(true, PHASE_MS)), runMs: PHASE_MS }, { seed });
  return { options: options!, applied: run.result.faultSchedule };
}

const KINDS: { flag: keyof FaultOptions; actions: string[] }[] = [
  { flag: "partitionsEnabled", actions: ["partition", "heal"] },
  { flag: "clogsEnabled", actions: ["clog", "unclog"] },
  { flag: "crashesEnabled", actions: ["crash"] },
  { flag: "pausesEnabled", actions: ["pause"] },
  { flag: "clockSkewEnabled", actions: ["clock-offset", "clock-drift"] },
  { flag: "lossChangesEnabled", actions: ["set-loss-later"] },
];

/** Action names of a schedule; a set-loss after 0 ms (a rate change) is "set-loss-later". */
const actions = (steps: FaultStep[]) =>
  new Set(steps.map((s) => (s.action === "set-loss" && s.atMs > 0 ? "set-loss-later" : s.action)));

describe("swarm", () => {
  it("the same seed gives the same options, the same applied schedule and the same trace (net/swarm)", () => {
    const swarm = netScenarios.find((s) => s.id === "net/swarm")!;
    const a = runScenario(swarm, { seed: 11 });
    const b = runScenario(swarm, { seed: 11 });
    expect(b.faultSchedule).toEqual(a.faultSchedule);
    expect(b.artifacts["faultOptions"]).toEqual(a.artifacts["faultOptions"]);
    expect(b.traceHash).toBe(a.traceHash);
    const c = runScenario(swarm, { seed: 12 });
    expect(c.faultSchedule).not.toEqual(a.faultSchedule);
    expect(c.traceHash).not.toBe(a.traceHash);
  });

  let runs: ReturnType<typeof swarmRun>[] = [];
  beforeAll(() => {
    runs = Array.from({ length: 50 }, (_, i) => swarmRun(i + 1));
  });

  it("across 50 seeds every fault kind is sometimes on and sometimes off, and shows in the schedule only when on", () => {
    for (const { flag, actions: kindActions } of KINDS) {
      const on = runs.filter((r) => r.options[flag] === true);
      expect(on.length, `${flag} on`).toBeGreaterThan(0);
      expect(on.length, `${flag} off`).toBeLessThan(runs.length);
      for (const r of runs) {
        const present = kindActions.some((a) => actions(r.applied).has(a));
        if (r.options[flag] !== true)
          expect(present, `${flag} is off but the schedule has ${kindActions.join("/")}`).toBe(false);
      }
      expect(
        on.some((r) => kindActions.every((a) => actions(r.applied).has(a))),
        `${flag} never produced ${kindActions.join("/")}`,
      ).toBe(true);
    }
  });

  it("across 50 seeds base loss and duplication are sometimes zero and sometimes not, and set at 0 ms when not", () => {
    for (const key of ["packetLossProbability", "duplicateProbability"] as const) {
      const nonZero = runs.filter((r) => r.options[key] > 0);
      expect(nonZero.length).toBeGreaterThan(0);
      expect(nonZero.length).toBeLessThan(runs.length);
    }
    for (const r of runs) {
      const at0 = (action: string) => r.applied.find((s) => s.atMs === 0 && s.action === action)?.probability ?? 0;
      expect(at0("set-loss")).toBe(r.options.packetLossProbability);
      expect(at0("set-duplicate")).toBe(r.options.duplicateProbability);
    }
  });

  it("swizzle-clogs appear for some seeds: several clogs, released in a different order", () => {
    const swizzled = runs.filter((r) =>
      r.applied.some((s) => typeof s.name === "string" && s.name.startsWith("swarm-swizzle")),
    );
    expect(swizzled.length).toBeGreaterThan(0);
    const reordered = swizzled.some((r) => {
      const steps = r.applied.filter((s) => typeof s.name === "string" && /^swarm-swizzle1-/.test(s.name));
      const clogged = steps.filter((s) => s.action === "clog").map((s) => s.name);
      const released = steps.filter((s) => s.action === "unclog").map((s) => s.name);
      return clogged.length >= 2 && new Set(released).size === clogged.length && released.join() !== clogged.join();
    });
    expect(reordered).toBe(true);
  });

  it("drawn schedules are valid, sorted by time, and keep outages within maxNodesDown", () => {
    for (const r of runs) {
      const times = r.applied.map((s) => s.atMs);
      expect(times).toEqual([...times].sort((x, y) => x - y));
      expect(times.every((t) => t <= PHASE_MS)).toBe(true);
    }
    for (let seed = 1; seed <= 50; seed++) {
      const options = {
        ...optionsSwarm(Rng.fromSeed(seed)),
        crashesEnabled: true,
        maxNodesDown: 1,
        crashMeanIntervalMs: 300,
      };
      const crashes = drawSchedule(Rng.fromSeed(seed).fork("s"), options, topology, PHASE_MS).filter(
        (s) => s.action === "crash",
      );
      for (let i = 1; i < crashes.length; i++) {
        const prev = crashes[i - 1]!;
        expect(crashes[i]!.atMs, `seed ${seed}: two nodes down at once`).toBeGreaterThanOrEqual(
          prev.atMs + (prev.durationMs as number),
        );
      }
    }
  });

  it("optionsCalm draws nothing, and world.swarm(false) plans nothing", () => {
    expect(drawSchedule(Rng.fromSeed(1), optionsCalm(), topology, PHASE_MS)).toEqual([]);
    const run = runNet({ topology, script: (t) => t.world.swarm(false, PHASE_MS) });
    expect(run.result.faultSchedule).toEqual([]);
  });

  it("faultyRoles limits crashes, pauses and skew to those roles", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const options = {
        ...optionsSwarm(Rng.fromSeed(seed), "worker"),
        crashesEnabled: true,
        pausesEnabled: true,
        clockSkewEnabled: true,
      };
      const steps = drawSchedule(Rng.fromSeed(seed).fork("s"), options, topology, PHASE_MS);
      const nodes = steps
        .filter((s) => ["crash", "pause", "clock-offset", "clock-drift"].includes(s.action))
        .map((s) => String(s.node));
      expect(
        nodes.every((n) => n.includes("-wrk-")),
        nodes.join(","),
      ).toBe(true);
    }
  });
});
