// Processes are generators driven synchronously by the kernel. A process yields either
// a number (sleep that many microseconds) or an Op (something to wait for). An Op arms
// itself with the waiting task and later wakes it with `task.wake(token, ...)`; the
// wake runs as a zero-delay event so resumption order is FIFO and never re-entrant.
//
// Interrupts (cancellation, timeouts, scope failure) are thrown into the generator at its
// current yield point, so `finally` blocks run and resources are released. A task
// inside `shield` defers interrupts until the shielded section ends. When a task ends,
// its children still running are cancelled (structured concurrency); a failure nobody
// awaits fails the whole run, naming the process.
//
// A task allocates little beyond itself (issue 22): its timer events carry the task to one
// shared handler (no closure per task), its children hang off it in an intrusive list (no
// Set per parent), and whoever waits for its end is kept as (listener, token) pairs, not
// closures.

import { Cancelled, isCancelled } from "./errors.js";
import { sym, type Sym } from "./trace.js";

/** Trace kinds of a process's own events: its first step, and each wake-up after a wait. */
export const K_WAKE = sym("wake");
export const K_START = sym("start");

/**
 * What a task needs of the loop that drives it. The Kernel is the one implementation; the
 * interface lives here so that this file need not import kernel.ts, which imports Task.
 */
export interface TaskScheduler {
  current: Task<unknown> | null;
  afterWith<T>(
    delayUs: number,
    handler: (arg: T, num: number) => void,
    arg: T,
    num: number,
    kind: Sym,
    node: Sym,
  ): number;
  cancel(handle: number): boolean;
  unhandledFailure(task: Task<unknown>, error: unknown): void;
  /** The trace symbol of a task's name (0 when the run is untraced). */
  taskSym(name: string): Sym;
  /** The task ended: it leaves the list of live tasks. */
  taskEnded(task: Task<unknown>): void;
}

/** Told when a task ends: `token` is the one given with it to `Task.notifyOnDone`. */
export interface DoneListener {
  taskDone(task: Task<unknown>, token: number): void;
}

export interface Op {
  /** Human text for deadlock reports: "recv on channel jobs", "lock db". */
  readonly what: string;
  /** Registers the task; call `task.wake(token, ...)` when it may proceed. */
  arm(task: Task<unknown>, token: number): void;
  /** The task was interrupted. `granted` is true if a wake was already issued (give back what was granted). */
  disarm(task: Task<unknown>, granted: boolean): void;
}

export type Yielded = Op | number;
export type Proc<T = void> = Generator<Yielded, T, unknown>;

export type TaskState = "pending" | "running" | "waiting" | "done" | "failed" | "cancelled";

export interface SpawnOptions {
  /** Owner; defaults to the running process. `null` makes a root process. */
  parent?: Task<unknown> | null;
  /** A daemon waiting forever is not a deadlock (servers, pumps). */
  daemon?: boolean;
  /** Someone will look at this task's failure (join, gather, scope): do not fail the run. */
  handled?: boolean;
  /** Trace node symbol for this task's wake events (defaults to the task name). */
  node?: Sym;
}

const NONE: unknown = Symbol("no-interrupt");
const SLEEP_WHAT = "sleep";

export class Task<T = unknown> {
  state: TaskState = "pending";
  result: T | undefined = undefined;
  error: unknown = undefined;
  readonly daemon: boolean;
  handled: boolean;
  readonly parent: Task<unknown> | null;
  shieldDepth = 0;
  /** Set by the first `cancel()`; combinators use it not to cancel a cleanup a second time. */
  cancelRequested = false;

  private readonly gen: Proc<T>;
  private readonly nodeSym: Sym;
  private op: Op | null = null;
  private sleeping = false;
  private timer = -1; // start, sleep or wake event
  private woken = false;
  private waitToken = 0;
  private wakeValue: unknown = undefined;
  private wakeIsThrow = false;
  private pendingInterrupt: unknown = NONE;
  /** What to tell when this task ends, in registration order: a callback, or a listener and its token. */
  private doneList: (DoneListener | (() => void) | number)[] | null = null;
  // Children, in spawn order, as an intrusive doubly-linked list. A task that leaves the
  // list keeps its own `nextSibling`, so a walk standing on it can go on (see finish()).
  private firstChild: Task<unknown> | null = null;
  private lastChild: Task<unknown> | null = null;
  private prevSibling: Task<unknown> | null = null;
  private nextSibling: Task<unknown> | null = null;
  /** The kernel's list of live tasks, in spawn order (kept by the kernel). */
  livePrev: Task<unknown> | null = null;
  liveNext: Task<unknown> | null = null;

