// One seed of a sweep, in this thread: run, reduce to an outcome, and turn any exception
// into a grouped failure instead of a crashed sweep.

import { runScenario, type RunRequest, type ScenarioDef } from "../scenarios/index.js";
import { exceptionOutcome, outcomeOf, type SeedOutcome } from "./sweep-summary.js";

export function runSeed(
  scenario: ScenarioDef,
  base: Omit<RunRequest, "seed">,
  seed: number,
  withMarks = false,
): SeedOutcome {
  try {
    const result = runScenario(scenario, { ...base, seed });
    const outcome = outcomeOf(result);
    if (withMarks) outcome.marks = Object.keys(result.coverage);
    return outcome;
  } catch (error) {
    return exceptionOutcome(seed, error);
  }
}
