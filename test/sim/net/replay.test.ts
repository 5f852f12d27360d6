// Replaying a fault schedule: a run given `faultSchedule` applies exactly those steps
// (the scenario's own plan, swarm draws and scripted world.* faults become no-ops), and
// its result's faultSchedule equals the one it was given.

import { describe, expect, it } from "vitest";
import type { FaultStep } from "../../../src/sim/index.js";
import { netScenarios } from "../../../src/scenarios/net/index.js";
import { runScenario } from "../../../src/scenarios/runner.js";
import { netScenario, runNet, type NetSpec } from "./helpers.js";

const spec: NetSpec = {
  plan: [
    { atMs: 10, action: "partition", name: "p", a: ["a"], b: ["b"] },
    { atMs: 20, action: "heal", name: "p" },
  ],
  script: (t) => {
    t.at(30, () => t.world.crash("b", 10));
    t.atUs(50_500, () => t.world.pause("c", 2));
    for (let i = 0; i < 10; i++)
      t.at(5 + i * 10, () => {
        t.send("a", "b", i);
        t.send("a", "c", i);
      });
  },
};

describe("fault schedule replay", () => {
  it("records planned and scripted steps with their exact times", () => {
    expect(runNet(spec).result.faultSchedule).toEqual([
      { atMs: 10, action: "partition", name: "p", a: ["a"], b: ["b"] },
      { atMs: 20, action: "heal", name: "p" },
      { atMs: 30, action: "crash", node: "b", durationMs: 10 },
      { atMs: 50, atUs: 50_500, action: "pause", node: "c", durationMs: 2 },
    ]);
  });

  it("replaying a run's own schedule applies the same steps and reproduces the receipts", () => {
    const original = runNet(spec);
    const replay = runNet(spec, { faultSchedule: original.result.faultSchedule });
    expect(replay.result.faultSchedule).toEqual(original.result.faultSchedule);
    expect(replay.rec.receipts.map(({ i: _i, ...r }) => r)).toEqual(original.rec.receipts.map(({ i: _i, ...r }) => r));
    expect(replay.world.network.stats).toEqual(original.world.network.stats);
  });

  it("a replayed schedule replaces the plan and the scripted faults entirely", () => {
    const given: FaultStep[] = [{ atMs: 55, action: "crash", node: "a" }];
    const run = runNet(spec, { faultSchedule: given });
    expect(run.result.faultSchedule).toEqual(given);
    expect(run.world.network.stats.dropped["partition"]).toBeUndefined();
    expect(run.rec.boots.filter((b) => b.node === "b")).toHaveLength(1); // the scripted crash of b did not happen
    expect(run.world.hostOf("a").state).toBe("down");
    expect(run.world.hostOf("c").state).toBe("up");
  });

  it("an empty schedule means no faults at all", () => {
    const run = runNet(spec, { faultSchedule: [] });
    expect(run.result.faultSchedule).toEqual([]);
    expect(run.world.network.stats.dropped).toEqual({});
    expect(run.rec.receipts).toHaveLength(20);
  });

  it("a step at a sub-millisecond time replays at that exact microsecond", () => {
    const given: FaultStep[] = [{ atMs: 50, atUs: 50_500, action: "pause", node: "c", durationMs: 2 }];
    const run = runNet({ ...spec }, { faultSchedule: given, collectTrace: true });
    expect(run.trace.filter((r) => r.kind === "fault:pause").map((r) => r.atUs)).toEqual([50_500]);
    expect(run.result.faultSchedule).toEqual(given);
  });

  it("an invalid given schedule is the caller's error: runScenario throws a ScheduleError naming the problem", () => {
    expect(() =>
      runScenario(netScenario(spec), { seed: 1, faultSchedule: [{ atMs: 5, action: "crash", node: "nobody" }] }),
    ).toThrow('the given fault schedule: step 0 (crash at 5ms): unknown node "nobody"');
  });

  it("net/swarm: replaying the applied swarm schedule reproduces the run bit for bit (seeds 1..3)", () => {
    const swarm = netScenarios.find((s) => s.id === "net/swarm")!;
    for (const seed of [1, 2, 3]) {
      const original = runScenario(swarm, { seed });
      expect(original.faultSchedule.length).toBeGreaterThan(0);
      const replay = runScenario(swarm, { seed, faultSchedule: original.faultSchedule });
      expect(replay.faultSchedule).toEqual(original.faultSchedule);
      expect(replay.traceHash).toBe(original.traceHash);
    }
  });

  it("net/swarm: the drawn base loss and duplication rates are steps of the schedule, so an empty replay has none", () => {
    const swarm = netScenarios.find((s) => s.id === "net/swarm")!;
    let sawRates = 0;
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const original = runScenario(swarm, { seed });
      const options = original.artifacts["faultOptions"] as {
        packetLossProbability: number;
        duplicateProbability: number;
      };
      const at0 = original.faultSchedule.filter((s) => s.atMs === 0);
      expect(at0.some((s) => s.action === "set-loss")).toBe(options.packetLossProbability > 0);
      expect(at0.some((s) => s.action === "set-duplicate")).toBe(options.duplicateProbability > 0);
      if (options.packetLossProbability > 0 || options.duplicateProbability > 0) {
        sawRates++;
        const empty = runScenario(swarm, { seed, faultSchedule: [] });
        expect(empty.metrics["messages.duplicated"]).toBe(0);
        expect(empty.metrics["messages.dropped.loss"]).toBeUndefined();
      }
    }
    expect(sawRates).toBeGreaterThan(0);
  });
});
