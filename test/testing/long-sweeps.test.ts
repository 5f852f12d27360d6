// The long sweeps the default test run leaves out: `npm run sweep` (SIM_LONG=1).
// Every scenario with a swarm option under swarm faults, the kernel scenarios, and
// cluster/chaos once it is registered. SIM_SEEDS=N changes the seed count (default 300).
import { describe, expect, it } from "vitest";
import { sweep } from "simctl/testing";
import { allScenarios } from "../../src/scenarios/index.js";

const long = process.env["SIM_LONG"] === "1";
const swarmed = allScenarios().filter((s) => s.options["swarm"] !== undefined).map((s) => s.id);
const plain = allScenarios().filter((s) => s.id.startsWith("kernel/") || s.id === "cluster/chaos").map((s) => s.id);

describe.skipIf(!long)("long sweeps", () => {
  for (const id of swarmed) {
    it(`${id} holds under swarm faults`, () => expect(sweep(id, { seeds: 300, swarm: true }).seeds).toBeGreaterThan(0), 1_800_000);
  }
  for (const id of plain) {
    it(`${id} holds across seeds`, () => expect(sweep(id, { seeds: 300 }).seeds).toBeGreaterThan(0), 1_800_000);
  }
});
