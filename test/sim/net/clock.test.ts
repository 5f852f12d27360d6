// Clock skew: offset, drift (ppm) and jumps change a node's localNow() only; kernel time,
// the node's env.now() and message latencies are untouched.

import { describe, expect, it } from "vitest";
import { ms } from "../../../src/sim/index.js";
import { on, runNet } from "./helpers.js";

type Sample = { node: string; kernel: number; now: number; local: number };

/** Samples (kernel, env.now, env.localNow) for every node at each of `atMs`. */
function sampled(plan: Parameters<typeof runNet>[0]["plan"], atMs: number[]) {
  const samples: Sample[] = [];
  const run = runNet({
    ...(plan === undefined ? {} : { plan }),
    script: (t) => {
      for (const at of atMs) {
        t.at(at, () => {
          for (const id of ["a", "b", "c"]) {
            const env = t.node(id).env;
            samples.push({ node: id, kernel: t.ctx.kernel.now, now: env.now(), local: env.localNow() });
          }
        });
      }
    },
  });
  const gap = (node: string) => samples.filter((s) => s.node === node).map((s) => s.local - s.kernel);
  return { run, samples, gap };
}

describe("clock skew", () => {
  it("an offset shifts only that node's local clock, by exactly the offset", () => {
    const { samples, gap } = sampled([{ atMs: 0, action: "clock-offset", node: "a", offsetMs: 250 }], [10, 500, 900]);
    expect(gap("a")).toEqual([250_000, 250_000, 250_000]);
    expect(gap("b")).toEqual([0, 0, 0]);
    expect(samples.every((s) => s.now === s.kernel)).toBe(true);
    expect(samples.filter((s) => s.node === "a").map((s) => s.kernel)).toEqual([ms(10), ms(500), ms(900)]);
  });

  it("drift in ppm grows the gap with elapsed time from when it was set, and never jumps", () => {
    const { gap } = sampled([{ atMs: 100, action: "clock-drift", node: "b", ppm: 2_000 }], [50, 100, 600, 900]);
    expect(gap("b")).toEqual([0, 0, 1_000, 1_600]); // 2000 ppm of 500 ms and of 800 ms
    expect(gap("a")).toEqual([0, 0, 0, 0]);
  });

  it("changing the drift keeps what was accumulated (piecewise), negative drift runs slow", () => {
    const { gap } = sampled(
      [
        { atMs: 0, action: "clock-drift", node: "c", ppm: 1_000 },
        { atMs: 500, action: "clock-drift", node: "c", ppm: -1_000 },
      ],
      [500, 700],
    );
    expect(gap("c")).toEqual([500, 300]);
  });

  it("a jump moves the local clock at that instant, and only forward from then", () => {
    const { gap } = sampled([{ atMs: 300, action: "clock-jump", node: "c", jumpMs: 2_000 }], [299, 300, 800]);
    expect(gap("c")).toEqual([0, 2_000_000, 2_000_000]);
  });

  it("a drifting node's timer runs on local time: a fast clock fires early in kernel time", () => {
    const run = runNet({
      plan: [{ atMs: 0, action: "clock-drift", node: "a", ppm: 2_000 }],
      script: (t) =>
        t.at(200, () => {
          t.node("a").timer("tick", ms(100));
          t.node("b").timer("tick", ms(100));
        }),
    });
    const fired = (node: string) => run.rec.ran.find((r) => r.node === node)!;
    expect(fired("b").atUs).toBe(300_000);
    expect(fired("a").atUs).toBe(200_000 + Math.round(100_000 / 1.002));
    // measured on a's own clock, the timer took the 100 ms it asked for (within rounding)
    expect(Math.abs(fired("a").localUs - (200_000 + 400) - 100_000)).toBeLessThanOrEqual(1);
  });

  it("skew changes neither message latency nor the run's kernel time", () => {
    const run = runNet({
      plan: [
        { atMs: 0, action: "clock-offset", node: "a", offsetMs: -5_000 },
        { atMs: 0, action: "clock-drift", node: "a", ppm: 500_000 },
      ],
      link: { sameDcMinUs: 700, sameDcMaxUs: 700 },
      script: (t) => t.at(10, () => t.send("a", "b", 1)),
      runMs: 50,
    });
    expect(on(run.rec, "a", "b").map((r) => r.atUs)).toEqual([10_700]);
    expect(run.result.virtualTimeUs).toBe(ms(50));
  });
});
