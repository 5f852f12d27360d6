// Fault schedules as data: each problem gives exactly one clear error, ScheduleError
// lists them all, and a scenario planning a bad schedule fails at setup naming them.

import { describe, expect, it } from "vitest";
import {
  ScheduleError,
  flatTopology,
  parseSchedule,
  validateSchedule,
  type FaultStep,
} from "../../../src/sim/index.js";
import { runNet } from "./helpers.js";

const topology = flatTopology(["a", "b", "c"]);
const ok = (steps: unknown[]) => expect(validateSchedule(steps, topology)).toEqual([]);

/** The problems of a one-problem schedule; asserts there is exactly one. */
function theProblem(steps: unknown[]): string {
  const problems = validateSchedule(steps, topology);
  expect(problems, JSON.stringify(problems)).toHaveLength(1);
  return problems[0]!;
}

describe("schedule validation", () => {
  it("accepts a well-formed schedule using every action", () => {
    ok([
      { atMs: 0, action: "clock-offset", node: "a", offsetMs: -20 },
      { atMs: 0, action: "clock-drift", node: "b", ppm: 100 },
      { atMs: 5, action: "clock-jump", node: "c", jumpMs: 3 },
      { atMs: 10, action: "partition", name: "p", a: ["a"], b: ["dc:dc1"], oneWay: true },
      { atMs: 20, action: "heal", name: "p" },
      { atMs: 30, action: "clog", node: "a", name: "c", expireAfterMs: 5, types: ["m"] },
      { atMs: 40, action: "unclog", name: "c" },
      { atMs: 50, action: "slow-link", from: "a", to: ["b"], extraMs: 2.5, durationMs: 10 },
      { atMs: 60, action: "crash", node: "b", durationMs: 5 },
      { atMs: 70, action: "crash", node: "b" },
      { atMs: 71, action: "restart", node: "b" },
      { atMs: 80, action: "pause", node: "role:node" },
      { atMs: 90, action: "resume", node: "role:node" },
      { atMs: 100, action: "set-loss", probability: 0.5 },
      { atMs: 100, action: "set-duplicate", probability: 0 },
    ]);
  });

  it("types must be a non-empty list of message types", () => {
    expect(theProblem([{ atMs: 10, action: "partition", a: ["a"], b: ["b"], types: [] }])).toBe(
      "step 0 (partition at 10ms): types must be a non-empty list of message types",
    );
    expect(theProblem([{ atMs: 10, action: "clog", node: "a", types: "sync" }])).toBe(
      "step 0 (clog at 10ms): types must be a non-empty list of message types",
    );
  });

  it("unknown node", () => {
    expect(theProblem([{ atMs: 10, action: "crash", node: "zz" }])).toBe('step 0 (crash at 10ms): unknown node "zz"');
    expect(theProblem([{ atMs: 10, action: "partition", a: ["a"], b: ["dc:nowhere"] }])).toContain(
      'unknown node "dc:nowhere"',
    );
  });

  it("negative or non-integer time", () => {
    expect(theProblem([{ atMs: -5, action: "crash", node: "a" }])).toBe(
      "step 0: atMs must be a non-negative integer, got -5",
    );
    expect(theProblem([{ atMs: 1.5, action: "crash", node: "a" }])).toBe(
      "step 0: atMs must be a non-negative integer, got 1.5",
    );
    expect(theProblem([{ atMs: "10", action: "crash", node: "a" }])).toBe(
      'step 0: atMs must be a non-negative integer, got "10"',
    );
  });

  it("unknown action", () => {
    expect(theProblem([{ atMs: 10, action: "explode", node: "a" }])).toMatch(
      /^step 0: unknown action "explode"; expected one of partition, heal, /,
    );
  });

  it("heal without a partition (none before it, or a name never installed)", () => {
    expect(theProblem([{ atMs: 10, action: "heal" }])).toBe(
      "step 0 (heal at 10ms): heal without a partition before it",
    );
    expect(
      theProblem([
        { atMs: 20, action: "partition", a: "a", b: "b" },
        { atMs: 10, action: "heal" },
      ]),
    ).toContain("step 1 (heal at 10ms): heal without a partition");
    expect(
      theProblem([
        { atMs: 5, action: "partition", name: "p", a: "a", b: "b" },
        { atMs: 10, action: "heal", name: "q" },
      ]),
    ).toContain('heal names partition "q", which was never installed');
  });

  it("unclog naming a clog never installed", () => {
    expect(
      theProblem([
        { atMs: 5, action: "clog", node: "a", name: "c" },
        { atMs: 10, action: "unclog", name: "d" },
      ]),
    ).toContain('unclog names clog "d", which was never installed');
  });

  it("a drift of -1e6 ppm (a stopped clock) is refused; just inside is accepted", () => {
    expect(theProblem([{ atMs: 0, action: "clock-drift", node: "a", ppm: -1_000_000 }])).toContain(
      "strictly within ±1e6",
    );
    ok([{ atMs: 0, action: "clock-drift", node: "a", ppm: -999_999 }]);
  });

  it("bad probability", () => {
    expect(theProblem([{ atMs: 10, action: "set-loss", probability: 1.5 }])).toBe(
      'step 0 (set-loss at 10ms): "probability" must be a probability in [0, 1]',
    );
    expect(theProblem([{ atMs: 10, action: "set-duplicate", probability: -0.1 }])).toContain(
      '"probability" must be a probability in [0, 1]',
    );
    expect(theProblem([{ atMs: 10, action: "set-loss" }])).toContain('"probability" must be');
  });

  it("a step that is not an object, and other malformed fields, are reported", () => {
    expect(theProblem([42])).toMatch(/^step 0: must be an object/);
    expect(theProblem([{ atMs: 1, action: "crash", node: "a", durationMs: -1 }])).toContain(
      "durationMs must be a non-negative integer",
    );
    expect(theProblem([{ atMs: 1, action: "clog" }])).toContain("clog needs node, from or to");
    expect(theProblem([{ atMs: 1, action: "unclog" }])).toContain("unclog without a clog before it");
  });

  it("ScheduleError lists every problem of a schedule, one each", () => {
    const text = JSON.stringify([
      { atMs: -1, action: "crash", node: "a" },
      { atMs: 10, action: "crash", node: "ghost" },
      { atMs: 20, action: "teleport" },
      { atMs: 30, action: "heal" },
      { atMs: 40, action: "set-loss", probability: 2 },
    ]);
    let error: unknown = null;
    try {
      parseSchedule(text, topology);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScheduleError);
    const problems = (error as ScheduleError).problems;
    expect(problems).toHaveLength(5);
    expect(problems.join("\n")).toMatch(
      /atMs must be a non-negative integer, got -1[\s\S]*unknown node "ghost"[\s\S]*unknown action "teleport"[\s\S]*heal without a partition[\s\S]*probability in \[0, 1\]/,
    );
    expect((error as ScheduleError).message).toMatch(/^5 problems in the fault schedule: /);
  });

  it("parseSchedule rejects text that is not a JSON array, and returns valid steps as given", () => {
    expect(() => parseSchedule("{", topology)).toThrow(/not valid JSON/);
    expect(() => parseSchedule('{"atMs":1}', topology)).toThrow(/must be a JSON array/);
    const steps: FaultStep[] = [{ atMs: 3, action: "pause", node: "a", durationMs: 4 }];
    expect(parseSchedule(JSON.stringify(steps), topology)).toEqual(steps);
  });

  it("a scenario that plans an invalid schedule fails at setup with the problems", () => {
    const run = runNet({
      plan: [
        { atMs: 10, action: "crash", node: "ghost" },
        { atMs: 10, action: "boom" },
      ],
    });
    expect(run.result.verdict).toBe("error");
    expect(run.result.failure?.message).toContain('unknown node "ghost"');
    expect(run.result.failure?.message).toContain('unknown action "boom"');
  });
});
