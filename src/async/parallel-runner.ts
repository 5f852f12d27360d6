// runParallel: runs a list of tasks with at most `maxConcurrent` at once and returns one
// result per task, in input order whatever the completion order. The spawn plan's rules:
//   - maxConcurrent must be a positive integer; anything else is a RangeError at call time;
//   - a task's exception becomes a failed result (its text kept, exit code -1), so one
//     failure never aborts the rest; a per-task timeout is a failed result too;
//   - cancellation is not a failure: if the caller is cancelled, or a task ends cancelled
//     by itself, the rest are cancelled and the Cancelled error propagates;
//   - a global timeout (default 1.5 × the task timeout) returns partial results instead of
//     throwing: finished tasks keep theirs, unfinished ones are marked "unfinished";
//   - a progress callback sees "started" and an ending per task with the right totals;
//     a callback that throws is counted and ignored.

import {
  Semaphore,
  TimeoutError,
  errorMessage,
  gather,
  isCancelled,
  now,
  type Micros,
  type Proc,
} from "../sim/index.js";
import { runWithTimeout } from "./time-limit.js";

export interface ParallelTask<T> {
  id: string;
  run: () => Proc<T>;
}

export type ResultStatus = "ok" | "failed" | "timed-out" | "unfinished";

export interface SpawnResult<T> {
  index: number;
  id: string;
  success: boolean;
  status: ResultStatus;
  output: T | null;
  error: string | null;
  /** 0 on success, -1 for an exception, a timeout or an unfinished task. */
  exitCode: number;
  startedAtUs: Micros | null;
  endedAtUs: Micros | null;
}

export type ProgressStatus = "started" | "completed" | "failed" | "timed-out";

export interface ProgressEvent {
  index: number;
  total: number;
  id: string;
  status: ProgressStatus;
  atUs: Micros;
}

export interface ParallelOptions {
  maxConcurrent: number;
  taskTimeoutUs?: Micros;
  /** Overrides the default global timeout of 1.5 × taskTimeoutUs. */
  globalTimeoutUs?: Micros;
  onProgress?: (event: ProgressEvent) => void;
}

export interface ParallelReport<T> {
  results: SpawnResult<T>[];
  globalTimedOut: boolean;
  globalTimeoutUs: Micros | null;
  succeeded: number;
  failed: number;
  unfinished: number;
  peakActive: number;
  progressErrors: number;
  elapsedUs: Micros;
}

export const GLOBAL_TIMEOUT_FACTOR = { numerator: 3, denominator: 2 } as const;

class GlobalTimeout extends Error {}
/** Our per-task expiry; private, so a task's own TimeoutError is reported as a plain failure. */
class TaskTimeout extends TimeoutError {}

/** Validates eagerly (a bad maxConcurrent throws here, not at the first yield), then returns the run. */
export function runParallel<T>(tasks: readonly ParallelTask<T>[], options: ParallelOptions): Proc<ParallelReport<T>> {
  const max = options.maxConcurrent;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxConcurrent must be a positive integer (got ${max})`);
  if (options.taskTimeoutUs !== undefined && !(options.taskTimeoutUs >= 0))
    throw new RangeError(`taskTimeoutUs must be >= 0 (got ${options.taskTimeoutUs})`);
  return execute(tasks, options);
}

export function globalTimeoutFor(options: ParallelOptions): Micros | null {
  if (options.globalTimeoutUs !== undefined) return options.globalTimeoutUs;
  if (options.taskTimeoutUs === undefined) return null;
  return Math.round((options.taskTimeoutUs * GLOBAL_TIMEOUT_FACTOR.numerator) / GLOBAL_TIMEOUT_FACTOR.denominator);
}

function* execute<T>(tasks: readonly ParallelTask<T>[], options: ParallelOptions): Proc<ParallelReport<T>> {
  const startUs = now();
  const state = new RunState<T>(tasks, options);
  const globalUs = globalTimeoutFor(options);
  let globalTimedOut = false;
  if (tasks.length > 0) {
    const all = gather(tasks.map((_, i) => state.slot(i)));
    try {
      if (globalUs === null) yield* all;
      else
        yield* runWithTimeout(all, {
          timeoutUs: globalUs,
          label: "global-timeout",
          onExpire: () => new GlobalTimeout(),
        });
    } catch (error) {
      if (!(error instanceof GlobalTimeout)) throw error; // a Cancelled propagates
      globalTimedOut = true;
    }
  }
  const results = state.results;
  return {
    results,
    globalTimedOut,
    globalTimeoutUs: globalUs,
    succeeded: results.filter((r) => r.status === "ok").length,
    failed: results.filter((r) => r.status === "failed" || r.status === "timed-out").length,
    unfinished: results.filter((r) => r.status === "unfinished").length,
    peakActive: state.peakActive,
    progressErrors: state.progressErrors,
    elapsedUs: now() - startUs,
  };
}

class RunState<T> {
  readonly results: SpawnResult<T>[];
  private readonly slots: Semaphore;
  active = 0;
  peakActive = 0;
  progressErrors = 0;

  constructor(
    private readonly tasks: readonly ParallelTask<T>[],
    private readonly options: ParallelOptions,
  ) {
    this.slots = new Semaphore(options.maxConcurrent, "parallel slots");
    this.results = tasks.map((t, index) => ({
      index,
      id: t.id,
      success: false,
      status: "unfinished",
      output: null,
      error: "did not finish before the global timeout",
      exitCode: -1,
      startedAtUs: null,
      endedAtUs: null,
    }));
  }

  *slot(index: number): Proc<void> {
    const task = this.tasks[index]!;
    const result = this.results[index]!;
    yield* this.slots.acquire();
    this.active++;
    this.peakActive = Math.max(this.peakActive, this.active);
    result.startedAtUs = now();
    this.progress(index, "started");
    try {
      const output = yield* this.invoke(task);
      Object.assign(result, { success: true, status: "ok", output, error: null, exitCode: 0, endedAtUs: now() });
      this.progress(index, "completed");
    } catch (error) {
      if (isCancelled(error)) throw error;
      const timedOut = error instanceof TaskTimeout;
      Object.assign(result, {
        status: timedOut ? "timed-out" : "failed",
        error: errorText(error),
        exitCode: -1,
        endedAtUs: now(),
      });
      this.progress(index, timedOut ? "timed-out" : "failed");
    } finally {
      this.active--;
      this.slots.release();
    }
  }

  private *invoke(task: ParallelTask<T>): Proc<T> {
    const timeoutUs = this.options.taskTimeoutUs;
    if (timeoutUs === undefined) return yield* task.run();
    return yield* runWithTimeout(task.run(), {
      timeoutUs,
      label: task.id,
      onExpire: () => new TaskTimeout(task.id, timeoutUs),
    });
  }

  private progress(index: number, status: ProgressStatus): void {
    const cb = this.options.onProgress;
    if (cb === undefined) return;
    try {
      cb({ index, total: this.tasks.length, id: this.tasks[index]!.id, status, atUs: now() });
    } catch {
      this.progressErrors++;
    }
  }
}

/** The exception's own text, as the spawn plan keeps it (`str(exception)`). */
function errorText(error: unknown): string {
  return error instanceof Error ? error.message : errorMessage(error);
}
