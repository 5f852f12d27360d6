// The viewer's varints: every whole number below 2^53 and its zigzag negative survive a round trip.

import { describe, expect, it } from "vitest";
import { ByteReader, ByteWriter, readDeltas, writeDeltas } from "../../../src/view/model/bytes.js";

describe("varint byte streams", () => {
  it("round-trips unsigned and signed values up to 2^53 - 1, strings and blocks", () => {
    const values = [0, 1, 127, 128, 255, 300, 16_383, 16_384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1];
    const w = new ByteWriter();
    for (const v of values) w.uint(v);
    for (const v of values) w.int(v === 2 ** 53 - 1 ? -(2 ** 52) : -v);
    w.string('ünïcode ✓ and "quotes"');
    const inner = new ByteWriter();
    inner.uint(42);
    w.block(inner);
    const r = new ByteReader(w.finish());
    expect(values.map(() => r.uint())).toEqual(values);
    expect(values.map(() => r.int())).toEqual(values.map((v) => (v === 2 ** 53 - 1 ? -(2 ** 52) : -v || 0)));
    expect(r.string()).toBe('ünïcode ✓ and "quotes"');
    expect(r.block().uint()).toBe(42);
    expect(r.done).toBe(true);
  });

  it("keeps small values small: a byte below 128, and sorted times as short deltas", () => {
    const w = new ByteWriter();
    w.uint(127);
    expect(w.length).toBe(1);
    const times = Array.from({ length: 1000 }, (_, i) => 600_000_000 + i * 50);
    const out = new ByteWriter();
    writeDeltas(out, times, times.length);
    expect(out.length).toBeLessThan(times.length + 12); // one byte a delta, plus the first value
    expect([...readDeltas(new ByteReader(out.finish()), times.length)]).toEqual(times);
  });

  it("refuses what it cannot encode, and a truncated stream", () => {
    expect(() => new ByteWriter().uint(-1)).toThrow(RangeError);
    expect(() => new ByteWriter().uint(0.5)).toThrow(RangeError);
    expect(() => new ByteReader(new Uint8Array([0x80])).uint()).toThrow(/truncated/);
  });
});
