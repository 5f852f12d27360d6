// What a soak scenario runner receives, and the helper that turns a finished tracker
// into a ScenarioReport.

import type { Proc, Rng } from "../../sim/index.js";
import type { AsyncWorkerLike, WorkerEvent, WorkerFactory, WorkerStats } from "../worker-types.js";
import { commonChecks } from "./checks.js";
import type { ScenarioReport, SoakCheck, SoakScenarioName } from "./report.js";
import type { SoakTracker } from "./tracker.js";

export interface SoakEnv {
  factory: WorkerFactory;
  /** This scenario's own stream (forked per iteration and scenario). */
  rng: Rng;
  iteration: number;
  onWorkerEvent?: (event: WorkerEvent) => void;
}

export type SoakRunner = (env: SoakEnv) => Proc<ScenarioReport>;

export function makeWorker(env: SoakEnv, scenario: SoakScenarioName, concurrency: number): AsyncWorkerLike {
  const name = `soak-${env.iteration}-${scenario}`;
  return env.factory(
    env.onWorkerEvent === undefined ? { name, concurrency } : { name, concurrency, onEvent: env.onWorkerEvent },
  );
}

export interface ReportInput {
  env: SoakEnv;
  scenario: SoakScenarioName;
  tracker: SoakTracker;
  worker: AsyncWorkerLike;
  limit: number;
  statsBefore: WorkerStats;
  extra: SoakCheck[];
}

export function buildReport(input: ReportInput): ScenarioReport {
  const { env, scenario, tracker, worker, limit, statsBefore, extra } = input;
  const counts = tracker.counts();
  return {
    scenario,
    iteration: env.iteration,
    counts,
    latency: tracker.latency,
    checks: [...commonChecks({ tracker, worker, limit, statsBefore, counts }), ...extra],
    peakRunning: tracker.peakRunning,
    concurrencyLimit: limit,
  };
}

/** A check over every record: `test` returns a problem or null. */
export function checkEach<R>(name: string, items: readonly R[], test: (item: R) => string | null): SoakCheck {
  const bad: string[] = [];
  for (const item of items) {
    const p = test(item);
    if (p !== null) bad.push(p);
  }
  return { name, problem: bad.length === 0 ? null : `${bad.length}: ${bad.slice(0, 3).join("; ")}` };
}
