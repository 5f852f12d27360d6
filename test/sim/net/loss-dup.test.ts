// Random loss and duplication: observed rates over many messages fall within tolerance
// for a fixed set of seeds, and `set-loss` / `set-duplicate` steps change them mid-run.

import { describe, expect, it } from "vitest";
import { range, runNet, type Recorder, type Script } from "./helpers.js";

const N = 4_000;
const SEEDS = [1, 2, 3, 4, 5];

/** |observed - n p| within four standard deviations (plus one for tiny n p). */
function within(observed: number, n: number, p: number): boolean {
  return Math.abs(observed - n * p) <= 4 * Math.sqrt(n * p * (1 - p)) + 1;
}

/** a sends labels [first, first + count) to b at `atMs`. */
function burst(t: Script, atMs: number, first: number, count: number): void {
  t.at(atMs, () => {
    for (let i = 0; i < count; i++) t.send("a", "b", first + i);
  });
}

/** For labels in [lo, hi]: how many arrived at least once, and how many extra copies arrived. */
function tally(rec: Recorder, lo: number, hi: number): { arrived: number; extra: number } {
  const counts = new Map<number, number>();
  for (const r of rec.receipts) if (r.n >= lo && r.n <= hi) counts.set(r.n, (counts.get(r.n) ?? 0) + 1);
  let extra = 0;
  for (const c of counts.values()) extra += c - 1;
  return { arrived: counts.size, extra };
}

describe("loss and duplication", () => {
  it.each(SEEDS)("seed %i: loss 10 percent and duplication 5 percent are observed within 4 sigma", (seed) => {
    const run = runNet(
      { link: { packetLossProbability: 0.1, duplicateProbability: 0.05 }, script: (t) => burst(t, 10, 1, N) },
      { seed },
    );
    const { arrived, extra } = tally(run.rec, 1, N);
    const lost = N - arrived;
    expect(run.world.network.stats.dropped["loss"]).toBe(lost);
    expect(run.world.network.stats.duplicated).toBe(extra);
    expect(within(lost, N, 0.1), `${lost} of ${N} lost`).toBe(true);
    expect(within(extra, arrived, 0.05), `${extra} of ${arrived} duplicated`).toBe(true);
  });

  it("with zero rates nothing is lost or duplicated", () => {
    const run = runNet({ script: (t) => burst(t, 10, 1, N) });
    expect(tally(run.rec, 1, N)).toEqual({ arrived: N, extra: 0 });
  });

  it("set-loss and set-duplicate steps change the rates mid-run", () => {
    const run = runNet({
      plan: [
        { atMs: 100, action: "set-loss", probability: 0.5 },
        { atMs: 200, action: "set-loss", probability: 0 },
        { atMs: 300, action: "set-duplicate", probability: 1 },
      ],
      script: (t) => {
        burst(t, 50, 1, N); // before: no loss
        burst(t, 150, 10_001, N); // loss 50%
        burst(t, 250, 20_001, N); // back to none
        burst(t, 350, 30_001, 100); // every message duplicated
      },
    });
    expect(tally(run.rec, 1, N)).toEqual({ arrived: N, extra: 0 });
    const half = tally(run.rec, 10_001, 10_000 + N);
    expect(within(N - half.arrived, N, 0.5), `${N - half.arrived} of ${N} lost`).toBe(true);
    expect(tally(run.rec, 20_001, 20_000 + N)).toEqual({ arrived: N, extra: 0 });
    expect(tally(run.rec, 30_001, 30_100)).toEqual({ arrived: 100, extra: 100 });
  });

  it("the same seed loses exactly the same messages", () => {
    const lostSet = (seed: number) => {
      const run = runNet({ link: { packetLossProbability: 0.3 }, script: (t) => burst(t, 10, 1, 500) }, { seed });
      const got = new Set(run.rec.receipts.map((r) => r.n));
      return range(1, 500).filter((n) => !got.has(n));
    };
    expect(lostSet(7)).toEqual(lostSet(7));
    expect(lostSet(7)).not.toEqual(lostSet(8));
  });
});
