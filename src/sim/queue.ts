// The event queue: a binary min-heap ordered by (at, seq) over one typed array, so
// pushing and popping allocate nothing. `seq` is a global insertion counter, which makes
// events at equal times fire in FIFO order and gives every event a stable identity.
//
// Each entry is three adjacent doubles (at, seq, slot): with 100,000 pending events the
// heap is memory-bound, and one cache line per level beats three parallel arrays.
//
// A payload slot (an index into a caller-owned table) travels with each entry.
// Cancellation is lazy: the owner clears its slot and the entry is skipped when popped.

const STRIDE = 3;

export class EventQueue {
  private heap: Float64Array;
  private count = 0;

  constructor(initialCapacity = 1024) {
    this.heap = new Float64Array(Math.max(0, initialCapacity) * STRIDE);
  }

  get size(): number {
    return this.count;
  }

  push(at: number, seq: number, slot: number): void {
    if ((this.count + 1) * STRIDE > this.heap.length) this.grow();
    const h = this.heap;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = parent * STRIDE;
      const pAt = h[p]!;
      if (pAt < at || (pAt === at && h[p + 1]! < seq)) break;
      const c = i * STRIDE;
      h[c] = pAt;
      h[c + 1] = h[p + 1]!;
      h[c + 2] = h[p + 2]!;
      i = parent;
    }
    const c = i * STRIDE;
    h[c] = at;
    h[c + 1] = seq;
    h[c + 2] = slot;
  }

  /** Time of the earliest entry; only valid when size > 0. */
  peekAt(): number {
    return this.heap[0]!;
  }
  peekSeq(): number {
    return this.heap[1]!;
  }
  peekSlot(): number {
    return this.heap[2]!;
  }

  /** Removes the earliest entry (read it with peek* first). */
  pop(): void {
    const last = --this.count;
    if (last === 0) return;
    const h = this.heap;
    const l = last * STRIDE;
    this.siftDown(h[l]!, h[l + 1]!, h[l + 2]!, last);
  }

  /**
   * Replaces the earliest entry with a new one (heapq's heapreplace): one sift-down
   * instead of a pop and a push. The new entry may sort anywhere.
   */
  replaceTop(at: number, seq: number, slot: number): void {
    this.siftDown(at, seq, slot, this.count);
  }

  /** Places (at, seq, slot) starting from the root of a heap of `last` entries. */
  private siftDown(at: number, seq: number, slot: number, last: number): void {
    const h = this.heap;
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      let c = child * STRIDE;
      let cAt = h[c]!;
      let cSeq = h[c + 1]!;
      if (child + 1 < last) {
        const r = c + STRIDE;
        const rAt = h[r]!;
        if (rAt < cAt || (rAt === cAt && h[r + 1]! < cSeq)) {
          child++;
          c = r;
          cAt = rAt;
          cSeq = h[r + 1]!;
        }
      }
      if (at < cAt || (at === cAt && seq < cSeq)) break;
      const d = i * STRIDE;
      h[d] = cAt;
      h[d + 1] = cSeq;
      h[d + 2] = h[c + 2]!;
      i = child;
    }
    const d = i * STRIDE;
    h[d] = at;
    h[d + 1] = seq;
    h[d + 2] = slot;
  }

  clear(): void {
    this.count = 0;
  }

  private grow(): void {
    // Math.max: a queue built with capacity 0 must still grow (0 * 2 stays 0).
    const heap = new Float64Array(Math.max(8 * STRIDE, this.heap.length * 2));
    heap.set(this.heap);
    this.heap = heap;
  }
}
