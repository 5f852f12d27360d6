// The process vocabulary: where am I, what time is it, sleep, spawn, join, and the
// combinators built on child tasks — withTimeout, race, gather, shield and scope.
// Every combinator owns the children it spawns and cancels them when it exits, so no
// task outlives the construct that started it.

import { activeKernel, type Kernel } from "./kernel.js";
import type { DoneListener, Task, Op, Proc, SpawnOptions } from "./process.js";
import { JoinStep, SleepStep } from "./one-step.js";
import { Cancelled, TimeoutError, isCancelled } from "./errors.js";
import type { Micros } from "./time.js";

/** The running task; throws when called outside a process. */
export function here(): Task<unknown> {
  const task = activeKernel()?.current ?? null;
  if (task === null) throw new Error("here(): not inside a simulation process");
  return task;
}

export function kernelOf(): Kernel {
  const kernel = activeKernel();
  if (kernel === null) throw new Error("no simulation kernel is bound (call inside a run or after bindKernel)");
  return kernel;
}

export function now(): Micros {
  return kernelOf().now;
}

/** Sleeps `durationUs` of virtual time (`yield* sleep(d)`; one small object, no generator). */
export function sleep(durationUs: Micros): Proc<void> {
  return new SleepStep(durationUs);
}

/** Spawns a child of the running process (cancelled when the parent ends). */
export function spawn<T>(name: string, proc: Proc<T>, options: SpawnOptions = {}): Task<T> {
  return kernelOf().spawn(name, proc, options);
}

class DoneOp implements Op {
  constructor(
    private readonly tasks: readonly Task<unknown>[],
    readonly what: string,
  ) {}
  arm(waiter: Task<unknown>, token: number): void {
    for (const t of this.tasks) t.onDone(() => waiter.wake(token));
  }
  disarm(): void {
    // Callbacks stay registered; a stale token makes their wake a no-op.
  }
}

/** Waits for the task; returns its result or rethrows its error (Cancelled if it was cancelled). */
export function join<T>(task: Task<T>): Proc<T> {
  return new JoinStep(task);
}

/** Waits until any of `tasks` has ended. */
export function* waitAny(tasks: readonly Task<unknown>[], what = "any of tasks"): Proc<void> {
  if (tasks.length === 0 || tasks.some((t) => t.done)) return;
  yield new DoneOp(tasks, what);
}

/**
 * Runs `body` as a child with a deadline. On expiry the child is cancelled (its
 * `finally` blocks run; a shielded section finishes first) and TimeoutError is thrown.
 */
