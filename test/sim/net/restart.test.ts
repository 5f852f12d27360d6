// Restart: a new instance from the factory, incarnation + 1, durable state kept and
// volatile state lost, and an rng stream that differs per incarnation.

import { describe, expect, it } from "vitest";
import { on, runNet, type RecorderNode } from "./helpers.js";

function crashAndRestart(seed = 1, extra: Parameters<typeof runNet>[0] = {}) {
  let before: RecorderNode | null = null;
  let after: RecorderNode | null = null;
  const run = runNet(
    {
      plan: [
        { atMs: 20, action: "crash", node: "b" },
        { atMs: 30, action: "restart", node: "b" },
      ],
      script: (t) => {
        t.at(5, () => {
          t.send("a", "b", 1);
          t.send("c", "b", 2);
        });
        t.at(10, () => {
          before = t.node("b");
          (t.world.hostOf("b").durable as { note?: string }).note = "kept";
        });
        t.at(40, () => {
          t.send("a", "b", 3);
          after = t.node("b");
        });
      },
      ...extra,
    },
    { seed },
  );
  return { run, before: before! as RecorderNode, after: after! as RecorderNode };
}

describe("restart", () => {
  it("boots a new instance from the factory as incarnation 2", () => {
    const { run, before, after } = crashAndRestart();
    expect(after).not.toBe(before);
    expect(run.world.hostOf("b").incarnation).toBe(2);
    expect(after.env.incarnation).toBe(2);
    expect(run.rec.boots.filter((b) => b.node === "b").map((b) => [b.incarnation, b.atUs])).toEqual([
      [1, 0],
      [2, 30_000],
    ]);
    expect(on(run.rec, "a", "b").map((r) => r.incarnation)).toEqual([1, 2]);
  });

  it("keeps durable state and loses volatile state", () => {
    const { run, before, after } = crashAndRestart();
    expect(before.receivedThisLife).toBe(2);
    expect(after.receivedThisLife).toBe(1);
    const durable = run.world.hostOf("b").durable as { boots?: number; note?: string };
    expect(durable).toEqual({ boots: 2, note: "kept" });
    expect(run.rec.boots.filter((b) => b.node === "b").map((b) => b.durableBoots)).toEqual([1, 2]);
  });

  it("each incarnation draws from its own rng stream, the same one for the same seed", () => {
    const draws = (seed: number) =>
      crashAndRestart(seed)
        .run.rec.boots.filter((b) => b.node === "b")
        .map((b) => b.rngDraw);
    const [first, second] = draws(1);
    expect(first).not.toBe(second);
    expect(draws(1)).toEqual([first, second]);
    expect(draws(2)).not.toEqual([first, second]);
  });

  it("a crash with durationMs restarts the node by itself", () => {
    const run = runNet({ plan: [{ atMs: 20, action: "crash", node: "b", durationMs: 15 }] });
    expect(run.rec.boots.filter((b) => b.node === "b").map((b) => [b.incarnation, b.atUs])).toEqual([
      [1, 0],
      [2, 35_000],
    ]);
    expect(run.result.faultSchedule).toEqual([{ atMs: 20, action: "crash", node: "b", durationMs: 15 }]);
  });

  it("restarting a node that is up changes nothing", () => {
    const run = runNet({ plan: [{ atMs: 20, action: "restart", node: "b" }] });
    expect(run.world.hostOf("b").incarnation).toBe(1);
    expect(run.rec.boots.filter((b) => b.node === "b")).toHaveLength(1);
  });
});
