// What a scenario run takes (options) and produces (violations, check outcomes, the
// RunResult). Kept apart from types.ts so that the ScenarioContext, which collects these,
// and the ScenarioDef, whose setup receives a context, need not import each other.

import type { Micros, RunFailure } from "../sim/index.js";
import type { FaultStep } from "../sim/net/fault-step.js";

export type OptionValue = number | boolean | string;
export type Options = Record<string, OptionValue>;

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
  /** False only when the check failed; a check that does not apply is not a failure. */
  ok: boolean;
  /**
   * `not-applicable`: a registered checker that nothing in this scenario can trigger (a
   * gates-only cluster has no cores to over-allocate), so its silence proves nothing and
   * it is not reported as passed. `detail` then says why it does not apply.
   */
  status: "pass" | "fail" | "not-applicable";
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
  /** Coverage marks the run reached, with their hit counts (src/sim/coverage.ts). */
  coverage: Record<string, number>;
}
