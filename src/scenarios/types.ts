// What a scenario is. A scenario is data plus a small setup script; `runScenario` turns
// (scenario, seed, options) into a pure RunResult (result-types.ts). Printing and exit
// codes belong to the CLI; assertions to the vitest helpers.

import type { Micros, Rng } from "../sim/index.js";
import type { ScenarioContext } from "./context.js";
import type { OptionSchema } from "./option-spec.js";
import type { SizeSpec } from "./option-size.js";
import type { Options } from "./result-types.js";

export type * from "./result-types.js";

export interface ScenarioDef<O extends Options = Options> {
  /** Family and name: `kernel/ping-pong`, `cluster/smoke`. */
  id: string;
  title: string;
  /** What the scenario does and how it maps the catalog rows it covers. */
  description: string;
  /** Catalog ids from shared/scenario-catalog.tsv that this scenario asserts. */
  covers: readonly string[];
  /** Default options: flat, units last (`jobCount`, `dispatchTimeoutMs`). */
  options: O;
  /**
   * Every option's type, bounds and one-line description (option-spec.ts). `--set`, repro
   * files, the vitest API and swarm draws are all checked against it before a run starts.
   */
  schema: OptionSchema<NoInfer<O>>;
  /** How big the world grows with the options; refused above SIZE_BOUND unless forced. */
  size?: SizeSpec<NoInfer<O>>;
  /** Default run budgets; the CLI's --max-events / --max-time override them. */
  limits?: { maxEvents?: number; maxTimeUs?: Micros };
  /**
   * Numeric options `simctl shrink` may lower, each with its smallest meaningful value
   * (workload size, run length, node counts): `{ jobCount: 1, workersPerDc: 1 }`.
   */
  shrinkable?: Partial<Record<keyof O & string, number>>;
  /**
   * Swarm over options (VOPR's options_swarm): when the run's `swarm` option is true,
   * draws a value for each option the caller did not set, from a stream of its own. The
   * drawn values become part of the resolved options (printed, recorded in repro files,
   * shrinkable like any option), so a run given all its resolved options draws nothing
   * and replays the same.
   */
  swarmOptions?(rng: Rng, resolved: Readonly<O>): Partial<O>;
  /**
   * The coverage marks this scenario's runs may reach (`sweep --coverage` reports the ones
   * no seed reached). A mark with `reachedBy` is out of this scenario's reach by design.
   */
  marks?: readonly { name: string; reachedBy?: string }[];
  /** Builds the world: spawns processes and registers checks. */
  setup(ctx: ScenarioContext<O>): void;
}

export const DEFAULT_MAX_EVENTS = 50_000_000;
export const DEFAULT_MAX_TIME_US: Micros = 3_600_000_000; // one virtual hour

/** Declares a scenario with typed options and erases the option type for the registry. */
export function defineScenario<O extends Options>(def: ScenarioDef<O>): ScenarioDef {
  return def as unknown as ScenarioDef;
}
