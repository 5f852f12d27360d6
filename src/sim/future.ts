// One-shot futures and resettable events: the basic things a process waits for.

import type { Op, Proc, Task } from "./process.js";

type Waiter = { task: Task<unknown>; token: number };

/** Wakes every waiter; used by Future and SimEvent. */
class WaiterList implements Op {
  private waiters: Waiter[] = [];
  constructor(readonly what: string) {}
  arm(task: Task<unknown>, token: number): void {
    this.waiters.push({ task, token });
  }
  disarm(task: Task<unknown>): void {
    const i = this.waiters.findIndex((w) => w.task === task);
    if (i >= 0) this.waiters.splice(i, 1);
  }
  wakeAll(): void {
    const list = this.waiters;
    this.waiters = [];
    for (const w of list) w.task.wake(w.token);
  }
  get count(): number {
    return this.waiters.length;
  }
}

export class Future<T> {
  private settled = false;
  private ok = false;
  private value: T | undefined;
  private error: unknown;
  private readonly waiters: WaiterList;

  constructor(readonly label = "future") {
    this.waiters = new WaiterList(`future ${label}`);
  }

  get isSettled(): boolean {
    return this.settled;
  }

  resolve(value: T): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.ok = true;
    this.value = value;
    this.waiters.wakeAll();
    return true;
  }

  reject(error: unknown): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.error = error;
    this.waiters.wakeAll();
    return true;
  }

  /** Waits for the future; returns its value or throws its error. */
  *wait(): Proc<T> {
    if (!this.settled) yield this.waiters;
    if (!this.ok) throw this.error;
    return this.value as T;
  }
}

/** A flag processes can wait on; `set` wakes all waiters, `clear` re-arms it. */
export class SimEvent {
  private flag = false;
  private readonly waiters: WaiterList;

  constructor(readonly label = "event") {
    this.waiters = new WaiterList(`event ${label}`);
  }

  get isSet(): boolean {
    return this.flag;
  }

  set(): void {
    if (this.flag) return;
    this.flag = true;
    this.waiters.wakeAll();
  }

  clear(): void {
    this.flag = false;
  }

  /** Returns once the event is set; a waiter woken by `set` proceeds even if `clear` followed at once. */
  *wait(): Proc<void> {
    if (!this.flag) yield this.waiters;
  }
}
