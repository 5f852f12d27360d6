// The scale and soak benches: a row's run reports what the table needs, and the tables say what they measured.

import { describe, expect, it } from "vitest";
import { STANDARD_OPTIONS } from "../../src/bench/cluster.js";
import { formatScale, type ScaleRowResult } from "../../src/bench/scale.js";
import { runScaleRow, scaleOptionsFrom } from "../../src/bench/scale-run.js";
import { formatSoak } from "../../src/bench/soak.js";

describe("scale bench", () => {
  it("a row runs the standard cluster with its options changed, sampling RSS and jobs in flight", () => {
    const options = { ...STANDARD_OPTIONS, gates: 1, dcs: 1, managersPerDc: 1, workersPerDc: 4, virtualMinutes: 1 };
    const r = runScaleRow(options, { warm: true, traced: false, sampleEveryMs: 10_000 });
    expect(r.verdict).toBe("pass");
    expect(r.nodes).toBe(1 + 1 + 4 + 1);
    expect(r.jobsSubmitted).toBe(60);
    expect(r.delivered).toBeGreaterThan(1_000);
    expect(r.warmWallMs).not.toBeNull();
    expect(r.peakLiveJobs).toBeGreaterThan(0);
    expect(r.rssSamples.length).toBeGreaterThanOrEqual(6);
    expect(r.peakRssMb).toBeGreaterThanOrEqual(r.idleRssMb);
  });

  it("options come from --name=N flags; others keep the standard cluster's", () => {
    expect(scaleOptionsFrom(["--workersPerDc=1000", "--jobsPerSecond=100"])).toEqual({
      ...STANDARD_OPTIONS,
      workersPerDc: 1000,
      jobsPerSecond: 100,
    });
  });

  it("the table compares every row with the first, by wall time and by instructions", () => {
    const row = (name: string, wall: number, instr: number | null): ScaleRowResult => ({
      name,
      options: STANDARD_OPTIONS,
      nodes: 43,
      verdict: "pass",
      events: 1,
      delivered: 1_000_000,
      jobsSubmitted: 600,
      coldWallMs: wall * 2,
      warmWallMs: wall,
      idleRssMb: 50,
      peakRssMb: 93,
      peakLiveJobs: 6,
      rssSamples: [],
      instructionsPerMessage: instr,
      instructionMinutes: [0, 10],
    });
    const text = formatScale([
      row("standard cluster", 1000, 7000),
      row("bigger", 1500, 8400),
      row("uncounted", 500, null),
    ]);
    const lines = text.split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/bigger .* 1500 +1500 +1\.50 +8,400 +1\.20 +93 MB/);
    expect(lines[3]).toMatch(/uncounted .* 0\.50 +- +-/);
  });
});

describe("soak bench", () => {
  it("prints every hour against the first and the peak against the goal", () => {
    const text = formatSoak({
      hours: 2,
      verdict: "pass",
      traceHash: "abc",
      delivered: 10,
      jobsAnswered: 7200,
      wallS: 9,
      samples: [
        { hour: 1, rssMb: 100, heapUsedMb: 20, jobsAnswered: 3590, wallS: 4 },
        { hour: 2, rssMb: 120, heapUsedMb: 22, jobsAnswered: 7190, wallS: 8 },
      ],
      peakRssMb: 125,
      peakOverFirstHour: 1.25,
    });
    expect(text).toContain("1.20");
    expect(text).toContain("peak RSS 125 MB = 1.25 x the RSS after the first virtual hour (100 MB)");
  });
});
