// A worker thread running one scenario run for guarded-run.ts: `simctl run` (with its
// trace file), and the traced repro captures of sweeps and replays. Off the main thread
// the run can be stopped mid-event (Ctrl-C, a wall-clock limit) and bounded in memory,
// while the main thread keeps drawing progress from the heartbeats this thread posts.

import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { captureRun } from "../repro/capture.js";
import type { ReproFile } from "../repro/schema.js";
import { findScenario, OptionError, runScenario, type RunRequest, type RunResult } from "../scenarios/index.js";
import { ScheduleError } from "../sim/net/schedule.js";
import { JsonlTraceFile } from "./trace-file.js";

export interface RunJob {
  scenario: string;
  /** Plain data: no listeners or callbacks cross the thread boundary. */
  request: Omit<RunRequest, "traceListener" | "onProgress">;
  /** run: the result; capture: a traced rerun packed as a repro file. */
  mode: "run" | "capture";
  createdBy: string;
  /** Where trace records go (run mode); see trace-file.ts. */
  tracePath: string | null;
  /** Events between two heartbeats. */
  heartbeatEvents: number;
}

export type FromRunWorker =
  | { heartbeat: { events: number; nowUs: number } }
  | {
      done: {
        result: RunResult;
        repro: ReproFile | null;
        wallMs: number;
        traceRecords: number;
        traceError: string | null;
      };
    }
  /** An error thrown by the run: input problems keep their kind, so the CLI reports them as such. */
  | { failed: string; kind: "schedule" | "option" | "other"; problems?: string[] };

// The wall clock is captured before any run installs the determinism guard.
const wallNow = performance.now.bind(performance);

function execute(job: RunJob, post: (m: FromRunWorker) => void): void {
  const scenario = findScenario(job.scenario);
  if (scenario === undefined) {
    post({ failed: `unknown scenario ${job.scenario} (is dist/ stale? run npm run build)`, kind: "other" });
    return;
  }
  const sink = job.tracePath === null ? null : new JsonlTraceFile(job.tracePath);
  const request: RunRequest = {
    ...job.request,
    onProgress: { everyEvents: job.heartbeatEvents, fn: (events, nowUs) => post({ heartbeat: { events, nowUs } }) },
  };
  if (sink !== null) request.traceListener = sink.listener;
  const start = wallNow();
  let result: RunResult;
  let repro: ReproFile | null = null;
  if (job.mode === "capture") ({ result, repro } = captureRun(scenario, request, job.createdBy));
  else result = runScenario(scenario, request);
  const wallMs = wallNow() - start;
  sink?.end({
    traceHash: result.traceHash,
    verdict: result.verdict,
    events: result.events,
    virtualTimeUs: result.virtualTimeUs,
  });
  post({ done: { result, repro, wallMs, traceRecords: sink?.written ?? 0, traceError: sink?.error ?? null } });
}

const port = parentPort;
if (port !== null) {
  try {
    execute(workerData as RunJob, (m) => port.postMessage(m));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const failure: FromRunWorker =
      error instanceof ScheduleError
        ? { failed: message, kind: "schedule", problems: error.problems }
        : error instanceof OptionError
          ? { failed: message, kind: "option" }
          : { failed: error instanceof Error ? (error.stack ?? message) : message, kind: "other" };
    port.postMessage(failure);
  }
}
