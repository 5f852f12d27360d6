// The sweep worker pool (src/cli/sweep-pool.ts): every seed runs once; a dying, hung or out-of-memory
// worker is blamed on its seed as a grouped outcome; stopping it reports nothing more.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPool } from "../../src/cli/sweep-pool.js";
import type { SeedOutcome } from "../../src/repro/sweep-summary.js";

describe("sweep worker pool", () => {
  it("blames exactly the seed a dying, hung or out-of-memory worker was running, and runs every other seed once", async () => {
    const outcomes: SeedOutcome[] = [];
    const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
    await runPool({
      threads: 2,
      setup: { scenario: "unused", base: {} },
      seeds: seeds[Symbol.iterator](),
      total: seeds.length,
      onOutcome: (o) => outcomes.push(o),
      seedTimeoutMs: 3000,
      memoryMb: 64,
      workerPath: join(import.meta.dirname, "misbehaving-worker.mjs"),
    });
    expect(outcomes.map((o) => o.seed).sort((a, b) => a - b)).toEqual(seeds); // no seed lost or repeated
    const failed = outcomes.filter((o) => o.verdict !== "pass");
    expect(failed.map((o) => [o.seed, o.verdict, o.check]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [13, "error", "exception"],
      [21, "hang", "hang"],
      [29, "oom", "oom"],
    ]);
    expect(failed.find((o) => o.seed === 13)!.message).toBe("worker exited unexpectedly");
    expect(failed.find((o) => o.seed === 21)!.message).toBe("seed ran longer than the 3 s wall-clock limit (hung?)");
    expect(failed.find((o) => o.seed === 29)!.message).toBe("seed exceeded the 64 MB memory limit");
  });

  it("stops at once when aborted: every worker ends and no seed is reported after the abort", async () => {
    const outcomes: SeedOutcome[] = [];
    const controller = new AbortController();
    const seeds = [1, 2, 3, 21, 21, 21, 4, 5];
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    await runPool({
      threads: 2,
      setup: { scenario: "unused", base: {} },
      seeds: seeds[Symbol.iterator](),
      total: seeds.length,
      onOutcome: (o) => outcomes.push(o),
      seedTimeoutMs: 60_000,
      memoryMb: null,
      signal: controller.signal,
      workerPath: join(import.meta.dirname, "misbehaving-worker.mjs"),
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(outcomes.every((o) => o.verdict === "pass")).toBe(true);
    expect(outcomes.length).toBeLessThan(seeds.length);
  });
});
