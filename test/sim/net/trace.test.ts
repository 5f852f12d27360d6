// Trace events: every send, delivery, drop (reason folded into the digest), duplicate,
// hold and fault action leaves a record, whether the fault was planned, injected by the
// scenario at run time, undone by its duration, or healed by the liveness phase.

import { describe, expect, it } from "vitest";
import { payloadDigest, sym, type TraceRecord } from "../../../src/sim/index.js";
import { runNet } from "./helpers.js";

const count = (trace: TraceRecord[], kind: string) => trace.filter((r) => r.kind === kind).length;

describe("trace", () => {
  it("records send and deliver with node, peer, message type and payload digest", () => {
    const run = runNet({ script: (t) => t.at(10, () => t.send("a", "b", 7, "hello")) }, { collectTrace: true });
    const send = run.trace.find((r) => r.kind === "send")!;
    const deliver = run.trace.find((r) => r.kind === "deliver")!;
    const digest = payloadDigest({ type: "hello", n: 7 }) >>> 0;
    expect(send).toMatchObject({ atUs: 10_000, node: "a", peer: "b", type: "hello", digest });
    expect(deliver).toMatchObject({ node: "b", peer: "a", type: "hello", digest });
    expect(deliver.atUs).toBeGreaterThan(10_000);
  });

  it("records each drop with its reason folded into the digest", () => {
    const run = runNet(
      {
        link: { maxMessageBytes: 500 },
        plan: [{ atMs: 5, action: "partition", a: ["a"], b: ["b"], oneWay: true }],
        script: (t) =>
          t.at(10, () => {
            t.send("a", "b", 1);
            t.send("a", "c", 2, "m", 900);
          }),
      },
      { collectTrace: true },
    );
    const drops = run.trace.filter((r) => r.kind === "drop");
    const folded = (msg: object, reason: string) => (payloadDigest(msg) ^ sym(`drop:${reason}`)) >>> 0;
    expect(drops.map((d) => [d.node, d.peer, d.digest])).toEqual([
      ["a", "b", folded({ type: "m", n: 1 }, "partition")],
      ["a", "c", folded({ type: "m", n: 2, sizeBytes: 900 }, "oversize")],
    ]);
  });

  it("records duplicates, holds, loss and crashed-target drops", () => {
    const run = runNet(
      {
        link: { sameDcMinUs: 5_000, sameDcMaxUs: 5_000 },
        plan: [
          { atMs: 1, action: "set-duplicate", probability: 1 },
          { atMs: 9, action: "set-duplicate", probability: 0 },
          { atMs: 9, action: "clog", node: "c", durationMs: 5 },
          { atMs: 19, action: "set-loss", probability: 1 },
          { atMs: 29, action: "set-loss", probability: 0 },
          { atMs: 31, action: "crash", node: "b" },
        ],
        script: (t) => {
          t.at(5, () => t.send("a", "b", 1));
          t.at(10, () => t.send("a", "c", 2));
          t.at(20, () => t.send("a", "b", 3));
          t.at(30, () => t.send("a", "b", 4));
        },
      },
      { collectTrace: true },
    );
    expect(count(run.trace, "duplicate")).toBe(1);
    expect(count(run.trace, "hold")).toBe(1);
    expect(count(run.trace, "deliver")).toBe(3); // 1 twice, and 2 after the clog
    expect(count(run.trace, "drop")).toBe(2); // 3 lost, 4 to a crashed target
    expect(run.world.network.stats.dropped).toEqual({ loss: 1, "crashed-target": 1 });
  });

  it("records every fault action: planned, injected at run time, undone by duration, and the liveness heal", () => {
    const run = runNet(
      {
        plan: [
          { atMs: 10, action: "partition", name: "p", a: ["a"], b: ["b"] },
          { atMs: 20, action: "heal", name: "p" },
        ],
        script: (t) => {
          t.at(30, () => t.world.partition(["a"], ["c"], { name: "q" }));
          t.at(40, () => t.world.crash("c", 5));
          t.at(50, () => t.world.pause("b", 5));
        },
        phases: { faultPhaseMs: 100, livenessBudgetMs: 50, pending: () => null },
      },
      { collectTrace: true },
    );
    const faults = run.trace
      .filter((r) => r.kind.startsWith("fault:"))
      .map((r) => `${r.atUs / 1000}ms ${r.kind} ${r.node}`.trim());
    expect(faults).toEqual([
      "10ms fault:partition",
      "20ms fault:heal", // planned
      "30ms fault:partition",
      "40ms fault:crash c", // injected
      "45ms fault:restart c", // undone by its duration
      "50ms fault:pause b",
      "55ms fault:resume b",
      "100ms fault:heal-all", // the liveness phase
    ]);
  });
});
