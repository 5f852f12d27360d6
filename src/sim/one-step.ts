// One-step processes without a generator (issue 22). `yield* sleep(d)`, `yield* join(t)`
// and `yield* semaphore.acquire()` each yield at most once, yet as generators each call
// allocated a generator object with its own frame, and every resume went through one more
// level of delegation: about 600 instructions a level, measured under cachegrind. These
// iterators are one small object and a plain method call. They behave as the generators
// did: nothing happens before the first `next()`, an error thrown in at the yield point
// propagates unchanged, and they may be iterated once.

import type { Op, Proc, Task, Yielded } from "./process.js";

const DONE: IteratorReturnResult<undefined> = Object.freeze({
  value: undefined,
  done: true,
}) as IteratorReturnResult<undefined>;

abstract class OneStep<T> implements Proc<T> {
  /** 0: not started; 1: suspended at its one yield; 2: finished. */
  protected stage = 0;

  /** The first step: a value to yield, or the finished result. */
  protected abstract start(): IteratorResult<Yielded, T>;
  /** The step after the yield: the finished result (or a throw). */
  protected abstract resumed(): IteratorResult<Yielded, T>;

  next(): IteratorResult<Yielded, T> {
    if (this.stage === 0) {
      this.stage = 1;
      const r = this.start();
      if (r.done === true) this.stage = 2;
      return r;
    }
    if (this.stage === 1) {
      this.stage = 2;
      return this.resumed();
    }
    return DONE as IteratorResult<Yielded, T>;
  }

  throw(error: unknown): IteratorResult<Yielded, T> {
    this.stage = 2;
    throw error;
  }

  return(value?: T | PromiseLike<T>): IteratorResult<Yielded, T> {
    this.stage = 2;
    return { value: value as T, done: true };
  }

  [Symbol.iterator](): this {
    return this;
  }

  // Generator's type also names these; a plain iterator never needs them.
  declare [Symbol.toStringTag]: string;
}

/** `yield* sleep(d)`: yields the duration once. */
export class SleepStep extends OneStep<void> {
  constructor(private readonly durationUs: number) {
    super();
  }
  protected start(): IteratorResult<Yielded, void> {
    return { value: this.durationUs, done: false };
  }
  protected resumed(): IteratorResult<Yielded, void> {
    return DONE;
  }
}

/** Waits for one task's end: the task is told about the waiter directly (no closure). */
class JoinOp implements Op {
  constructor(private readonly task: Task<unknown>) {}
  get what(): string {
    return `join ${this.task.name}`;
  }
  arm(waiter: Task<unknown>, token: number): void {
    this.task.notifyOnDone(waiter, token);
  }
  disarm(): void {
    // The registration stays; a stale token makes its wake a no-op.
  }
}

/** `yield* join(task)`: the task's result, or its error thrown. */
export class JoinStep<T> extends OneStep<T> {
  constructor(private readonly task: Task<T>) {
    super();
  }
  protected start(): IteratorResult<Yielded, T> {
    this.task.handled = true;
    if (!this.task.done) return { value: new JoinOp(this.task as Task<unknown>), done: false };
    return this.resumed();
  }
  protected resumed(): IteratorResult<Yielded, T> {
    if (this.task.state === "done") return { value: this.task.result as T, done: true };
    throw this.task.error;
  }
}

/** `yield* semaphore.acquire()`: takes a permit at once if free, else waits once on `op`. */
export class AcquireStep extends OneStep<void> {
  constructor(
    private readonly from: { tryAcquire(): boolean },
    private readonly op: Op,
  ) {
    super();
  }
  protected start(): IteratorResult<Yielded, void> {
    return this.from.tryAcquire() ? DONE : { value: this.op, done: false };
  }
  protected resumed(): IteratorResult<Yielded, void> {
    return DONE;
  }
}
