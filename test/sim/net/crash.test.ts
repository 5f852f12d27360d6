// Crash: in-flight deliveries to the node are dropped (crashed-target), its processes are
// cancelled, its timers never fire, and it sends nothing while down. A message sent
// while it is down that arrives after the restart reaches the new incarnation.

import { describe, expect, it } from "vitest";
import { ms, sleep, type Proc } from "../../../src/sim/index.js";
import { on, runNet } from "./helpers.js";

const link = { sameDcMinUs: 5_000, sameDcMaxUs: 5_000 }; // every message takes exactly 5 ms

describe("crash", () => {
  it("drops deliveries in flight to the crashed node with reason crashed-target", () => {
    const run = runNet({
      link,
      plan: [
        { atMs: 12, action: "crash", node: "b" },
        { atMs: 30, action: "restart", node: "b" },
      ],
      script: (t) =>
        t.at(10, () => {
          t.send("a", "b", 1);
          t.send("a", "c", 2);
        }),
    });
    expect(on(run.rec, "a", "b")).toEqual([]);
    expect(on(run.rec, "a", "c")).toHaveLength(1);
    expect(run.world.network.stats.dropped).toEqual({ "crashed-target": 1 });
  });

  it("cancels the node's processes at the crash; they do not come back with the restart", () => {
    const run = runNet({
      plan: [
        { atMs: 12, action: "crash", node: "b" },
        { atMs: 20, action: "restart", node: "b" },
      ],
      script: (t) =>
        t.at(1, () => {
          t.node("b").ticker("tick", ms(2));
          t.node("a").ticker("tick", ms(2));
        }),
      runMs: 40,
    });
    const ticks = run.rec.ran.filter((r) => r.node === "b").map((r) => r.atUs);
    expect(ticks).toEqual([3, 5, 7, 9, 11].map(ms));
    expect(run.rec.ran.filter((r) => r.node === "a").length).toBe(19); // a kept ticking to the end
  });

  it("the node's timers never fire, not even after it restarts", () => {
    const run = runNet({
      plan: [
        { atMs: 12, action: "crash", node: "b" },
        { atMs: 15, action: "restart", node: "b" },
      ],
      script: (t) =>
        t.at(10, () => {
          t.node("b").timer("during-down", ms(4)); // due at 14, while down
          t.node("b").timer("after-restart", ms(20)); // due at 30, after the restart
          t.node("a").timer("a-control", ms(20));
        }),
    });
    expect(run.rec.ran.map((r) => `${r.node}:${r.what}`)).toEqual(["a:a-control"]);
  });

  it("sends nothing while down", () => {
    const run = runNet({
      plan: [{ atMs: 10, action: "crash", node: "b" }],
      script: (t) => t.at(20, () => t.send("b", "a", 1)),
    });
    expect(on(run.rec, "b", "a")).toEqual([]);
    expect(run.world.network.stats.sent).toBe(0);
  });

  it("a message sent while down reaches the new incarnation if it arrives after the restart, and is dropped if before", () => {
    const run = runNet({
      link,
      plan: [
        { atMs: 10, action: "crash", node: "b" },
        { atMs: 20, action: "restart", node: "b" },
      ],
      script: (t) => {
        t.at(11, () => t.send("a", "b", 1)); // arrives at 16: b still down
        t.at(17, () => t.send("a", "b", 2)); // arrives at 22: b is incarnation 2
      },
    });
    expect(on(run.rec, "a", "b").map((r) => [r.n, r.incarnation, r.atUs])).toEqual([[2, 2, ms(22)]]);
    expect(run.world.network.stats.dropped).toEqual({ "crashed-target": 1 });
  });

  it("a message in flight across a crash and a quick restart is still dropped (it was for the old life)", () => {
    const run = runNet({
      link,
      plan: [
        { atMs: 11, action: "crash", node: "b" },
        { atMs: 12, action: "restart", node: "b" },
      ],
      script: (t) => t.at(10, () => t.send("a", "b", 1)), // arrives at 15, after the restart
    });
    expect(on(run.rec, "a", "b")).toEqual([]);
    expect(run.world.network.stats.dropped).toEqual({ "crashed-target": 1 });
  });

  it("a timed crash's restart revives only that crash, not a later one", () => {
    const run = runNet({
      plan: [
        { atMs: 10, action: "crash", node: "b", durationMs: 100 }, // would restart at 110
        { atMs: 20, action: "restart", node: "b" },
        { atMs: 50, action: "crash", node: "b" }, // down for good
      ],
      runMs: 200,
    });
    expect(run.rec.boots.filter((b) => b.node === "b").map((b) => b.atUs)).toEqual([0, ms(20)]);
    expect(run.world.hostOf("b").state).toBe("down");
  });

  it("timers and processes started by dying code (a finally run by the crash) never run, not even in the next life", () => {
    const run = runNet({
      plan: [
        { atMs: 10, action: "crash", node: "b" },
        { atMs: 12, action: "restart", node: "b" },
      ],
      script: (t) =>
        t.at(1, () => {
          const node = t.node("b");
          node.env.spawn(
            "worker",
            (function* (): Proc<void> {
              try {
                yield* sleep(ms(100));
              } finally {
                node.note("finally");
                node.timer("timer-from-finally", ms(5));
                node.ticker("process-from-finally", ms(1));
              }
            })(),
          );
        }),
      runMs: 100,
    });
    expect(run.rec.ran.map((r) => [r.what, r.atUs])).toEqual([["finally", ms(10)]]);
  });
});
