// Swarm over options (ScenarioDef.swarmOptions): with swarm on, options the caller left
// unset are drawn from the seed and become part of the resolved options; a caller's value
// always wins; rerunning with the resolved options draws nothing and runs the same; and
// with swarm off nothing is drawn.

import { describe, expect, it } from "vitest";
import { defineScenario, flag, integer, runScenario } from "../../src/scenarios/index.js";

const toy = defineScenario({
  id: "test/swarm-options",
  title: "draws two numbers",
  description: "test only",
  covers: [],
  options: { width: 1, depth: 1, swarm: true },
  schema: { width: integer(1, 1_000, "width"), depth: integer(1, 1_000, "depth"), swarm: flag("draw width and depth") },
  swarmOptions: (rng) => ({ width: rng.int(2, 1_000), depth: rng.int(2, 1_000) }),
  setup(ctx) {
    ctx.metric("area", ctx.options.width * ctx.options.depth);
  },
});

describe("swarm over options", () => {
  it("draws unset options per seed and records them as resolved and drawn", () => {
    const a = runScenario(toy, { seed: 1 });
    const b = runScenario(toy, { seed: 2 });
    expect(a.options["width"]).not.toBe(1);
    expect(a.options).not.toEqual(b.options);
    expect(a.artifacts["drawnOptions"]).toEqual(["width", "depth"]);
    expect(a.metrics["area"]).toBe((a.options["width"] as number) * (a.options["depth"] as number));
  });

  it("an option the caller set is never drawn over", () => {
    const r = runScenario(toy, { seed: 1, overrides: { depth: 7 } });
    expect(r.options["depth"]).toBe(7);
    expect(r.artifacts["drawnOptions"]).toEqual(["width"]);
  });

  it("rerun with its resolved options, a run draws nothing and ends the same", () => {
    const first = runScenario(toy, { seed: 3 });
    const again = runScenario(toy, { seed: 3, overrides: first.options });
    expect(again.options).toEqual(first.options);
    expect(again.artifacts["drawnOptions"]).toBeUndefined();
    expect(again.traceHash).toBe(first.traceHash);
    expect(again.metrics).toEqual(first.metrics);
  });

  it("with swarm off the defaults stand", () => {
    const r = runScenario(toy, { seed: 1, overrides: { swarm: false } });
    expect(r.options).toEqual({ width: 1, depth: 1, swarm: false });
  });
});
