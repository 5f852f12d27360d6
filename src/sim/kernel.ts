// The kernel: virtual clock, event queue, timers and the run loop. It knows nothing of
// gates or jobs. Each fired event writes one trace record (time, seq, kind, node) before
// its callback runs; callbacks add richer records (message type, peer, digest) themselves.
//
// Timer handles are plain numbers (generation * 2^24 + slot) so scheduling allocates
// nothing beyond the callback the caller already holds. `atWith` carries one value and
// one number to a long-lived handler, so hot callers (node timers, message deliveries)
// need no fresh closure per event.

import { Coverage } from "./coverage.js";
import { EventQueue } from "./queue.js";
import { Trace, sym, transientSym, type Sym } from "./trace.js";
import { Task, type Proc, type SpawnOptions } from "./process.js";
import { installDeterminismGuard } from "./guard.js";
import { errorMessage, type NondeterminismError } from "./errors.js";
import { formatTime, type Micros } from "./time.js";

export type Callback = () => void;
/** A long-lived event handler; `arg` and `num` are the values given to atWith. */
export type Handler<T> = (arg: T, num: number) => void;
export type TimerHandle = number;

const SLOT_BITS = 16_777_216; // 2^24 live slots at most
const GEN_MASK = 0x1fffffff;
/** Int32 words per slot in the kernel's meta table: generation, kind, node, has-argument. */
const META = 4;

export const K_TIMER = sym("timer");
/** For `at`/`after`: the callback records the event itself (see the loop). */
export const K_SELF_RECORDED: Sym = 0;

let bound: Kernel | null = null;

/** The kernel that `here()`, `spawn()` and `now()` refer to. */
export function activeKernel(): Kernel | null {
  return bound;
}

/** Binds `kernel` as the active one; returns the previous binding. */
export function bindKernel(kernel: Kernel | null): Kernel | null {
  const previous = bound;
  bound = kernel;
  return previous;
}

export type StopKind = "drained" | "stopped" | "failed" | "liveness" | "deadlock";

export interface RunFailure {
  kind: Exclude<StopKind, "drained" | "stopped">;
  message: string;
  atUs: Micros;
  seq: number;
  /** Process names involved (the failed process, or those waiting in a deadlock). */
  processes: string[];
}

export interface RunLimits {
  maxEvents?: number;
  maxTimeUs?: Micros;
}

/**
 * Called between events every `everyEvents` events, to report progress (the CLI's progress
 * line, a guarded run's heartbeat). It observes the kernel and must not change it.
 */
export interface Pulse {
  everyEvents: number;
  fn: (events: number, nowUs: Micros) => void;
}

export interface RunOutcome {
  stop: StopKind;
  failure: RunFailure | null;
  events: number;
  nowUs: Micros;
}

export class Kernel {
  now: Micros = 0;
  /** Sequence number of the event being fired. */
  currentSeq = 0;
  events = 0;
  readonly trace: Trace;
  /** Coverage marks hit during this run (env.mark). */
  readonly coverage = new Coverage();
  /** The process whose generator is executing, if any. */
  current: Task<unknown> | null = null;
  // Live processes in spawn order, linked through the tasks themselves (no Set entry per task).
  private liveHead: Task<unknown> | null = null;
  private liveTail: Task<unknown> | null = null;

  private readonly queue = new EventQueue();
  /**
   * True while a callback runs and its own (already fired) entry is still the heap's
   * top. The first event it schedules replaces that entry; if it schedules none, the
   * entry is popped after it returns. Event order is exactly that of pop-then-push.
   */
  private firedOnTop = false;
  private nextSeq = 0;
  // The slot table. `meta` keeps a slot's generation, trace kind, node and whether it
  // carries an argument side by side (one cache line per slot with 1e5 events pending);
  // `args` and `nums` are read only for atWith events.
  private fns: (Handler<unknown> | null)[] = [];
  private meta = new Int32Array(1024 * META);
  private args: unknown[] = [];
  private nums = new Float64Array(1024);
  private freeSlots: number[] = [];
  private taskIds = 0;
  private stopKind: StopKind | null = null;
  private failureInfo: RunFailure | null = null;
  /** Progress callback between events (see Pulse); null for none. */
  pulse: Pulse | null = null;

  /** `trace: false` runs untraced (no trace hash; see Trace): the same run, faster. */
  constructor(options: { checkpointEvery?: number; trace?: boolean } = {}) {
    this.trace = new Trace(options.checkpointEvery ?? 1024, options.trace ?? true);
  }

  /** Schedules `fn` at absolute time `atUs` (clamped to now). */
  at(atUs: Micros, fn: Callback, kind: Sym = K_TIMER, node: Sym = 0): TimerHandle {
    // A plain callback's slot carries no argument (its meta flag stays 0), so neither
    // args nor nums is written here or read when it fires.
    return this.enqueue(atUs, this.fill(fn, kind, node));
  }

  after(delayUs: Micros, fn: Callback, kind: Sym = K_TIMER, node: Sym = 0): TimerHandle {
    return this.enqueue(this.now + delayUs, this.fill(fn, kind, node));
  }

