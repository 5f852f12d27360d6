// Accounting for memory a task allocates: every allocation is recorded with its owner
// and freed exactly once, so a test can prove that work ending by failure or
// cancellation gave back everything it took (no leak) and nothing twice.

import type { Proc } from "../sim/index.js";

export interface Allocation {
  readonly id: number;
  readonly owner: string;
  readonly bytes: number;
  freed: boolean;
}

export class MemoryLedger {
  inUseBytes = 0;
  peakBytes = 0;
  allocations = 0;
  frees = 0;
  doubleFrees = 0;
  private readonly live = new Map<number, Allocation>();
  private nextId = 0;

  constructor(
    readonly limitBytes = Number.POSITIVE_INFINITY,
    /** Observes every free (e.g. to record when a task gave its memory back). */
    private readonly onFree: ((a: Allocation) => void) | null = null,
  ) {}

  allocate(owner: string, bytes: number): Allocation {
    if (!Number.isSafeInteger(bytes) || bytes <= 0)
      throw new RangeError(`allocate: bytes must be a positive integer, got ${bytes}`);
    if (this.inUseBytes + bytes > this.limitBytes)
      throw new RangeError(`${owner}: allocating ${bytes} B would exceed the ${this.limitBytes} B limit`);
    const a: Allocation = { id: ++this.nextId, owner, bytes, freed: false };
    this.live.set(a.id, a);
    this.inUseBytes += bytes;
    this.peakBytes = Math.max(this.peakBytes, this.inUseBytes);
    this.allocations++;
    return a;
  }

  free(a: Allocation): void {
    if (a.freed) {
      this.doubleFrees++;
      return;
    }
    a.freed = true;
    this.live.delete(a.id);
    this.inUseBytes -= a.bytes;
    this.frees++;
    this.onFree?.(a);
  }

  /** Runs `body` with `bytes` allocated; freed however `body` ends. */
  *withAllocation<T>(owner: string, bytes: number, body: (a: Allocation) => Proc<T>): Proc<T> {
    const a = this.allocate(owner, bytes);
    try {
      return yield* body(a);
    } finally {
      this.free(a);
    }
  }

  /** Owners still holding memory, in allocation order. */
  leaks(): Allocation[] {
    return [...this.live.values()];
  }
}
