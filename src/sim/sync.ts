// Synchronisation primitives for processes: FIFO Semaphore and Lock, and a bounded
// Channel with an overflow policy. Waiters are served strictly in arrival order; a
// permit or item handed to a waiter that is interrupted before it resumes is given back.

import type { Op, Proc, Task } from "./process.js";
import { activeKernel } from "./kernel.js";
import { AcquireStep } from "./one-step.js";

type Waiter = { task: Task<unknown>; token: number };

class WaitQueue {
  private items: Waiter[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(w: Waiter): void {
    this.items.push(w);
  }
  shift(): Waiter | undefined {
    if (this.head >= this.items.length) return undefined;
    const w = this.items[this.head++];
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return w;
  }
  remove(task: Task<unknown>): boolean {
    for (let i = this.head; i < this.items.length; i++) {
      if (this.items[i]!.task === task) {
        this.items.splice(i, 1);
        return true;
      }
    }
    return false;
  }
}

export class Semaphore {
  private available: number;
  private readonly waiters = new WaitQueue();
  private readonly op: Op;

  constructor(
    readonly permits: number,
    readonly label = "semaphore",
  ) {
    if (!Number.isInteger(permits) || permits < 0)
      throw new RangeError(`Semaphore ${label}: permits must be a non-negative integer, got ${permits}`);
    this.available = permits;
    const waiters = this.waiters;
    this.op = {
      what: `acquire ${label}`,
      arm: (task, token) => waiters.push({ task, token }),
      disarm: (task, granted) => {
        if (granted) this.release();
        else waiters.remove(task);
      },
    };
  }

  get availablePermits(): number {
    return this.available;
  }
  get waiting(): number {
    return this.waiters.length;
  }
  get inUse(): number {
    return this.permits - this.available;
  }

  tryAcquire(): boolean {
    if (this.available > 0 && this.waiters.length === 0) {
      this.available--;
      return true;
    }
    return false;
  }

  /** `yield* sem.acquire()`: a permit at once if one is free and nobody waits, else in FIFO order. */
  acquire(): Proc<void> {
    return new AcquireStep(this, this.op);
  }

  release(): void {
    const next = this.waiters.shift();
    if (next !== undefined) {
      next.task.wake(next.token);
      return;
    }
    if (this.available >= this.permits) throw new Error(`Semaphore ${this.label}: released more than acquired`);
    this.available++;
  }

  /** Runs `body` holding one permit; the permit is released however `body` ends. */
  *withPermit<T>(body: Proc<T>): Proc<T> {
    yield* this.acquire();
    try {
      return yield* body;
    } finally {
      this.release();
    }
  }
}

/** A FIFO mutex. `holder` names the task holding it (for deadlock reports and assertions). */
export class Lock {
  private readonly sem: Semaphore;
  holder: Task<unknown> | null = null;

  constructor(readonly label = "lock") {
    this.sem = new Semaphore(1, label);
  }
  get locked(): boolean {
    return this.sem.availablePermits === 0;
  }
  /** Acquires for `owner` (the running task by default, when there is one). */
  *acquire(owner: Task<unknown> | null = activeKernel()?.current ?? null): Proc<void> {
    yield* this.sem.acquire();
    this.holder = owner;
  }
  release(): void {
    this.holder = null;
    this.sem.release();
  }
  *withLock<T>(body: Proc<T>): Proc<T> {
    yield* this.acquire();
    try {
      return yield* body;
    } finally {
      this.release();
    }
  }
}

export type OverflowPolicy = "block" | "drop-oldest" | "drop-newest" | "reject";
export type OfferResult = "queued" | "delivered" | "dropped-oldest" | "dropped-newest" | "rejected";

const CLOSED: unknown = Symbol("channel-closed");
/** The wake value of a blocked sender that has been promised a buffer slot. */
const SPACE: unknown = Symbol("channel-space");

export class ChannelClosed extends Error {
  override readonly name = "ChannelClosed";
}

/**
 * A bounded FIFO channel. When full: `block` makes `send` wait; `drop-oldest` evicts the
 * head; `drop-newest` discards the new item; `reject` refuses it (offer returns "rejected").
 *
 * Blocked senders are served in arrival order: a freed slot is reserved for the first
 * waiting sender when it is woken, so a sender arriving before it resumes cannot take
 * the slot, and waits behind it.
 */
export class Channel<T> {
  private buffer: T[] = [];
  private closed = false;
  private readonly receivers = new WaitQueue();
  private readonly senders = new WaitQueue();
  private readonly recvOp: Op;
  private readonly sendOp: Op;
  /** Buffer slots promised to woken senders that have not resumed yet. */
  private reserved = 0;
  dropped = 0;

