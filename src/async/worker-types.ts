// The contract of a concurrency-limited async worker, separate from the implementation
// so the soak harness can drive any worker that honours it (the AsyncWorker here, or a
// cluster node's worker model later) through a factory.

import type { Micros, Proc } from "../sim/index.js";

/** How a submitted task ended. Exactly one per task, set once. */
export type Outcome<T> =
  | { status: "completed"; value: T; atUs: Micros }
  | { status: "failed"; error: unknown; atUs: Micros }
  | { status: "timed-out"; error: Error; atUs: Micros }
  | { status: "cancelled"; reason: string; atUs: Micros };

export type OutcomeStatus = Outcome<unknown>["status"];

export interface SubmitOptions<T> {
  /** Run-time limit, counted from the moment the task gets a slot (queueing is not counted). */
  timeoutUs?: Micros;
  /**
   * Called once when the task ends completed, failed or timed out, at that virtual
   * instant. Never called for a cancelled task. A throwing callback is counted and ignored.
   */
  onDone?: (outcome: Outcome<T>) => void;
  /** Shown in traces and lifecycle events. */
  label?: string;
}

export interface WorkHandle<T> {
  readonly id: number;
  readonly label: string;
  /** Null until the task ends. */
  readonly outcome: Outcome<T> | null;
  /** Waits for the end; returns the value or rethrows the task's error (TimeoutError, Cancelled …). */
  result(): Proc<T>;
  /** Waits for the end; returns the outcome without throwing. */
  settled(): Proc<Outcome<T>>;
}

export type WorkerState = "stopped" | "running" | "stopping";

export interface WorkerStats {
  state: WorkerState;
  concurrency: number;
  /** Tasks holding a slot now. */
  active: number;
  /** Tasks waiting for a slot now. */
  queued: number;
  /** Slots handed out and not yet returned (must equal `active`). */
  permitsInUse: number;
  submitted: number;
  completed: number;
  failed: number;
  timedOut: number;
  cancelled: number;
  callbackErrors: number;
}

export type WorkerEventKind =
  | "start"
  | "submitted"
  | "started"
  | "cancel-requested"
  | OutcomeStatus
  | "callback"
  | "shutdown"
  | "stopped";

export interface WorkerEvent {
  atUs: Micros;
  kind: WorkerEventKind;
  /** Task id, or -1 for worker-level events. */
  taskId: number;
}

export interface AsyncWorkerLike {
  readonly name: string;
  readonly state: WorkerState;
  readonly concurrency: number;
  /** Starts (or restarts after shutdown), optionally with a new concurrency. */
  start(options?: { concurrency?: number }): void;
  /** Queues a task; throws WorkerNotRunning when the worker is not running. */
  submit<T>(body: () => Proc<T>, options?: SubmitOptions<T>): WorkHandle<T>;
  /**
   * Cancels a task that has not ended. Returns true when this call decided the task's
   * fate: it will end "cancelled" and its callback will never run.
   */
  cancel(handle: WorkHandle<unknown>, reason?: string): boolean;
  /**
   * Stops accepting work; `drain` lets queued and running tasks finish, `cancel` cancels them. Waits until all ended.
   */
  shutdown(options: { mode: "drain" | "cancel" }): Proc<void>;
  stats(): WorkerStats;
}

export interface WorkerFactoryOptions {
  name: string;
  concurrency: number;
  /** Lifecycle events, as they happen (telemetry). */
  onEvent?: (event: WorkerEvent) => void;
}

export type WorkerFactory = (options: WorkerFactoryOptions) => AsyncWorkerLike;

export class WorkerNotRunning extends Error {
  override readonly name = "WorkerNotRunning";
}
