// AsyncWorker: a concurrency-limited task runner on the kernel's process runtime.
//
// Each submitted task becomes a root process that first takes a slot from a FIFO
// semaphore (so tasks start in submission order), then runs its body, optionally under
// a run-time limit. The worker's promises:
//   - at most `concurrency` bodies run at once, and every slot comes back however the
//     body ends (shutdown asserts it);
//   - every task ends in exactly one outcome: completed, failed, timed-out or cancelled;
//   - once `cancel()` returns true the task ends cancelled and its callback never runs,
//     even if the body was finishing at that very instant or swallowed the cancellation;
//   - a failing body never stalls the worker: its error goes to whoever awaits the handle.
// Concurrency can change between runs: shutdown, then start with a new value.

import {
  Future,
  SimEvent,
  Semaphore,
  TimeoutError,
  Cancelled,
  isCancelled,
  kernelOf,
  now,
  sym,
  type Proc,
  type Task,
} from "../sim/index.js";
import { runWithTimeout } from "./time-limit.js";
import {
  WorkerNotRunning,
  type AsyncWorkerLike,
  type Outcome,
  type SubmitOptions,
  type WorkHandle,
  type WorkerEvent,
  type WorkerEventKind,
  type WorkerFactoryOptions,
  type WorkerState,
  type WorkerStats,
} from "./worker-types.js";

class Handle<T> implements WorkHandle<T> {
  outcome: Outcome<T> | null = null;
  readonly done = new Future<Outcome<T>>();
  constructor(
    readonly id: number,
    readonly label: string,
  ) {}

  *settled(): Proc<Outcome<T>> {
    return yield* this.done.wait();
  }

  *result(): Proc<T> {
    const o = yield* this.settled();
    switch (o.status) {
      case "completed":
        return o.value;
      case "failed":
      case "timed-out":
        throw o.error;
      case "cancelled":
        throw new Cancelled(o.reason);
    }
  }
}

interface Entry<T> {
  handle: Handle<T>;
  body: () => Proc<T>;
  options: SubmitOptions<T>;
  task: Task<Outcome<T>> | null;
  cancelReason: string | null;
  timeoutError: Error | null;
}

export interface AsyncWorkerOptions extends WorkerFactoryOptions {
  /** Keep every lifecycle event in `events` (tests and soak runs). */
  recordEvents?: boolean;
}

export class AsyncWorker implements AsyncWorkerLike {
  readonly name: string;
  state: WorkerState = "stopped";
  concurrency: number;
  readonly events: WorkerEvent[] = [];
  peakActive = 0;

  private slots: Semaphore | null = null;
  private readonly nodeSym: number;
  private readonly live = new Map<number, Entry<unknown>>();
  private readonly idle = new SimEvent("worker idle");
  private nextId = 0;
  private active = 0;
  private readonly counts = { submitted: 0, completed: 0, failed: 0, timedOut: 0, cancelled: 0, callbackErrors: 0 };

  constructor(private readonly options: AsyncWorkerOptions) {
    this.name = options.name;
    this.nodeSym = sym(options.name);
    this.concurrency = validConcurrency(options.concurrency);
    this.idle.set();
  }

  start(options: { concurrency?: number } = {}): void {
    if (this.state !== "stopped") throw new Error(`worker ${this.name}: start while ${this.state}`);
    if (options.concurrency !== undefined) this.concurrency = validConcurrency(options.concurrency);
    this.slots = new Semaphore(this.concurrency, `${this.name} slots`);
    this.state = "running";
    this.emit("start", -1);
  }

  submit<T>(body: () => Proc<T>, options: SubmitOptions<T> = {}): WorkHandle<T> {
    if (this.state !== "running") throw new WorkerNotRunning(`worker ${this.name} is ${this.state}; submit refused`);
    const id = ++this.nextId;
    const handle = new Handle<T>(id, options.label ?? `task-${id}`);
    const entry: Entry<T> = { handle, body, options, task: null, cancelReason: null, timeoutError: null };
    this.live.set(id, entry as Entry<unknown>);
    this.idle.clear();
    this.counts.submitted++;
    this.emit("submitted", id);
    // Traced under the worker's symbol: hashing a fresh per-task name showed in profiles.
    const task = kernelOf().spawn(`${this.name}#${id}`, this.run(entry, this.slots!), {
      parent: null,
      handled: true,
      node: this.nodeSym,
    });
    entry.task = task;
    // Covers every ending, including a cancel before the process ever started.
    task.onDone(() => this.settle(entry, task.state === "done" ? task.result! : cancelledOutcome(entry, task.error)));
    return handle;
  }