export function* withTimeout<T>(body: Proc<T>, timeoutUs: Micros, what = "operation"): Proc<T> {
  const me = here();
  const child = spawn(`${me.name}/timeout`, body, { handled: true });
  let expired = false;
  const kernel = kernelOf();
  const timer = kernel.after(timeoutUs, () => {
    if (child.done) return;
    expired = true;
    child.cancel(`${what} timed out`);
  });
  try {
    return yield* join(child);
  } catch (error) {
    // Only the child's own cancellation by our timer is a timeout; a caller cancelled in
    // the same instant (after the timer fired, before it resumed) stays cancelled.
    if (expired && isCancelled(error) && error === child.error) throw new TimeoutError(what, timeoutUs);
    throw error;
  } finally {
    kernel.cancel(timer);
    yield* cancelAndWait([child as Task<unknown>], "withTimeout exited");
  }
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function spawnAll<T>(procs: readonly Proc<T>[], label: string): Task<T>[] {
  const me = here();
  return procs.map((p, i) => spawn(`${me.name}/${label}[${i}]`, p, { handled: true }));
}

/** Runs all; the first to end wins (its error is thrown if it failed); the rest are cancelled. */
export function* race<T>(procs: readonly Proc<T>[]): Proc<{ index: number; value: T }> {
  // With no contestant nobody can win: waitAny([]) returns at once and the loop would spin.
  if (procs.length === 0) throw new RangeError("race: needs at least one process");
  const kids = spawnAll(procs, "race");
  try {
    for (;;) {
      const index = kids.findIndex((k) => k.done);
      if (index >= 0) {
        const winner = kids[index]!;
        if (winner.state === "done") return { index, value: winner.result as T };
        throw winner.error;
      }
      yield* waitAny(kids as Task<unknown>[], "race");
    }
  } finally {
    yield* cancelAndWait(kids as Task<unknown>[], "race decided");
  }
}

export interface GatherOptions {
  /** fail-fast: the first failure cancels the rest and is thrown. settle-all: wait for every outcome. */
  mode?: "fail-fast" | "settle-all";
}

export function gather<T>(procs: readonly Proc<T>[], options: { mode: "settle-all" }): Proc<Settled<T>[]>;
export function gather<T>(procs: readonly Proc<T>[], options?: { mode?: "fail-fast" }): Proc<T[]>;
export function* gather<T>(procs: readonly Proc<T>[], options: GatherOptions = {}): Proc<T[] | Settled<T>[]> {
  const kids = spawnAll(procs, "gather");
  const failFast = (options.mode ?? "fail-fast") === "fail-fast";
  try {
    const failed = yield* waitCountdown(kids as Task<unknown>[], failFast);
    if (failFast) {
      if (failed !== null) throw failed.error;
      return kids.map((k) => k.result as T);
    }
    return kids.map(
      (k): Settled<T> => (k.state === "done" ? { ok: true, value: k.result as T } : { ok: false, error: k.error }),
    );
  } finally {
    yield* cancelAndWait(kids as Task<unknown>[], "gather exited");
  }
}

/**
 * Waits until every task ended, or (failFast) until one ended badly. One wake per
 * outcome, O(n) total. Returns the first task that ended badly, in the order they
 * ended (null if none did).
 */
function* waitCountdown(tasks: readonly Task<unknown>[], failFast: boolean): Proc<Task<unknown> | null> {
  const countdown = new Countdown(tasks, failFast);
  if (countdown.remaining === 0 || (failFast && countdown.firstFailed !== null)) return countdown.firstFailed;
  yield countdown;
  return countdown.firstFailed;
}

/**
 * The Op of waitCountdown, and the listener each task tells when it ends: one object for
 * the whole wait rather than a closure per task.
 */
class Countdown implements Op, DoneListener {
  remaining = 0;
  firstFailed: Task<unknown> | null = null;
  private waiter: Task<unknown> | null = null;
  private readonly pendingAtStart: number;

  constructor(
    private readonly tasks: readonly Task<unknown>[],
    private readonly failFast: boolean,
  ) {
    for (const t of tasks) {
      if (!t.done) this.remaining++;
      else if (t.state !== "done") this.firstFailed ??= t;
    }
    this.pendingAtStart = this.remaining;
  }

  /** Built only when asked (deadlock reports), as the wait stood when it began. */
  get what(): string {
    return `gather (${this.pendingAtStart} of ${this.tasks.length} pending)`;
  }

  arm(waiter: Task<unknown>, token: number): void {
    this.waiter = waiter;
    for (const t of this.tasks) if (!t.done) t.notifyOnDone(this, token);
  }

  disarm(): void {}

  taskDone(t: Task<unknown>, token: number): void {
    this.remaining--;
    if (t.state !== "done") this.firstFailed ??= t;
    if (this.remaining === 0 || (this.failFast && t.state !== "done")) this.waiter?.wake(token);
  }
}

/**
 * Cancels `tasks` and waits until every one has ended, so no child outlives the
 * construct that spawned it: a child whose `finally` takes virtual time finishes its
 * cleanup instead of being cut short when its parent ends. The wait is shielded; an
 * interrupt of the caller that arrives meanwhile is thrown once the cleanup is done.
 * Children that end at once (no yielding cleanup) cost no event.
 */
function* cancelAndWait(tasks: readonly Task<unknown>[], reason: string): Proc<void> {
  // A task already cancelled may be running its cleanup: a second Cancelled would cut it short.
  for (const t of tasks) if (!t.cancelRequested) t.cancel(reason);
  if (tasks.every((t) => t.done)) return;
  yield* shield(
    (function* (): Proc<void> {
      for (let pending = tasks.filter((t) => !t.done); pending.length > 0; pending = pending.filter((t) => !t.done)) {
        yield* waitCountdown(pending, false);
      }
    })(),
  );
}

/** Defers interrupts until `body` ends; a deferred interrupt is thrown right after. */
export function* shield<T>(body: Proc<T>): Proc<T> {
  const me = here();
  me.shieldDepth++;
  let result: T;
  try {
    result = yield* body;
  } finally {
    me.shieldDepth--;
  }
  if (me.shieldDepth === 0 && me.hasPendingInterrupt()) throw me.takePendingInterrupt();
  return result;
}

/** A scope owns the children spawned through it (a nursery, in Trio's words). */
export class Scope {
  readonly children: Task<unknown>[] = [];
  firstError: unknown = undefined;
  failed = false;
  /** Set once the scope is exiting: a child failing in its cleanup then no longer interrupts the owner. */
  closing = false;

  constructor(private readonly owner: Task<unknown>) {}

  spawn<T>(name: string, proc: Proc<T>, options: Omit<SpawnOptions, "parent" | "handled"> = {}): Task<T> {
    const task = kernelOf().spawn(name, proc, { ...options, parent: this.owner, handled: true });
    this.children.push(task as Task<unknown>);
    task.onDone(() => this.childEnded(task as Task<unknown>));
    return task;
  }

  cancelAll(reason: string): void {
    for (const c of this.children) c.cancel(reason);
  }

  private childEnded(child: Task<unknown>): void {
    if (child.state !== "failed" || this.failed || this.closing) return;
    this.failed = true;
    this.firstError = child.error;
    this.cancelAll(`sibling ${child.name} failed`);
    this.owner.interrupt(new ScopeFailed());
  }
}

class ScopeFailed extends Cancelled {
  constructor() {
    super("a child of the scope failed");
  }
}

/**
 * Structured concurrency: runs `body` with a Scope, then waits for every child the
 * body spawned. If a child fails, the other children and the body are cancelled and
 * the child's error is thrown. If the body fails, the children are cancelled.
 */
export function* scope<T>(body: (s: Scope) => Proc<T>): Proc<T> {
  const s = new Scope(here());
  try {
    const result = yield* body(s);
    for (;;) {
      const pending = s.children.filter((c) => !c.done);
      if (pending.length === 0) break;
      yield* waitCountdown(pending, true);
    }
    if (s.failed) throw s.firstError;
    return result;
  } catch (error) {
    if (s.failed && (error instanceof ScopeFailed || isCancelled(error))) throw s.firstError;
    throw error;
  } finally {
    s.closing = true;
    yield* cancelAndWait(s.children, "scope exited");
  }
}
