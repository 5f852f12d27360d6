// The sweep worker pool (src/cli/sweep-pool.ts): every seed runs once; a dying, hung or out-of-memory
// worker is blamed on its seed as a grouped outcome; stopping it reports nothing more.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPool } from "../../src/cli/sweep-pool.js";
import type { SeedOutcome } from "../../src/repro/sweep-summary.js";

/** Runs the stand-in worker over `seeds` and returns every outcome. */
async function pool(
  seeds: number[],
  limits: { seedTimeoutMs: number; memoryMb: number | null },
): Promise<SeedOutcome[]> {
  const outcomes: SeedOutcome[] = [];
  await runPool({
    threads: 2,
    setup: { scenario: "unused", base: {} },
    seeds: seeds[Symbol.iterator](),
    total: seeds.length,
    onOutcome: (o) => outcomes.push(o),
    ...limits,
    workerPath: join(import.meta.dirname, "misbehaving-worker.mjs"),
  });
  expect(outcomes.map((o) => o.seed).sort((a, b) => a - b)).toEqual(seeds); // no seed lost or repeated
  return outcomes.filter((o) => o.verdict !== "pass").sort((a, b) => a.seed - b.seed);
}

describe("sweep worker pool", () => {
  it("blames exactly the seed a dying or hung worker was running, and runs every other seed once", async () => {
    const failed = await pool(
      Array.from({ length: 24 }, (_, i) => i + 1),
      { seedTimeoutMs: 2_000, memoryMb: null },
    );
    expect(failed.map((o) => [o.seed, o.verdict, o.check, o.message])).toEqual([
      [13, "error", "exception", "worker exited unexpectedly"],
      [21, "hang", "hang", "seed ran longer than the 2 s wall-clock limit (hung?)"],
    ]);
  });

  it("blames the seed that ran its worker out of memory, and runs every other seed once", async () => {
    // A generous wall-clock limit: on a loaded machine V8's last-ditch collections before
    // giving up can take seconds, and this test is about memory, not time.
    const failed = await pool([25, 26, 27, 28, 29, 30, 31, 32], { seedTimeoutMs: 120_000, memoryMb: 64 });
    expect(failed.map((o) => [o.seed, o.verdict, o.check, o.message])).toEqual([
      [29, "oom", "oom", "seed exceeded the 64 MB memory limit"],
    ]);
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
