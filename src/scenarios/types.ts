// What a scenario is, and what a run of one produces. A scenario is data plus a small
// setup script; `runScenario` turns (scenario, seed, options) into a pure RunResult.
// Printing and exit codes belong to the CLI; assertions to the vitest helpers.

import type { Micros, RunFailure } from "../sim/index.js";
import type { FaultStep } from "../sim/net/fault-step.js";
import type { ScenarioContext } from "./context.js";

export type OptionValue = number | boolean | string;
export type Options = Record<string, OptionValue>;

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
  /** Default run budgets; the CLI's --max-events / --max-time override them. */
  limits?: { maxEvents?: number; maxTimeUs?: Micros };
  /**
   * Numeric options `simctl shrink` may lower, each with its smallest meaningful value
   * (workload size, run length, node counts): `{ jobCount: 1, workersPerDc: 1 }`.
   */
  shrinkable?: Partial<Record<keyof O & string, number>>;
  /** Builds the world: spawns processes and registers checks. */
  setup(ctx: ScenarioContext<O>): void;
}

export type Verdict = "pass" | "fail" | "liveness" | "deadlock" | "error";

export interface Violation {
  check: string;
  message: string;
  atUs: Micros;
  seq: number;
  nodes: string[];
}

export interface CheckOutcome {
  name: string;
  ok: boolean;
  detail: string;
}

export interface SummaryRow {
  [column: string]: string | number;
}

export interface RunResult {
  scenario: string;
  seed: number;
  verdict: Verdict;
  traceHash: string;
  checkpoints: string[];
  events: number;
  virtualTimeUs: Micros;
  violations: Violation[];
  checks: CheckOutcome[];
  /** Every resolved option (defaults with overrides applied). */
  options: Options;
  limits: { maxEvents: number; maxTimeUs: Micros };
  /** Figures the scenario reports (latencies, counts). */
  metrics: Record<string, number | string>;
  /** Per-node (or per-component) summary rows, when the scenario provides them. */
  summary: SummaryRow[];
  /** Set when the kernel stopped the run abnormally. */
  failure: RunFailure | null;
  /** The fault schedule actually applied (scripted and random steps), replayable as is. */
  faultSchedule: FaultStep[];
  /** Scenario-specific data worth keeping with the result. */
  artifacts: Record<string, unknown>;
}

export const DEFAULT_MAX_EVENTS = 50_000_000;
export const DEFAULT_MAX_TIME_US: Micros = 3_600_000_000; // one virtual hour

/** Declares a scenario with typed options and erases the option type for the registry. */
export function defineScenario<O extends Options>(def: ScenarioDef<O>): ScenarioDef {
  return def as unknown as ScenarioDef;
}