  /** The one handler every task's timer events share: the event carries the task. */
  private static readonly fire = (task: Task<unknown>): void => task.fireTimer();

  constructor(
    readonly kernel: TaskScheduler,
    readonly id: number,
    readonly name: string,
    proc: Proc<T>,
    parent: Task<unknown> | null,
    options: SpawnOptions,
  ) {
    this.gen = proc;
    this.parent = parent;
    this.daemon = options.daemon ?? false;
    this.handled = options.handled ?? false;
    this.nodeSym = options.node ?? kernel.taskSym(name);
    if (parent !== null) parent.linkChild(this as Task<unknown>);
    this.timer = kernel.afterWith(0, Task.fire, this as Task<unknown>, 0, K_START, this.nodeSym);
  }

  private linkChild(child: Task<unknown>): void {
    child.prevSibling = this.lastChild;
    if (this.lastChild === null) this.firstChild = child;
    else this.lastChild.nextSibling = child;
    this.lastChild = child;
  }

  /** Unlinks `child`, leaving its own nextSibling as it was (a walk may stand on it). */
  private unlinkChild(child: Task<unknown>): void {
    const prev = child.prevSibling;
    const next = child.nextSibling;
    if (prev === null) this.firstChild = next;
    else prev.nextSibling = next;
    if (next === null) this.lastChild = prev;
    else next.prevSibling = prev;
  }

  get done(): boolean {
    return this.state === "done" || this.state === "failed" || this.state === "cancelled";
  }

  waitingOn(): string {
    if (this.state === "pending") return "start";
    if (this.sleeping) return SLEEP_WHAT;
    return this.op?.what ?? this.state;
  }

  /** Wakes the task if `token` is still the one it is waiting with. Idempotent. */
  wake(token: number, value?: unknown, isThrow = false): void {
    if (token !== this.waitToken || this.woken || this.done || this.op === null) return;
    this.woken = true;
    this.wakeValue = value;
    this.wakeIsThrow = isThrow;
    this.timer = this.kernel.afterWith(0, Task.fire, this as Task<unknown>, 0, K_WAKE, this.nodeSym);
  }

  /** DoneListener: a task that waits for another's end is woken with its wait token. */
  taskDone(_task: Task<unknown>, token: number): void {
    this.wake(token);
  }

  /** Requests cancellation; `finally` blocks run at the task's current yield point. */
  cancel(reason = "cancelled"): void {
    // An ended task ignores interrupts; returning first skips building an Error (and its
    // stack trace), which combinators' cleanup otherwise does for every finished child.
    if (this.done) return;
    this.cancelRequested = true;
    this.interrupt(new Cancelled(reason));
  }

  /** Throws `error` into the task at its current yield point (deferred while shielded). */
  interrupt(error: unknown): void {
    if (this.done) return;
    if (this.state === "pending") {
      this.kernel.cancel(this.timer);
      this.timer = -1;
      this.finish(isCancelled(error) ? "cancelled" : "failed", error);
      return;
    }
    if (this.shieldDepth > 0 || this.state === "running") {
      if (this.pendingInterrupt === NONE) this.pendingInterrupt = error;
      return;
    }
    this.unwait();
    this.resume(error, true);
  }

  /** Registers a callback run once when the task ends (immediately if it has). */
  onDone(callback: () => void): void {
    if (this.done) callback();
    else {
      this.doneList ??= [];
      this.doneList.push(callback, 0);
    }
  }

  /** Tells `listener` (with `token`) when the task ends, immediately if it has; in order with onDone callbacks. */
  notifyOnDone(listener: DoneListener, token: number): void {
    if (this.done) listener.taskDone(this as Task<unknown>, token);
    else {
      this.doneList ??= [];
      this.doneList.push(listener, token);
    }
  }

  /** Delivers an interrupt deferred by `shield`, if any; called when the shield ends. */
  takePendingInterrupt(): unknown {
    const e = this.pendingInterrupt;
    this.pendingInterrupt = NONE;
    return e === NONE ? undefined : e;
  }