  constructor(
    readonly capacity: number,
    readonly policy: OverflowPolicy = "block",
    readonly label = "channel",
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`Channel ${label}: capacity must be a positive integer, got ${capacity}`);
    this.recvOp = {
      what: `recv on ${label}`,
      arm: (task, token) => this.receivers.push({ task, token }),
      disarm: (task, granted) => {
        // A receiver woken with an item that it never took: hand the item to the next
        // waiting receiver, or put it back in front of the buffer. (Only buffering it
        // would strand it while other receivers wait on an empty-looking channel.)
        if (!granted) this.receivers.remove(task);
        else if (task.pendingWakeValue !== CLOSED) this.returnItem(task.pendingWakeValue as T);
      },
    };
    this.sendOp = {
      what: `send on ${label} (full)`,
      arm: (task, token) => this.senders.push({ task, token }),
      disarm: (task, granted) => {
        if (!granted) this.senders.remove(task);
        else if (task.pendingWakeValue === SPACE) {
          this.reserved--;
          this.passSpace();
        }
      },
    };
  }

  get length(): number {
    return this.buffer.length;
  }
  get isClosed(): boolean {
    return this.closed;
  }

  /** Non-blocking send following the policy (`block` behaves like `reject` here). */
  offer(item: T): OfferResult {
    if (this.closed) throw new ChannelClosed(`send on closed channel ${this.label}`);
    const receiver = this.receivers.shift();
    if (receiver !== undefined) {
      receiver.task.wake(receiver.token, item);
      return "delivered";
    }
    if (this.buffer.length + this.reserved < this.capacity) {
      this.buffer.push(item);
      return "queued";
    }
    this.dropped++;
    switch (this.policy) {
      case "drop-oldest":
        this.buffer.shift();
        this.buffer.push(item);
        return "dropped-oldest";
      case "drop-newest":
        return "dropped-newest";
      case "reject":
      case "block":
        return "rejected";
    }
  }

  /** Sends, waiting for space under the `block` policy. Returns what happened to the item. */
  *send(item: T): Proc<OfferResult> {
    if (this.policy !== "block") return this.offer(item);
    if (this.mustWait()) {
      const why = yield this.sendOp;
      if (why === SPACE) {
        this.reserved--;
        return this.put(item);
      }
    }
    return this.offer(item); // not full, or closed (offer throws ChannelClosed)
  }

  /** A blocking sender waits when the channel is full or other senders are ahead of it. */
  private mustWait(): boolean {
    if (this.closed) return false;
    if (this.reserved > 0 || this.senders.length > 0) return true;
    return this.receivers.length === 0 && this.buffer.length >= this.capacity;
  }

  /** A sender with a reserved slot: hand the item to a receiver (freeing the slot) or buffer it. */
  private put(item: T): OfferResult {
    if (this.closed) throw new ChannelClosed(`send on closed channel ${this.label}`);
    const receiver = this.receivers.shift();
    if (receiver === undefined) {
      this.buffer.push(item);
      return "queued";
    }
    receiver.task.wake(receiver.token, item);
    this.passSpace();
    return "delivered";
  }

  *recv(): Proc<T> {
    if (this.buffer.length > 0) return this.take();
    if (this.closed) throw new ChannelClosed(`recv on closed channel ${this.label}`);
    const handed = yield this.recvOp;
    if (handed === CLOSED) throw new ChannelClosed(`recv on closed channel ${this.label}`);
    return handed as T;
  }

  close(): void {
    this.closed = true;
    for (let r = this.receivers.shift(); r !== undefined; r = this.receivers.shift()) r.task.wake(r.token, CLOSED);
    for (let s = this.senders.shift(); s !== undefined; s = this.senders.shift()) s.task.wake(s.token, CLOSED);
  }

  private take(): T {
    const item = this.buffer.shift() as T;
    this.passSpace();
    return item;
  }

  private returnItem(item: T): void {
    const next = this.receivers.shift();
    if (next !== undefined) next.task.wake(next.token, item);
    else this.buffer.unshift(item);
  }

  /** Wakes waiting senders, in order, for as many slots as are free and unpromised. */
  private passSpace(): void {
    while (this.buffer.length + this.reserved < this.capacity) {
      const sender = this.senders.shift();
      if (sender === undefined) return;
      this.reserved++;
      sender.task.wake(sender.token, SPACE);
    }
  }
}