  cancel(handle: WorkHandle<unknown>, reason = "cancelled by caller"): boolean {
    const entry = this.live.get(handle.id);
    if (entry === undefined || entry.handle !== handle || entry.handle.outcome !== null || entry.cancelReason !== null)
      return false;
    entry.cancelReason = reason;
    this.emit("cancel-requested", handle.id);
    entry.task?.cancel(reason);
    return true;
  }

  *shutdown(options: { mode: "drain" | "cancel" }): Proc<void> {
    if (this.state === "stopped") return;
    if (this.state === "running") {
      this.state = "stopping";
      this.emit("shutdown", -1);
    }
    if (options.mode === "cancel")
      for (const entry of [...this.live.values()]) this.cancel(entry.handle, `worker ${this.name} shutdown`);
    yield* this.idle.wait();
    if (this.state !== "stopping") return; // a concurrent shutdown finished first
    const inUse = this.slots?.inUse ?? 0;
    if (inUse !== 0 || this.active !== 0)
      throw new Error(
        `worker ${this.name}: ${inUse} slot(s) still held and ${this.active} active after every task ended`,
      );
    this.slots = null;
    this.state = "stopped";
    this.emit("stopped", -1);
  }

  stats(): WorkerStats {
    return {
      state: this.state,
      concurrency: this.concurrency,
      active: this.active,
      queued: this.live.size - this.active,
      permitsInUse: this.slots?.inUse ?? 0,
      ...this.counts,
    };
  }

  private *run<T>(entry: Entry<T>, slots: Semaphore): Proc<Outcome<T>> {
    yield* slots.acquire(); // a cancellation here ends the task; onDone records it
    this.active++;
    if (this.active > this.peakActive) this.peakActive = this.active;
    this.emit("started", entry.handle.id);
    try {
      const value = yield* this.invoke(entry);
      if (entry.cancelReason !== null) return cancelledOutcome(entry, null);
      return { status: "completed", value, atUs: now() };
    } catch (error) {
      return this.classify(entry, error);
    } finally {
      this.active--;
      slots.release();
    }
  }

  private *invoke<T>(entry: Entry<T>): Proc<T> {
    const timeoutUs = entry.options.timeoutUs;
    if (timeoutUs === undefined) return yield* entry.body();
    const label = entry.handle.label;
    return yield* runWithTimeout(entry.body(), {
      timeoutUs,
      label,
      onExpire: () => (entry.timeoutError = new TimeoutError(label, timeoutUs)),
    });
  }

  private classify<T>(entry: Entry<T>, error: unknown): Outcome<T> {
    const atUs = now();
    // A requested cancel wins over whatever the body did on its way out.
    if (entry.cancelReason !== null || isCancelled(error)) return cancelledOutcome(entry, error);
    if (entry.timeoutError !== null && error === entry.timeoutError)
      return { status: "timed-out", error: entry.timeoutError, atUs };
    return { status: "failed", error, atUs };
  }

  private settle<T>(entry: Entry<T>, outcome: Outcome<T>): void {
    const handle = entry.handle;
    if (handle.outcome !== null) return;
    handle.outcome = outcome;
    this.live.delete(handle.id);
    this.count(outcome);
    this.emit(outcome.status, handle.id);
    const onDone = entry.options.onDone;
    if (outcome.status !== "cancelled" && onDone !== undefined) {
      this.emit("callback", handle.id);
      try {
        onDone(outcome);
      } catch {
        this.counts.callbackErrors++;
      }
    }
    handle.done.resolve(outcome);
    if (this.live.size === 0) this.idle.set();
  }

  private count(outcome: Outcome<unknown>): void {
    switch (outcome.status) {
      case "completed":
        this.counts.completed++;
        return;
      case "failed":
        this.counts.failed++;
        return;
      case "timed-out":
        this.counts.timedOut++;
        return;
      case "cancelled":
        this.counts.cancelled++;
        return;
    }
  }

  private emit(kind: WorkerEventKind, taskId: number): void {
    const event: WorkerEvent = { atUs: now(), kind, taskId };
    if (this.options.recordEvents === true) this.events.push(event);
    this.options.onEvent?.(event);
  }
}

function cancelledOutcome<T>(entry: Entry<T>, error: unknown): Outcome<T> {
  const reason = entry.cancelReason ?? (isCancelled(error) ? error.reason : "cancelled");
  return { status: "cancelled", reason, atUs: now() };
}

function validConcurrency(value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${value}`);
  return value;
}

/** The factory the soak harness takes, for this implementation. */
export function asyncWorkerFactory(
  extra: { recordEvents?: boolean } = {},
): (options: WorkerFactoryOptions) => AsyncWorker {
  return (options) => new AsyncWorker({ ...options, ...extra });
}
