// The sweep worker pool (src/cli/sweep-pool.ts): every seed runs once, dying or hung workers are blamed on their seed.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPool } from "../../src/cli/sweep-pool.js";
import type { SeedOutcome } from "../../src/repro/sweep-summary.js";

describe("sweep worker pool", () => {
  it("blames exactly the seed a dying or hung worker was running, and still runs every other seed once", async () => {
    const outcomes: SeedOutcome[] = [];
    const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
    await runPool({
      threads: 2,
      setup: { scenario: "unused", base: {} },
      seeds: seeds[Symbol.iterator](),
      total: seeds.length,
      onOutcome: (o) => outcomes.push(o),
      seedTimeoutMs: 1500,
      workerPath: join(import.meta.dirname, "misbehaving-worker.mjs"),
    });
    expect(outcomes.map((o) => o.seed).sort((a, b) => a - b)).toEqual(seeds); // no seed lost or repeated
    const failed = outcomes.filter((o) => o.verdict !== "pass");
    expect(failed.map((o) => [o.seed, o.check])).toEqual(
      expect.arrayContaining([
        [13, "exception"],
        [21, "exception"],
      ]),
    );
    expect(failed).toHaveLength(2);
    expect(failed.find((o) => o.seed === 13)!.message).toBe("worker exited unexpectedly");
    expect(failed.find((o) => o.seed === 21)!.message).toMatch(/wall-clock limit/);
  });
});
