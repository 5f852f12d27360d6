// One seed of a sweep, in this thread: run, reduce to an outcome, and turn any exception
// into a grouped failure instead of a crashed sweep.

import { runScenario, type RunRequest, type ScenarioDef } from "../scenarios/index.js";
import { exceptionOutcome, outcomeOf, type SeedOutcome } from "./sweep-summary.js";

export function runSeed(scenario: ScenarioDef, base: Omit<RunRequest, "seed">, seed: number): SeedOutcome {
  try {
    return outcomeOf(runScenario(scenario, { ...base, seed }));
  } catch (error) {
    return exceptionOutcome(seed, error);
  }
}
