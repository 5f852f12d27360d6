// A bounded pool of reusable resources (connections, sessions) with an async lifecycle:
// resources are created on demand up to `maxSize`, handed back for reuse, and closed on
// shutdown — idle ones at once, leased ones as soon as they come back. A lease is
// returned however the borrowing body ends (value, exception or cancellation).

import { SimEvent, Semaphore, shield, type Proc } from "../sim/index.js";

export interface PoolOptions<R> {
  name: string;
  maxSize: number;
  create: (serial: number) => Proc<R>;
  close: (resource: R) => Proc<void>;
}

export class PoolClosed extends Error {
  override readonly name = "PoolClosed";
}

export class ResourcePool<R> {
  readonly stats = { created: 0, reused: 0, closed: 0, leases: 0 };
  private readonly idle: R[] = [];
  private readonly leased = new Set<R>();
  private readonly slots: Semaphore;
  private readonly drained = new SimEvent("pool drained");
  private closing = false;
  private closesInFlight = 0;
  private serials = 0;

  constructor(private readonly options: PoolOptions<R>) {
    this.slots = new Semaphore(options.maxSize, `${options.name} slots`);
    this.drained.set();
  }

  get idleCount(): number {
    return this.idle.length;
  }
  get leasedCount(): number {
    return this.leased.size;
  }
  get isClosed(): boolean {
    return this.closing;
  }

  /** Borrows a resource for `body`; it goes back to the pool however `body` ends. */
  *use<T>(body: (resource: R) => Proc<T>): Proc<T> {
    const resource = yield* this.acquire();
    try {
      return yield* body(resource);
    } finally {
      yield* this.giveBack(resource);
    }
  }

  /** Closes idle resources now and leased ones as they return; waits until all are closed. */
  *shutdown(): Proc<void> {
    this.closing = true;
    while (this.idle.length > 0) yield* this.closeOne(this.idle.shift()!);
    yield* this.drained.wait();
  }

  private *acquire(): Proc<R> {
    if (this.closing) throw new PoolClosed(`pool ${this.options.name} is shut down`);
    yield* this.slots.acquire();
    try {
      if (this.closing) throw new PoolClosed(`pool ${this.options.name} shut down while waiting`);
      let resource = this.idle.pop(); // most recently used first: warm resources stay warm
      if (resource === undefined) {
        // The serial is taken before creating: creations run concurrently.
        resource = yield* this.options.create(++this.serials);
        this.stats.created++;
      } else this.stats.reused++;
      this.leased.add(resource);
      this.drained.clear();
      this.stats.leases++;
      return resource;
    } catch (error) {
      this.slots.release();
      throw error;
    }
  }

  private *giveBack(resource: R): Proc<void> {
    this.leased.delete(resource);
    this.slots.release();
    if (!this.closing) {
      this.idle.push(resource);
      this.updateDrained();
      return;
    }
    // Closing is shielded so a second cancel cannot leave it half done; the deferred
    // cancel is thrown right after the shield, hence the bookkeeping in `finally`.
    this.closesInFlight++;
    try {
      yield* shield(this.closeOne(resource));
    } finally {
      this.closesInFlight--;
      this.updateDrained();
    }
  }

  private updateDrained(): void {
    if (this.leased.size === 0 && this.closesInFlight === 0) this.drained.set();
  }

  private *closeOne(resource: R): Proc<void> {
    yield* this.options.close(resource);
    this.stats.closed++;
  }
}
