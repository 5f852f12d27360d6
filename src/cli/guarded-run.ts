// One run on a worker thread (run-worker.ts), guarded three ways: a wall-clock limit
// (a hang becomes an outcome, not a frozen CLI), a heap limit (out-of-memory becomes an
// outcome, not a V8 abort of the whole process), and an abort signal (Ctrl-C stops the
// run mid-event). Heartbeats from the worker say how far the run got, which the caller
// draws as progress and which an unfinished outcome reports.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ReproFile } from "../repro/schema.js";
import type { RunResult } from "../scenarios/index.js";
import { ScheduleError } from "../sim/net/schedule.js";
import { OptionError } from "../scenarios/index.js";
import { UsageError } from "./exit-codes.js";
import type { FromRunWorker, RunJob } from "./run-worker.js";

export const RUN_WORKER_PATH = fileURLToPath(new URL("../../dist/cli/run-worker.js", import.meta.url));

export interface Reached {
  events: number;
  virtualTimeUs: number;
}

export type GuardedOutcome =
  | {
      kind: "done";
      result: RunResult;
      repro: ReproFile | null;
      wallMs: number;
      traceRecords: number;
      traceError: string | null;
    }
  | ({ kind: "hang"; timeoutMs: number } & Reached)
  | ({ kind: "oom"; memoryMb: number } & Reached)
  | ({ kind: "interrupted" } & Reached)
  | ({ kind: "crashed"; message: string } & Reached);

export interface Guard {
  /** Wall-clock limit in ms; null for none. */
  timeoutMs: number | null;
  /** Heap limit of the worker in MB; null for Node's default. */
  memoryMb: number | null;
  /** Aborting stops the run at once (the worker is terminated). */
  signal?: AbortSignal;
  onHeartbeat?: (reached: Reached) => void;
}

export function guardedRun(job: RunJob, guard: Guard): Promise<GuardedOutcome> {
  if (!existsSync(RUN_WORKER_PATH))
    return Promise.reject(new UsageError(`runs need the compiled CLI (${RUN_WORKER_PATH}): run npm run build`));
  return new Promise((resolve, reject) => {
    const reached: Reached = { events: 0, virtualTimeUs: 0 };
    let settled: GuardedOutcome | null = null;
    let failure: Error | null = null;
    const limits = guard.memoryMb === null ? {} : { resourceLimits: { maxOldGenerationSizeMb: guard.memoryMb } };
    const worker = new Worker(RUN_WORKER_PATH, { workerData: job, ...limits });
    const stop = (outcome: GuardedOutcome): void => {
      settled ??= outcome;
      void worker.terminate();
    };
    const timer =
      guard.timeoutMs === null
        ? undefined
        : setTimeout(() => stop({ kind: "hang", timeoutMs: guard.timeoutMs!, ...reached }), guard.timeoutMs);
    const onAbort = (): void => stop({ kind: "interrupted", ...reached });
    if (guard.signal?.aborted) onAbort();
    guard.signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", (m: FromRunWorker) => {
      if ("heartbeat" in m) {
        reached.events = m.heartbeat.events;
        reached.virtualTimeUs = m.heartbeat.nowUs;
        guard.onHeartbeat?.(reached);
      } else if ("done" in m) settled ??= { kind: "done", ...m.done };
      else failure ??= workerFailure(m);
    });
    worker.on("error", (error: Error & { code?: string }) => {
      if (error.code === "ERR_WORKER_OUT_OF_MEMORY")
        settled ??= { kind: "oom", memoryMb: guard.memoryMb ?? 0, ...reached };
      else settled ??= { kind: "crashed", message: error.message, ...reached };
    });
    worker.on("exit", () => {
      clearTimeout(timer);
      guard.signal?.removeEventListener("abort", onAbort);
      if (failure !== null) reject(failure);
      else resolve(settled ?? { kind: "crashed", message: "the run's worker exited unexpectedly", ...reached });
    });
  });
}

/** An input error from the worker comes back as the error the main thread would have thrown. */
function workerFailure(m: Extract<FromRunWorker, { failed: string }>): Error {
  switch (m.kind) {
    case "schedule":
      return new ScheduleError(m.problems ?? [m.failed]);
    case "option":
      return new OptionError(m.failed);
    case "other":
      return new Error(m.failed);
  }
}
