// Reading the stages' tool output: the sweep's seed chunks and JSON summary (lowest failing
// seed, hangs), and vitest's JSON report (failing files, first failing test).

import { describe, expect, it } from "vitest";
import { readSweepSummary, sweepChunks } from "../../src/mutants/sweep-stage.js";
import { readVitestReport } from "../../src/mutants/test-stage.js";

describe("sweepChunks", () => {
  it("covers 1..n in ascending chunks with no gap or overlap", () => {
    expect(sweepChunks(1000)).toEqual([
      [1, 10],
      [11, 50],
      [51, 200],
      [201, 1000],
    ]);
    expect(sweepChunks(7)).toEqual([[1, 7]]);
    expect(sweepChunks(50)).toEqual([
      [1, 10],
      [11, 50],
    ]);
    expect(sweepChunks(51)).toEqual([
      [1, 10],
      [11, 50],
      [51, 51],
    ]);
  });
});

describe("readSweepSummary", () => {
  const group = (check: string, seeds: number[], message = "m") => ({ check, seeds, fastest: { message } });

  it("a passing sweep kills nothing", () => {
    expect(readSweepSummary({ seedsRun: 10, failed: 0, groups: [] })).toMatchObject({ killed: false, firstSeed: null });
  });

  it("takes the lowest failing seed over every group, with that group's check", () => {
    const v = readSweepSummary({
      seedsRun: 40,
      failed: 5,
      groups: [group("cluster: cores", [30, 31]), group("cluster: fencing", [12, 40], "token 3 twice")],
    });
    expect(v).toEqual({
      killed: true,
      firstSeed: 12,
      check: "cluster: fencing",
      message: "token 3 twice",
      hang: false,
      seedsRun: 40,
    });
  });

  it("recognises a seed past its wall-clock limit as a hang", () => {
    const msg = "seed ran longer than the 20 s wall-clock limit (hung?)";
    expect(readSweepSummary({ seedsRun: 3, failed: 1, groups: [group("hang", [2], msg)] }).hang).toBe(true);
    // The form sweeps used before the hang verdict.
    expect(readSweepSummary({ seedsRun: 3, failed: 1, groups: [group("exception", [2], msg)] }).hang).toBe(true);
  });

  it("a liveness failure is a kill, not a hang", () => {
    const v = readSweepSummary({ seedsRun: 10, failed: 1, groups: [group("liveness", [4], "not converged")] });
    expect(v).toMatchObject({ killed: true, firstSeed: 4, check: "liveness", hang: false });
  });
});

describe("readVitestReport", () => {
  it("lists failing files relative to the root and names the first failing test", () => {
    const report = {
      testResults: [
        { name: "/r/test/a.test.ts", status: "passed", assertionResults: [] },
        {
          name: "/r/test/nodes/b.test.ts",
          status: "failed",
          assertionResults: [
            { fullName: "b passes", status: "passed" },
            { fullName: "b catches it", status: "failed" },
          ],
        },
        { name: "/r/test/c.test.ts", status: "failed" },
      ],
    };
    expect(readVitestReport(report, "/r")).toEqual({
      failedFiles: ["test/c.test.ts", "test/nodes/b.test.ts"],
      firstFailure: "test/nodes/b.test.ts > b catches it",
    });
    expect(readVitestReport({ testResults: [] }, "/r")).toEqual({ failedFiles: [], firstFailure: null });
  });
});
