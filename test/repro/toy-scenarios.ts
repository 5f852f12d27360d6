// Test-only scenarios for the reproduction loop. `faultToy` applies its own ten-step
// fault schedule (or ctx.faultOverride) at each step's atMs and records each step; it
// fails only when the step named "poison" has been applied while at least one worker
// is busy, so exactly one step of the ten matters. Nothing here is registered.

import { ms, sleep, type FaultStep } from "../../src/sim/index.js";
import { defineScenario, flag, integer, type ScenarioDef } from "../../src/scenarios/index.js";

export const TEN_FAULTS: FaultStep[] = Array.from({ length: 10 }, (_, i) => ({
  atMs: 100 + i * 50,
  action: i === 6 ? "poison" : `noise-${i}`,
  durationMs: 200,
  target: `w${i % 3}`,
}));

export const faultToy: ScenarioDef = defineScenario({
  id: "test/fault-toy",
  title: "ten toy faults, one of them poison",
  description: "test-only",
  covers: [],
  options: { workers: 6, rounds: 40, violateAtOnce: false },
  schema: {
    workers: integer(0, 100, "busy workers (0: nothing is ever busy, so the run passes)"),
    rounds: integer(1, 10_000, "busy rounds per worker"),
    violateAtOnce: flag("report the poison as it happens rather than in a check at the end"),
  },
  shrinkable: { workers: 1, rounds: 1 },
  setup(ctx) {
    const { workers, rounds, violateAtOnce } = ctx.options;
    let poisoned = false;
    let busy = 0;
    for (const step of ctx.faultOverride ?? TEN_FAULTS) {
      ctx.kernel.at(ms(step.atMs), () => {
        ctx.recordFault(step);
        if (step.action !== "poison" || busy === 0) return;
        poisoned = true;
        if (violateAtOnce)
          ctx.violation("no poison while busy", `poison hit ${busy} busy workers at ${step.atMs}ms`, [`w${busy}`]);
      });
    }
    for (let w = 0; w < workers; w++) {
      const rng = ctx.rng.fork(`w${w}`);
      ctx.spawn(
        `w${w}`,
        (function* () {
          for (let r = 0; r < rounds; r++) {
            busy++;
            yield* sleep(ms(rng.int(5, 30)));
            busy--;
            yield* sleep(ms(rng.int(0, 5)));
          }
        })(),
      );
    }
    if (!violateAtOnce)
      ctx.check("no poison while busy", () => (poisoned ? "poison applied while workers were busy" : null));
  },
});

/** Fails with a violation whose message depends on the seed parity, or throws for seeds divisible by 7. */
export const groupToy: ScenarioDef = defineScenario({
  id: "test/group-toy",
  title: "seed-dependent failures",
  description: "test-only",
  covers: [],
  options: { length: 10 },
  schema: { length: integer(0, 1_000, "ticks before the verdict") },
  setup(ctx) {
    const seed = ctx.seed;
    if (seed % 7 === 0) throw new Error(`setup exploded for seed ${seed}`);
    ctx.spawn(
      "ticker",
      (function* () {
        // Longer runs for larger seeds, so "fastest" means fewest events.
        for (let i = 0; i < ctx.options.length + (seed % 5); i++) yield* sleep(ms(1));
        if (seed % 3 === 0)
          ctx.violation("even-ness", `seed ${seed} is divisible by three at tick ${i(seed)}`, [
            `dc${seed % 2}-mgr-${seed}`,
          ]);
        if (seed % 3 === 1 && seed % 2 === 0)
          ctx.violation("order", `job j${seed} finished twice`, [`dc1-gate-${seed}`]);
      })(),
    );
  },
});

function i(seed: number): number {
  return seed * 10;
}
