// What a soak run reports: per-scenario counts, a latency histogram (submit → end, in
// virtual µs) and named invariant checks; per-iteration and whole-run roll-ups.

import { Histogram, type HistogramSummary } from "../histogram.js";
import type { Outcome } from "../worker-types.js";

export const SOAK_SCENARIOS = [
  "concurrent-load",
  "timeout-enforcement",
  "mid-flight-cancellation",
  "failure-propagation",
  "rapid-reconfiguration",
  "jitter-storm",
] as const;

export type SoakScenarioName = (typeof SOAK_SCENARIOS)[number];

export interface SoakCounts {
  submitted: number;
  completed: number;
  cancelled: number;
  timedOut: number;
  failed: number;
}

/** A named invariant and, when it did not hold, what went wrong. */
export interface SoakCheck {
  name: string;
  problem: string | null;
}

export interface ScenarioReport {
  scenario: SoakScenarioName;
  iteration: number;
  counts: SoakCounts;
  latency: Histogram;
  checks: SoakCheck[];
  /** Highest number of bodies the harness itself saw running at once, and the limit in force. */
  peakRunning: number;
  concurrencyLimit: number;
}

export interface IterationReport {
  iteration: number;
  scenarios: ScenarioReport[];
  counts: SoakCounts;
  latency: HistogramSummary;
}

export interface SoakReport {
  seed: number | string;
  iterations: IterationReport[];
  totals: SoakCounts;
  latency: HistogramSummary;
  /** Every failed check, as "iteration 2 / jitter-storm / <check>: <problem>". */
  problems: string[];
  ok: boolean;
}

export function emptyCounts(): SoakCounts {
  return { submitted: 0, completed: 0, cancelled: 0, timedOut: 0, failed: 0 };
}

export function addCounts(into: SoakCounts, from: SoakCounts): void {
  into.submitted += from.submitted;
  into.completed += from.completed;
  into.cancelled += from.cancelled;
  into.timedOut += from.timedOut;
  into.failed += from.failed;
}

export function countOutcome(counts: SoakCounts, outcome: Outcome<unknown>): void {
  switch (outcome.status) {
    case "completed":
      counts.completed++;
      return;
    case "cancelled":
      counts.cancelled++;
      return;
    case "timed-out":
      counts.timedOut++;
      return;
    case "failed":
      counts.failed++;
      return;
  }
}

export function mergeLatency(reports: readonly ScenarioReport[]): Histogram {
  const h = new Histogram();
  for (const r of reports) h.merge(r.latency);
  return h;
}

/** Failed checks of a report, labelled for printing. */
export function problemsOf(report: ScenarioReport): string[] {
  return report.checks
    .filter((c) => c.problem !== null)
    .map((c) => `iteration ${report.iteration} / ${report.scenario} / ${c.name}: ${c.problem}`);
}
