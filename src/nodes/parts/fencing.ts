// Fence tokens (PROTOCOL.md §5.24). A FenceTracker keeps, per key, the highest token
// accepted so far, starting at −1 so 0 is the first acceptable value; only a strictly
// greater token is accepted and keys are independent (workers use one key per
// sub-workflow for dispatch and one per job for transfers). A FenceCounter hands out the
// strictly increasing tokens of one job on the job leader's side.
//
// A token is remembered after its work is over, so a late copy of an old dispatch is
// still refused; `forgetOlderThan` bounds the memory (a key untouched for the retention
// is dropped, and a message older than that is out of the model's reach).

export class FenceTracker {
  private readonly last = new Map<string, { token: number; touchedUs: number }>();

  current(key: string): number {
    return this.last.get(key)?.token ?? -1;
  }

  /** Accepts and records `token` when it is strictly greater than the last one. */
  accept(key: string, token: number, nowUs = 0): boolean {
    if (token <= this.current(key)) return false;
    this.last.set(key, { token, touchedUs: nowUs });
    return true;
  }

  /** Raises the floor without accepting anything (e.g. a transfer seen for the job). */
  raise(key: string, token: number, nowUs = 0): void {
    if (token > this.current(key)) this.last.set(key, { token, touchedUs: nowUs });
  }

  /** Keeps a key's token from expiring while its work is still live. */
  touch(key: string, nowUs: number): void {
    const entry = this.last.get(key);
    if (entry !== undefined) entry.touchedUs = nowUs;
  }

  forget(key: string): void {
    this.last.delete(key);
  }

  /** Drops keys untouched since `cutoffUs` for which `keep` is false; returns how many. */
  forgetOlderThan(cutoffUs: number, keep: (key: string) => boolean): number {
    let dropped = 0;
    for (const [key, entry] of [...this.last]) {
      if (entry.touchedUs >= cutoffUs || keep(key)) continue;
      this.last.delete(key);
      dropped++;
    }
    return dropped;
  }

  get size(): number {
    return this.last.size;
  }

  keys(): IterableIterator<string> {
    return this.last.keys();
  }
}

/** Tokens per leadership epoch: 2^20 dispatches per job per term before epochs overlap. */
export const EPOCH_STRIDE = 1_048_576;

export class FenceCounter {
  constructor(private value = 0) {}

  /**
   * Moves the counter into a leadership epoch (the DC leader's term, AD-10): every token a
   * later term's leader hands out is above every token of an earlier term, even when the
   * earlier leader's last tokens never reached the replicas.
   */
  enterEpoch(epoch: number): void {
    this.atLeast(epoch * EPOCH_STRIDE);
  }

  get current(): number {
    return this.value;
  }

  next(): number {
    return ++this.value;
  }

  /** Never lowers the counter: used when a takeover learns of higher tokens. */
  atLeast(token: number): void {
    if (token > this.value) this.value = token;
  }
}
