// The net/* scenarios pass for seeds 1..5, and a sabotaged variant of each (a replaced
// fault schedule or a changed option) fails the check it should: the checks can fail.

import { describe, expect, it } from "vitest";
import { NodeHost, type FaultStep } from "../../../src/sim/index.js";
import { netScenarios } from "../../../src/scenarios/net/index.js";
import { runScenario, type RunRequest } from "../../../src/scenarios/runner.js";
import type { RunResult } from "../../../src/scenarios/types.js";

const byId = (id: string) => {
  const def = netScenarios.find((s) => s.id === id);
  if (def === undefined) throw new Error(`no scenario ${id}`);
  return def;
};

/** Names of the checks that failed, plus the verdict. */
function failed(result: RunResult): string[] {
  return result.checks.filter((c) => !c.ok).map((c) => c.name);
}

function sabotage(id: string, request: Omit<RunRequest, "seed">): RunResult {
  return runScenario(byId(id), { seed: 1, ...request });
}

describe("net/* scenarios", () => {
  it("lists the expected scenarios", () => {
    expect(netScenarios.map((s) => s.id).sort()).toEqual([
      "net/clock-skew",
      "net/crash-restart",
      "net/lossy-links",
      "net/one-way-partition",
      "net/oversize",
      "net/partition-heal",
      "net/pause-resume",
      "net/swarm",
      "net/swizzle-clog",
    ]);
  });

  for (const def of netScenarios) {
    it(`${def.id} passes for seeds 1..5`, () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const result = runScenario(def, { seed });
        expect(result.violations, `${def.id} seed ${seed}`).toEqual([]);
        expect(result.verdict).toBe("pass");
        expect(result.checks.length).toBeGreaterThan(0);
      }
    });
  }

  it("net/partition-heal with swarm faults on passes for seeds 1..5", () => {
    for (const seed of [1, 2, 3, 4, 5])
      expect(runScenario(byId("net/partition-heal"), { seed, overrides: { swarm: true } }).violations).toEqual([]);
  });
});

describe("sabotaged variants fail the check they should", () => {
  it("net/one-way-partition made symmetric: b -> a is no longer delivered", () => {
    const steps: FaultStep[] = [
      { atMs: 500, action: "partition", name: "a-to-b", a: ["n1"], b: ["n2"] },
      { atMs: 1_500, action: "heal", name: "a-to-b" },
    ];
    expect(failed(sabotage("net/one-way-partition", { faultSchedule: steps }))).toEqual([
      "n2 -> n1 pings sent during the partition were all delivered",
    ]);
  });

  it("net/one-way-partition without its partition: a -> b leaks", () => {
    expect(failed(sabotage("net/one-way-partition", { faultSchedule: [] }))).toEqual([
      "n1 -> n2 pings sent during the partition were all dropped",
      "n1's pongs to n2 were dropped too (same direction)",
    ]);
  });

  it("net/partition-heal without its partition: cross-DC pings leak and nothing is dropped", () => {
    expect(failed(sabotage("net/partition-heal", { faultSchedule: [] }))).toEqual([
      "no ping sent across the partition while it stood was delivered",
      "the network recorded partition drops",
    ]);
  });

  it("net/partition-heal with a liveness budget too short to reconnect: liveness verdict", () => {
    const result = sabotage("net/partition-heal", { overrides: { livenessBudgetMs: 0 } });
    expect(result.verdict).toBe("liveness");
    expect(result.failure?.message).toMatch(/has not heard .* since the heal/);
  });

  it("net/crash-restart whose node never crashes: no new incarnation, no crashed-target drops", () => {
    expect(
      failed(sabotage("net/crash-restart", { faultSchedule: [{ atMs: 2_000, action: "restart", node: "n2" }] })),
    ).toEqual([
      "n2 restarted as incarnation 2 with its durable boot count kept",
      "n2's volatile receive counter started again from zero",
      "messages in flight to n2 at the crash were dropped",
      "n2 received and sent nothing while down",
      "n2's process was cancelled by the crash",
    ]);
  });

  it("net/clock-skew with a different offset and drift than configured: those checks fail", () => {
    const steps: FaultStep[] = [
      { atMs: 0, action: "clock-offset", node: "n2", offsetMs: 249 },
      { atMs: 0, action: "clock-drift", node: "n3", ppm: 1_000 },
      { atMs: 1_050, action: "clock-jump", node: "n4", jumpMs: 2_000 },
    ];
    expect(failed(sabotage("net/clock-skew", { faultSchedule: steps }))).toEqual([
      "n2 (offset): local clock is exactly offsetMs ahead",
      "n3 (drift): the gap grows by driftPpm of elapsed time, and its local-clock timer keeps local time",
    ]);
  });

  it("net/pause-resume whose pause outlasts the configured one: nothing arrives at the expected resume instant", () => {
    expect(
      failed(
        sabotage("net/pause-resume", {
          faultSchedule: [{ atMs: 1_000, action: "pause", node: "n2", durationMs: 700 }],
        }),
      ),
    ).toContain("the pause queued something");
  });

  it("net/lossy-links with loss set higher than configured: the loss check fails", () => {
    expect(
      failed(sabotage("net/lossy-links", { faultSchedule: [{ atMs: 0, action: "set-loss", probability: 0.2 }] })),
    ).toEqual(["observed loss rate within tolerance"]);
  });

  it("net/oversize whose big message is never sent within the run: no drop, sender not told", () => {
    expect(failed(sabotage("net/oversize", { overrides: { sendAtMs: 5_000 } }))).toEqual([
      "the drop was recorded with reason oversize",
      "the sender learned the message was undeliverable",
    ]);
  });

  it("net/swizzle-clog without its clogs: nothing was held, and pings arrived during the would-be clogs", () => {
    expect(failed(sabotage("net/swizzle-clog", { faultSchedule: [] }))).toEqual([
      "messages to or from a clogged node were held",
      "no held ping was delivered before its clog was released",
    ]);
  });

  it("net/swarm with a zero liveness budget: liveness verdict naming an unheard pair", () => {
    const result = sabotage("net/swarm", { overrides: { livenessBudgetMs: 0 }, faultSchedule: [] });
    expect(result.verdict).toBe("liveness");
    expect(result.failure?.message).toMatch(
      /liveness: not converged 0ms after healing: \S+ has not heard \S+ since the heal/,
    );
  });

  it("net/swarm on a simulator whose crash forgets to void in-flight messages: the crash safety check fails", () => {
    const crash = NodeHost.prototype.crash;
    NodeHost.prototype.crash = function (this: NodeHost) {
      const life = this.crashCount;
      crash.call(this);
      this.crashCount = life; // sabotage: deliveries sent to the old life stay valid
    };
    try {
      const result = sabotage("net/swarm", {
        faultSchedule: [{ atMs: 1_000, action: "crash", node: "dc2-wrk-1", durationMs: 30 }],
      });
      expect(failed(result)).toEqual([
        "no message reached a crashed node while it was down, nor one sent to its previous life",
      ]);
    } finally {
      NodeHost.prototype.crash = crash;
    }
  });
});