  /** Schedules `handler(arg, num)` at absolute time `atUs` (clamped to now). */
  atWith<T>(atUs: Micros, handler: Handler<T>, arg: T, num: number, kind: Sym = K_TIMER, node: Sym = 0): TimerHandle {
    const slot = this.fill(handler as Handler<unknown>, kind, node);
    this.meta[slot * META + 3] = 1;
    this.args[slot] = arg;
    this.nums[slot] = num;
    return this.enqueue(atUs, slot);
  }

  private fill(fn: Handler<unknown>, kind: Sym, node: Sym): number {
    const slot = this.allocSlot();
    this.fns[slot] = fn;
    const m = slot * META;
    this.meta[m + 1] = kind;
    this.meta[m + 2] = node;
    return slot;
  }

  private enqueue(atUs: Micros, slot: number): TimerHandle {
    // NaN compares false both ways: it would sift to the heap's top and set the clock to NaN.
    if (Number.isNaN(atUs)) {
      this.releaseSlot(slot);
      throw new RangeError("kernel.at: time is NaN");
    }
    const t = atUs < this.now ? this.now : atUs;
    if (this.firedOnTop) {
      // The event being fired still sits at the heap's top: overwrite it (one sift-down).
      this.firedOnTop = false;
      this.queue.replaceTop(t, this.nextSeq++, slot);
    } else {
      this.queue.push(t, this.nextSeq++, slot);
    }
    return this.meta[slot * META]! * SLOT_BITS + slot;
  }

  afterWith<T>(
    delayUs: Micros,
    handler: Handler<T>,
    arg: T,
    num: number,
    kind: Sym = K_TIMER,
    node: Sym = 0,
  ): TimerHandle {
    // atWith's body, not a call to it: every process resume comes through here, and the
    // extra call cost about 60 instructions a resume (cachegrind, hold model, 1,000 pending).
    const slot = this.fill(handler as Handler<unknown>, kind, node);
    this.meta[slot * META + 3] = 1;
    this.args[slot] = arg;
    this.nums[slot] = num;
    return this.enqueue(this.now + delayUs, slot);
  }

  /** Cancels a pending timer. Returns false if it already fired or was cancelled. */
  cancel(handle: TimerHandle): boolean {
    if (handle < 0) return false;
    const slot = handle % SLOT_BITS;
    const gen = (handle - slot) / SLOT_BITS;
    if (this.meta[slot * META] !== gen || this.fns[slot] === null || this.fns[slot] === undefined) return false;
    this.fns[slot] = null;
    this.args[slot] = undefined;
    return true;
  }

  get pendingEvents(): number {
    return this.queue.size - (this.firedOnTop ? 1 : 0);
  }

  spawn<T>(name: string, proc: Proc<T>, options: SpawnOptions = {}): Task<T> {
    const parent = options.parent === undefined ? this.current : options.parent;
    const task = new Task<T>(this, ++this.taskIds, name, proc, parent, options) as Task<unknown>;
    task.livePrev = this.liveTail;
    if (this.liveTail === null) this.liveHead = task;
    else this.liveTail.liveNext = task;
    this.liveTail = task;
    return task as Task<T>;
  }

  /** TaskScheduler: a task ended and leaves the live list. */
  taskEnded(task: Task<unknown>): void {
    const prev = task.livePrev;
    const next = task.liveNext;
    if (prev === null) this.liveHead = next;
    else prev.liveNext = next;
    if (next === null) this.liveTail = prev;
    else next.livePrev = prev;
    task.livePrev = null;
    task.liveNext = null;
  }

  /** Live processes in spawn order. */
  get live(): Task<unknown>[] {
    const out: Task<unknown>[] = [];
    for (let t = this.liveHead; t !== null; t = t.liveNext) out.push(t);
    return out;
  }

  /**
   * TaskScheduler: the trace symbol of a task's name. Untraced runs need none; a traced
   * run without a listener needs the number only, so the name is not remembered (task
   * paths are mostly one-off strings, and sym() would keep each for the life of the process).
   */
  taskSym(name: string): Sym {
    if (!this.trace.enabled) return 0;
    return this.trace.listener === null ? transientSym(name) : sym(name);
  }

  /** Ends the run with a failure (first failure wins). */
  fail(kind: RunFailure["kind"], message: string, processes: string[] = []): void {
    if (this.failureInfo !== null) return;
    this.failureInfo = { kind, message, atUs: this.now, seq: this.currentSeq, processes };
    this.stopKind = kind;
  }

  /** Ends the run normally after the current event. */
  stop(): void {
    if (this.stopKind === null) this.stopKind = "stopped";
  }

  get stopped(): boolean {
    return this.stopKind !== null;
  }

  get failure(): RunFailure | null {
    return this.failureInfo;
  }

