// The decoded run prepared for drawing: each copy's family, its time span, and a fast
// query for the copies a time window shows. Copies are stored in the order they entered
// the network, which is start-time order, so a window is a binary search away; the few
// that lasted long (held by a clog, stuck behind a pause) are kept in a list of their own
// so the search can stay narrow.

import type { DecodedRun } from "../model/codec.js";

/** Copies that span longer than this are "long" and checked separately. */
const LONG_US = 1_000_000;

export class Scene {
  readonly families: string[];
  /** Index into `families`, per copy. */
  readonly familyOf: Uint8Array;
  private readonly order: Int32Array | null;
  private readonly longCopies: Int32Array;

  constructor(readonly run: DecodedRun) {
    const { header, copies: c, messages: m } = run;
    this.families = [...new Set(header.typeFamilies)];
    const famIndex = header.typeFamilies.map((f) => this.families.indexOf(f));
    this.familyOf = new Uint8Array(header.copyCount);
    const long: number[] = [];
    let sorted = true;
    for (let i = 0; i < header.copyCount; i++) {
      this.familyOf[i] = famIndex[m.type[c.msg[i]!]!]!;
      if (c.endUs[i]! - c.startUs[i]! > LONG_US) long.push(i);
      if (i > 0 && c.startUs[i]! < c.startUs[i - 1]!) sorted = false;
    }
    this.longCopies = Int32Array.from(long);
    this.order = sorted ? null : this.sortedOrder();
  }

  /** Only a run read from an out-of-order trace needs this. */
  private sortedOrder(): Int32Array {
    const s = this.run.copies.startUs;
    const order = Int32Array.from({ length: s.length }, (_, i) => i);
    order.sort((a, b) => s[a]! - s[b]! || a - b);
    return order;
  }

  private startAt(k: number): number {
    return this.run.copies.startUs[this.order === null ? k : this.order[k]!]!;
  }

  /** The first position whose start is >= t. */
  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.run.header.copyCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.startAt(mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Writes into `out` (sized for every copy) the copies passing `mask` whose span meets [t0, t1]; returns how many. */
  visible(t0: number, t1: number, mask: Uint8Array, out: Int32Array): number {
    const c = this.run.copies;
    let n = 0;
    const hi = this.lowerBound(t1 + 1);
    for (let k = this.lowerBound(t0 - LONG_US); k < hi; k++) {
      const i = this.order === null ? k : this.order[k]!;
      if (mask[i] === 0 || c.endUs[i]! < t0 || c.endUs[i]! - c.startUs[i]! > LONG_US) continue;
      out[n++] = i;
    }
    for (const i of this.longCopies) {
      if (mask[i] === 0 || c.startUs[i]! > t1 || c.endUs[i]! < t0) continue;
      out[n++] = i;
    }
    return n;
  }
}
