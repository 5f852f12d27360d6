// Unit tests of the kernel's EventQueue: order by (time, sequence).

import { describe, expect, it } from "vitest";
import { EventQueue, Rng } from "../../src/sim/index.js";

type Entry = { at: number; seq: number; slot: number };

function drain(q: EventQueue): Entry[] {
  const out: Entry[] = [];
  while (q.size > 0) {
    out.push({ at: q.peekAt(), seq: q.peekSeq(), slot: q.peekSlot() });
    q.pop();
  }
  return out;
}

const bySortKey = (a: Entry, b: Entry): number => a.at - b.at || a.seq - b.seq;

describe("EventQueue", () => {
  it("pops random inserts in (at, seq) order, equal times FIFO by seq, matching a sorted reference", () => {
    const rng = Rng.fromSeed(11);
    for (let round = 0; round < 20; round++) {
      const q = new EventQueue();
      const ref: Entry[] = [];
      const n = rng.int(1, 3000);
      // Few distinct times so many entries tie and FIFO order is exercised.
      const timeSpan = rng.pick([3, 50, 1_000_000]);
      for (let seq = 0; seq < n; seq++) {
        const e = { at: rng.int(0, timeSpan), seq, slot: seq };
        q.push(e.at, e.seq, e.slot);
        ref.push(e);
      }
      expect(drain(q)).toEqual(ref.sort(bySortKey));
    }
  });

  it("keeps order when pops and pushes interleave (a running simulation's pattern)", () => {
    const rng = Rng.fromSeed(12);
    const q = new EventQueue();
    const pending: Entry[] = []; // the reference: kept sorted by insertion at the right place
    const popped: Entry[] = [];
    const expected: Entry[] = [];
    let seq = 0;
    let now = 0;
    for (let step = 0; step < 8_000; step++) {
      if (q.size === 0 || rng.chance(3, 5)) {
        const e = { at: now + rng.int(0, 20), seq: seq++, slot: step };
        q.push(e.at, e.seq, e.slot);
        let i = pending.length;
        while (i > 0 && bySortKey(pending[i - 1]!, e) > 0) i--;
        pending.splice(i, 0, e);
      } else {
        expected.push(pending.shift()!);
        popped.push({ at: q.peekAt(), seq: q.peekSeq(), slot: q.peekSlot() });
        now = q.peekAt();
        q.pop();
      }
    }
    expect(popped).toEqual(expected);
    expect(drain(q)).toEqual(pending);
  });

  it("grows past its initial capacity without losing or reordering entries", () => {
    for (const capacity of [0, 1, 2, 16]) {
      const q = new EventQueue(capacity);
      const ref: Entry[] = [];
      for (let seq = 0; seq < 5000; seq++) {
        const e = { at: (seq * 7919) % 1013, seq, slot: seq };
        q.push(e.at, e.seq, e.slot);
        ref.push(e);
      }
      expect(q.size).toBe(5000);
      expect(drain(q)).toEqual(ref.sort(bySortKey));
    }
  });

  it("keeps full precision for times and sequence numbers beyond 2^32", () => {
    const q = new EventQueue(4);
    const big = 2 ** 40;
    q.push(big + 1, 2 ** 33 + 1, 1);
    q.push(big, 2 ** 33 + 2, 2);
    q.push(big + 1, 2 ** 33, 3);
    expect(drain(q).map((e) => e.slot)).toEqual([2, 3, 1]);
  });
});
