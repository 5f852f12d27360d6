// The fault rule pipeline: rules are judged in install order and the first non-pass
// verdict wins, for scripted steps (clog, partition, slow-link) and custom rules alike.

import { describe, expect, it } from "vitest";
import { PASS, RulePipeline, type FaultRule, type Message, type RuleVerdict } from "../../../src/sim/index.js";
import { labels, on, runNet } from "./helpers.js";

const m: Message = { type: "m" };

function rule(name: string, verdict: RuleVerdict, calls: string[]): FaultRule {
  return {
    name,
    judge: () => {
      calls.push(name);
      return verdict;
    },
  };
}

describe("rule pipeline", () => {
  it("judges in install order and stops at the first non-pass verdict", () => {
    const calls: string[] = [];
    const p = new RulePipeline();
    p.install(rule("pass1", PASS, calls));
    p.install(rule("drop", { kind: "drop", reason: "x" }, calls));
    p.install(rule("delay", { kind: "delay", extraUs: 5 }, calls));
    expect(p.judge(m, "a", "b", 0)).toEqual({ kind: "drop", reason: "x" });
    expect(calls).toEqual(["pass1", "drop"]);
  });

  it("removing a rule lets the next one decide; an empty pipeline passes", () => {
    const calls: string[] = [];
    const p = new RulePipeline();
    const drop = rule("drop", { kind: "drop", reason: "x" }, calls);
    p.install(drop);
    p.install(rule("delay", { kind: "delay", extraUs: 5 }, calls));
    expect(p.remove(drop)).toBe(true);
    expect(p.remove(drop)).toBe(false);
    expect(p.judge(m, "a", "b", 0)).toEqual({ kind: "delay", extraUs: 5 });
    expect(new RulePipeline().judge(m, "a", "b", 0)).toBe(PASS);
  });

  it("a clog installed before a partition holds the message instead of dropping it", () => {
    const run = runNet({
      plan: [
        { atMs: 10, action: "clog", node: "b", name: "c" },
        { atMs: 10, action: "partition", name: "p", a: ["a"], b: ["b"] },
        { atMs: 30, action: "heal", name: "p" },
        { atMs: 40, action: "unclog", name: "c" },
      ],
      script: (t) => t.at(20, () => t.send("a", "b", 1)),
    });
    expect(run.world.network.stats.held).toBe(1);
    expect(run.world.network.stats.dropped).toEqual({});
    expect(on(run.rec, "a", "b").map((r) => [r.n, r.atUs >= 40_000])).toEqual([[1, true]]);
  });

  it("a partition installed before a clog drops the message; the clog never sees it", () => {
    const run = runNet({
      plan: [
        { atMs: 10, action: "partition", name: "p", a: ["a"], b: ["b"] },
        { atMs: 10, action: "clog", node: "b", name: "c" },
        { atMs: 30, action: "heal", name: "p" },
        { atMs: 40, action: "unclog", name: "c" },
      ],
      script: (t) => t.at(20, () => t.send("a", "b", 1)),
    });
    expect(run.world.network.stats.held).toBe(0);
    expect(run.world.network.stats.dropped).toEqual({ partition: 1 });
    expect(labels(run.rec, "a", "b")).toEqual([]);
  });

  it("a held message released while a later partition still stands is judged again and dropped", () => {
    const run = runNet({
      plan: [
        { atMs: 10, action: "clog", node: "b", name: "c" },
        { atMs: 10, action: "partition", name: "p", a: ["a"], b: ["b"] },
        { atMs: 40, action: "unclog", name: "c" },
      ],
      script: (t) => t.at(20, () => t.send("a", "b", 1)),
    });
    expect(run.world.network.stats.held).toBe(1);
    expect(run.world.network.stats.dropped).toEqual({ partition: 1 });
  });

  it("a slow link adds its delay, and installed first it wins over a later partition", () => {
    const link = { sameDcMinUs: 500, sameDcMaxUs: 500 };
    const run = runNet({
      link,
      plan: [
        { atMs: 10, action: "slow-link", from: ["a"], to: ["b"], extraMs: 30 },
        { atMs: 10, action: "partition", a: ["a"], b: ["b", "c"] },
      ],
      script: (t) =>
        t.at(20, () => {
          t.send("a", "b", 1);
          t.send("a", "c", 2);
        }),
    });
    expect(on(run.rec, "a", "b").map((r) => r.atUs)).toEqual([20_000 + 30_000 + 500]);
    expect(labels(run.rec, "a", "c")).toEqual([]);
    expect(run.world.network.stats.dropped).toEqual({ partition: 1 });
  });

  it("a partition or clog with `types` drops or holds only messages of those types", () => {
    const run = runNet({
      plan: [
        { atMs: 10, action: "partition", name: "p", a: ["a"], b: ["b"], oneWay: true, types: ["sync"] },
        { atMs: 10, action: "clog", name: "c", from: ["a"], to: ["c"], types: ["ack", "sync"] },
        { atMs: 40, action: "unclog", name: "c" },
      ],
      script: (t) =>
        t.at(20, () => {
          t.send("a", "b", 1, "sync");
          t.send("a", "b", 2, "ack");
          t.send("b", "a", 3, "sync");
          t.send("a", "c", 4, "ack");
          t.send("a", "c", 5, "other");
        }),
    });
    expect(labels(run.rec, "a", "b")).toEqual([2]);
    expect(labels(run.rec, "b", "a")).toEqual([3]);
    expect(on(run.rec, "a", "c").map((r) => [r.n, r.atUs >= 40_000])).toEqual([
      [5, false],
      [4, true],
    ]);
  });
});