  /** The value a wake carried, while it has not been delivered yet (for Op.disarm). */
  get pendingWakeValue(): unknown {
    return this.wakeValue;
  }

  hasPendingInterrupt(): boolean {
    return this.pendingInterrupt !== NONE;
  }

  private unwait(): void {
    if (this.timer !== -1) this.kernel.cancel(this.timer);
    this.timer = -1;
    if (this.op !== null) this.op.disarm(this as Task<unknown>, this.woken);
    this.op = null;
    this.wakeValue = undefined;
    this.sleeping = false;
    this.woken = false;
  }

  /** Its timer event fired: start, wake after a sleep, or deliver a wake. */
  private fireTimer(): void {
    this.timer = -1;
    const value = this.wakeValue;
    const isThrow = this.wakeIsThrow;
    this.wakeValue = undefined;
    this.wakeIsThrow = false;
    this.op = null;
    this.sleeping = false;
    this.woken = false;
    this.resume(value, isThrow);
  }

  private resume(input: unknown, isThrow: boolean): void {
    const kernel = this.kernel;
    const previous = kernel.current;
    kernel.current = this as Task<unknown>;
    this.state = "running";
    let step: IteratorResult<Yielded, T>;
    try {
      step = isThrow ? this.gen.throw(input) : this.gen.next(input);
      while (!step.done && this.pendingInterrupt !== NONE && this.shieldDepth === 0) {
        const e = this.pendingInterrupt;
        this.pendingInterrupt = NONE;
        step = this.gen.throw(e);
      }
    } catch (error) {
      kernel.current = previous;
      this.finish(isCancelled(error) ? "cancelled" : "failed", error);
      return;
    }
    kernel.current = previous;
    if (step.done) {
      this.finish("done", step.value);
      return;
    }
    this.suspend(step.value);
  }

  private suspend(what: Yielded): void {
    this.state = "waiting";
    const token = ++this.waitToken;
    if (typeof what === "number") {
      this.sleeping = true;
      this.timer = this.kernel.afterWith(
        what > 0 ? Math.round(what) : 0,
        Task.fire,
        this as Task<unknown>,
        0,
        K_WAKE,
        this.nodeSym,
      );
      return;
    }
    if (typeof what !== "object" || what === null || typeof (what as Partial<Op>).arm !== "function") {
      // Thrown into the process (its finally blocks run) rather than out of the kernel.
      this.resume(
        new TypeError(
          `process "${this.name}" yielded ${describeYield(what)}: yield a duration or an Op, and delegate with yield* (yield* sleep(t), not yield sleep(t))`,
        ),
        true,
      );
      return;
    }
    this.op = what;
    what.arm(this as Task<unknown>, token);
  }

  private finish(state: "done" | "failed" | "cancelled", value: unknown): void {
    this.state = state;
    if (state === "done") this.result = value as T;
    else this.error = value;
    this.kernel.taskEnded(this as Task<unknown>);
    this.cancelChildren();
    this.parent?.unlinkChild(this as Task<unknown>);
    const list = this.doneList;
    this.doneList = null;
    // Only `handled` (join, gather, race, scope, or the spawner's promise) excuses a
    // failure: an onDone callback merely observes the end, it does not look at the error.
    if (state === "failed" && !this.handled) this.kernel.unhandledFailure(this as Task<unknown>, value);
    if (list === null) return;
    for (let i = 0; i < list.length; i += 2) {
      const entry = list[i] as DoneListener | (() => void);
      if (typeof entry === "function") entry();
      else entry.taskDone(this as Task<unknown>, list[i + 1] as number);
    }
  }

  /**
   * Cancels every child that was running when the task ended, in spawn order. A child's
   * cancellation may end other children (their unlinking leaves their own next pointer),
   * or spawn new ones (after the last child of the walk, so not visited): exactly the
   * children a copy of the list would have held.
   */
  private cancelChildren(): void {
    const last = this.lastChild;
    for (let child = this.firstChild; child !== null; ) {
      const next = child === last ? null : child.nextSibling;
      child.cancel(`parent ${this.name} ended`);
      child = next;
    }
  }
}

function describeYield(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object" && typeof (value as Partial<Generator>).next === "function") return "a generator";
  return typeof value === "string" ? `the string ${JSON.stringify(value)}` : typeof value;
}
