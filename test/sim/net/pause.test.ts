// Pause/resume (a GC-like freeze): while paused nothing runs on the node and nothing is
// delivered to it; timers and deliveries queue and run in arrival order on resume.

import { describe, expect, it } from "vitest";
import { ms } from "../../../src/sim/index.js";
import { on, runNet, seen } from "./helpers.js";

const link = { sameDcMinUs: 1_000, sameDcMaxUs: 1_000, fifo: true }; // exactly 1 ms, FIFO

describe("pause", () => {
  it("queues deliveries while paused and delivers them in order at resume", () => {
    const run = runNet({
      link,
      plan: [{ atMs: 10, action: "pause", node: "b", durationMs: 20 }],
      script: (t) => {
        for (let n = 1; n <= 5; n++) t.at(10 + n, () => t.send("a", "b", n));
        t.at(35, () => t.send("a", "b", 6));
      },
    });
    expect(on(run.rec, "a", "b").map((r) => [r.n, r.atUs])).toEqual([
      [1, ms(30)],
      [2, ms(30)],
      [3, ms(30)],
      [4, ms(30)],
      [5, ms(30)],
      [6, ms(36)],
    ]);
    expect(run.world.network.stats.dropped).toEqual({});
  });

  it("defers timers due while paused and interleaves them with deliveries in arrival order", () => {
    const run = runNet({
      link,
      plan: [
        { atMs: 10, action: "pause", node: "b" },
        { atMs: 30, action: "resume", node: "b" },
      ],
      script: (t) => {
        t.at(5, () => t.node("b").timer("due-14", ms(9)));
        t.at(11, () => t.send("a", "b", 1)); // arrives 12
        t.at(15, () => t.send("c", "b", 2)); // arrives 16
        t.at(5, () => t.node("a").timer("a-due-14", ms(9)));
      },
    });
    expect(seen(run.rec, "b")).toEqual(["recv:a:1", "run:due-14", "recv:c:2"]);
    expect(run.rec.ran.map((r) => [r.node, r.atUs])).toEqual([
      ["a", ms(14)],
      ["b", ms(30)],
    ]);
  });

  it("runs none of the node's processes while paused", () => {
    const run = runNet({
      plan: [{ atMs: 10, action: "pause", node: "b", durationMs: 20 }],
      script: (t) => t.at(0, () => t.node("b").ticker("tick", ms(4))),
      runMs: 40,
    });
    const during = run.rec.ran.filter((r) => r.node === "b" && r.atUs >= ms(10) && r.atUs < ms(30));
    expect(during).toEqual([]);
    const ticks = run.rec.ran.filter((r) => r.node === "b").map((r) => r.atUs);
    expect(ticks.filter((at) => at < ms(10))).toEqual([4, 8].map(ms));
    expect(ticks.filter((at) => at >= ms(30)).length).toBeGreaterThan(0); // it carries on after resume
  });

  it("sends nothing while paused", () => {
    const run = runNet({
      plan: [{ atMs: 10, action: "pause", node: "b", durationMs: 20 }],
      script: (t) => t.at(20, () => t.send("b", "a", 1)),
    });
    expect(on(run.rec, "b", "a")).toEqual([]);
  });

  it("a queued delivery still comes before a later message that arrives exactly at the resume instant", () => {
    const run = runNet({
      link,
      plan: [{ atMs: 10, action: "pause", node: "b", durationMs: 20 }],
      script: (t) => {
        t.at(20, () => t.send("a", "b", 1)); // arrives 21: queued
        t.at(29, () => t.send("a", "b", 2)); // arrives 30: the resume instant
      },
    });
    expect(on(run.rec, "a", "b").map((r) => r.n)).toEqual([1, 2]);
  });

  it("a crash while paused discards the queue: nothing queued reaches the next incarnation", () => {
    const run = runNet({
      link,
      plan: [
        { atMs: 10, action: "pause", node: "b" },
        { atMs: 20, action: "crash", node: "b" },
        { atMs: 25, action: "restart", node: "b" },
      ],
      script: (t) => {
        t.at(12, () => t.send("a", "b", 1));
        t.at(5, () => t.node("b").timer("due-15", ms(10)));
      },
    });
    expect(on(run.rec, "a", "b")).toEqual([]);
    expect(run.rec.ran).toEqual([]);
    expect(run.world.hostOf("b").incarnation).toBe(2);
  });

  it("a timed pause's resume ends only that pause, not a later one", () => {
    const run = runNet({
      link,
      plan: [
        { atMs: 10, action: "pause", node: "b", durationMs: 100 }, // would resume at 110
        { atMs: 20, action: "resume", node: "b" },
        { atMs: 50, action: "pause", node: "b", durationMs: 100 }, // lasts until 150
      ],
      script: (t) => t.at(120, () => t.send("a", "b", 1)),
      runMs: 200,
    });
    expect(on(run.rec, "a", "b").map((r) => r.atUs)).toEqual([ms(150)]);
  });
});
