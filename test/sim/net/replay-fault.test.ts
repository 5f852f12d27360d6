// The replay fault (set-replay): a share of messages arrives a second time, late, within the
// drawn delay window; a late copy never reaches a target that restarted since the send; the
// liveness phase stops new replays; and the fault leaves the run deterministic.

import { describe, expect, it } from "vitest";
import { range, runNet, type Script } from "./helpers.js";

const N = 2_000;

function burst(t: Script, atMs: number): void {
  t.at(atMs, () => {
    for (const n of range(1, N)) t.send("a", "b", n);
  });
}

describe("replay fault", () => {
  it("about the drawn share of messages arrives again, each copy 2 to 5 s after its original", () => {
    const run = runNet({
      plan: [{ atMs: 0, action: "set-replay", probability: 0.1, minDelayMs: 2_000, maxDelayMs: 5_000 }],
      script: (t) => burst(t, 10),
      runMs: 10_000,
    });
    const first = new Map<number, number>();
    const late: number[] = [];
    for (const r of run.rec.receipts) {
      const seen = first.get(r.n);
      if (seen === undefined) first.set(r.n, r.atUs);
      else late.push(r.atUs - seen);
    }
    expect(first.size).toBe(N);
    expect(run.world.network.stats.replayed).toBe(late.length);
    expect(Math.abs(late.length - N * 0.1)).toBeLessThan(4 * Math.sqrt(N * 0.1 * 0.9) + 1);
    // The link adds its own latency to the original only, so a copy lands up to that much early.
    for (const d of late) expect(d >= 1_900_000 && d <= 5_000_000).toBe(true);
  });

  it("a late copy is void for a target that restarted since the send", () => {
    const run = runNet({
      plan: [
        { atMs: 0, action: "set-replay", probability: 1, minDelayMs: 3_000, maxDelayMs: 3_000 },
        { atMs: 1_000, action: "crash", node: "b", durationMs: 100 },
      ],
      script: (t) => burst(t, 10),
      runMs: 6_000,
    });
    const incarnations = new Set(run.rec.receipts.map((r) => r.incarnation));
    expect(incarnations).toEqual(new Set([1]));
    expect(run.rec.receipts.length).toBe(N);
    expect(run.world.network.stats.dropped["crashed-target"]).toBe(N);
  });

  it("the liveness phase stops new replays", () => {
    const run = runNet({
      plan: [{ atMs: 0, action: "set-replay", probability: 1, minDelayMs: 100, maxDelayMs: 100 }],
      script: (t) => t.at(2_000, () => t.send("a", "b", 1)),
      phases: {
        faultPhaseMs: 1_000,
        livenessBudgetMs: 5_000,
        pending: (t) => (t.rec.receipts.length > 0 ? null : "wait"),
      },
    });
    expect(run.world.network.stats.replayed).toBe(0);
  });

  it("a schedule with the replay fault replays to the same trace hash, and a bad step is refused", () => {
    const spec = {
      plan: [{ atMs: 0, action: "set-replay", probability: 0.3, minDelayMs: 100, maxDelayMs: 900 }],
      script: (t: Script) => burst(t, 10),
      runMs: 3_000,
    };
    expect(runNet(spec, { seed: 4 }).result.traceHash).toBe(runNet(spec, { seed: 4 }).result.traceHash);
    const bad = runNet({
      plan: [{ atMs: 0, action: "set-replay", probability: 0.3, minDelayMs: 900, maxDelayMs: 100 }],
    });
    expect(bad.result.verdict).toBe("error");
    expect(bad.result.failure?.message).toContain("maxDelayMs");
  });
});
