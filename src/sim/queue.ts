// The event queue: a binary min-heap ordered by (at, seq) over typed arrays, so pushing
// and popping allocate nothing. `seq` is a global insertion counter, which makes events
// at equal times fire in FIFO order and gives every event a stable identity.
//
// A payload slot (an index into a caller-owned table) travels with each entry.
// Cancellation is lazy: the owner clears its slot and the entry is skipped when popped.

export class EventQueue {
  private at: Float64Array;
  private seq: Float64Array;
  private slot: Int32Array;
  private count = 0;

  constructor(initialCapacity = 1024) {
    this.at = new Float64Array(initialCapacity);
    this.seq = new Float64Array(initialCapacity);
    this.slot = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.count;
  }

  push(at: number, seq: number, slot: number): void {
    if (this.count === this.at.length) this.grow();
    let i = this.count++;
    const atArr = this.at;
    const seqArr = this.seq;
    const slotArr = this.slot;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pAt = atArr[parent]!;
      if (pAt < at || (pAt === at && seqArr[parent]! < seq)) break;
      atArr[i] = pAt;
      seqArr[i] = seqArr[parent]!;
      slotArr[i] = slotArr[parent]!;
      i = parent;
    }
    atArr[i] = at;
    seqArr[i] = seq;
    slotArr[i] = slot;
  }

  /** Time of the earliest entry; only valid when size > 0. */
  peekAt(): number {
    return this.at[0]!;
  }
  peekSeq(): number {
    return this.seq[0]!;
  }
  peekSlot(): number {
    return this.slot[0]!;
  }

  /** Removes the earliest entry (read it with peek* first). */
  pop(): void {
    const last = --this.count;
    if (last === 0) return;
    const atArr = this.at;
    const seqArr = this.seq;
    const slotArr = this.slot;
    const at = atArr[last]!;
    const seq = seqArr[last]!;
    const slot = slotArr[last]!;
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      let cAt = atArr[child]!;
      let cSeq = seqArr[child]!;
      const right = child + 1;
      if (right < last) {
        const rAt = atArr[right]!;
        if (rAt < cAt || (rAt === cAt && seqArr[right]! < cSeq)) {
          child = right;
          cAt = rAt;
          cSeq = seqArr[right]!;
        }
      }
      if (at < cAt || (at === cAt && seq < cSeq)) break;
      atArr[i] = cAt;
      seqArr[i] = cSeq;
      slotArr[i] = slotArr[child]!;
      i = child;
    }
    atArr[i] = at;
    seqArr[i] = seq;
    slotArr[i] = slot;
  }

  clear(): void {
    this.count = 0;
  }

  private grow(): void {
    // Math.max: a queue built with capacity 0 must still grow (0 * 2 stays 0).
    const cap = Math.max(8, this.at.length * 2);
    const at = new Float64Array(cap);
    const seq = new Float64Array(cap);
    const slot = new Int32Array(cap);
    at.set(this.at);
    seq.set(this.seq);
    slot.set(this.slot);
    this.at = at;
    this.seq = seq;
    this.slot = slot;
  }
}
