// The long sweeps the default test run leaves out: `npm run sweep` (SIM_LONG=1).
// Every scenario with a swarm option under swarm faults (300 seeds each; cluster/chaos,
// the cluster's property sweep, 5,000) and the kernel scenarios. SIM_SEEDS=N changes
// every count.
import { describe, expect, it } from "vitest";
import { sweep } from "simctl/testing";
import { allScenarios } from "../../src/scenarios/index.js";

const long = process.env["SIM_LONG"] === "1";
const swarmed = allScenarios()
  .filter((s) => s.options["swarm"] !== undefined)
  .map((s) => s.id);
const plain = allScenarios()
  .filter((s) => s.id.startsWith("kernel/"))
  .map((s) => s.id);

describe.skipIf(!long)("long sweeps", () => {
  for (const id of swarmed) {
    const seeds = id === "cluster/chaos" ? 5_000 : 300;
    it(
      `${id} holds under swarm faults (${seeds} seeds)`,
      () => expect(sweep(id, { seeds, swarm: true }).seeds).toBeGreaterThan(0),
      3_600_000,
    );
  }
  for (const id of plain) {
    it(`${id} holds across seeds`, () => expect(sweep(id, { seeds: 300 }).seeds).toBeGreaterThan(0), 1_800_000);
  }
});