  /**
   * Runs until the queue drains, `stop()` or `fail()` is called, or a limit is hit.
   * The determinism guard is on for the whole call. After a drain (queue empty) it may be
   * called again once more events are scheduled; after stop() or a failure the run is over.
   */
  run(limits: RunLimits = {}): RunOutcome {
    const maxEvents = limits.maxEvents ?? Number.POSITIVE_INFINITY;
    const maxTime = limits.maxTimeUs ?? Number.POSITIVE_INFINITY;
    // A forbidden call fails the run even if the process catches the guard's error.
    const restore = installDeterminismGuard(this.onGuardViolation);
    const previous = bindKernel(this);
    try {
      this.loop(maxEvents, maxTime);
    } finally {
      bindKernel(previous);
      restore();
    }
    return { stop: this.stopKind ?? "drained", failure: this.failureInfo, events: this.events, nowUs: this.now };
  }

  private loop(maxEvents: number, maxTime: number): void {
    const q = this.queue;
    const trace = this.trace;
    // One comparison per event covers both the event budget and the next pulse.
    let checkAt = this.nextCheck(maxEvents);
    while (this.stopKind === null) {
      if (q.size === 0) {
        this.checkDeadlock();
        return;
      }
      const at = q.peekAt();
      const seq = q.peekSeq();
      const slot = q.peekSlot();
      const fn = this.fns[slot]!;
      if (fn === null) {
        q.pop();
        this.releaseSlot(slot);
        continue;
      }
      if (at > maxTime) {
        this.fail(
          "liveness",
          `virtual time budget exhausted: next event at ${formatTime(at)} is past --max-time ${formatTime(maxTime)}`,
        );
        return;
      }
      if (this.events >= checkAt) {
        if (this.events >= maxEvents) {
          this.fail("liveness", `event budget exhausted: ${this.events} events fired (--max-events ${maxEvents})`);
          return;
        }
        this.pulse?.fn(this.events, this.now);
        checkAt = this.nextCheck(maxEvents);
      }
      const m = slot * META;
      const kind = this.meta[m + 1]!;
      const node = this.meta[m + 2]!;
      const withArg = this.meta[m + 3] !== 0;
      const arg = withArg ? this.args[slot] : undefined;
      const num = withArg ? this.nums[slot]! : 0;
      this.releaseSlot(slot);
      this.firedOnTop = true;
      this.now = at;
      this.currentSeq = seq;
      this.events++;
      // Kind 0 marks an event whose callback writes its own, richer record (deliveries).
      if (kind !== 0) trace.record(at, seq, kind, node, 0, 0, 0);
      try {
        fn(arg, num);
      } catch (error) {
        // A throwing callback is a bug in a scenario or model: fail the run, naming it,
        // rather than tearing through runScenario as an internal error.
        this.fail("failed", `event callback threw at ${formatTime(at)} (seq ${seq}): ${errorMessage(error)}`);
      }
      if (this.firedOnTop) {
        this.firedOnTop = false;
        q.pop();
      }
    }
  }

  private nextCheck(maxEvents: number): number {
    if (this.pulse === null) return maxEvents;
    const every = Math.max(1, this.pulse.everyEvents);
    return Math.min(maxEvents, (Math.floor(this.events / every) + 1) * every);
  }

  private checkDeadlock(): void {
    const waiting: string[] = [];
    for (let task = this.liveHead; task !== null; task = task.liveNext) {
      if (!task.daemon) waiting.push(`${task.name} (waiting on ${task.waitingOn()})`);
    }
    if (waiting.length > 0) {
      this.fail(
        "deadlock",
        `deadlock: the event queue is empty while ${waiting.length} process(es) wait: ${waiting.slice(0, 20).join("; ")}${waiting.length > 20 ? "; ..." : ""}`,
        waiting,
      );
    }
  }

  private readonly onGuardViolation = (error: NondeterminismError): void => {
    const task = this.current;
    this.fail(
      "failed",
      task === null ? error.message : `process "${task.name}": ${error.message}`,
      task === null ? [] : [task.name],
    );
  };

  /** Called by a task whose failure nobody awaits. */
  unhandledFailure(task: Task<unknown>, error: unknown): void {
    this.fail("failed", `process "${task.name}" failed: ${errorMessage(error)}`, [task.name]);
  }

  private allocSlot(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    const slot = this.fns.length;
    if (slot >= SLOT_BITS) throw new Error("kernel: more than 2^24 pending events");
    this.fns.push(null);
    this.args.push(undefined);
    if (slot >= this.nums.length) this.growSlots();
    return slot;
  }

  private releaseSlot(slot: number): void {
    this.fns[slot] = null;
    const m = slot * META;
    if (this.meta[m + 3] !== 0) {
      this.meta[m + 3] = 0;
      this.args[slot] = undefined; // let the message or payload go
    }
    this.meta[m] = (this.meta[m]! + 1) & GEN_MASK;
    this.freeSlots.push(slot);
  }

  private growSlots(): void {
    const cap = this.nums.length * 2;
    const meta = new Int32Array(cap * META);
    const nums = new Float64Array(cap);
    meta.set(this.meta);
    nums.set(this.nums);
    this.meta = meta;
    this.nums = nums;
  }
}
