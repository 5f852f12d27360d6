// Payload columns: any JSON-like value comes back equal, shapes are shared, and values the
// shape cannot hold (too deep, too long, not plain data) come back as their JSON.

import { describe, expect, it } from "vitest";
import { ByteReader, ByteWriter } from "../../../src/view/model/bytes.js";
import { PayloadReader, PayloadWriter } from "../../../src/view/model/payloads.js";

function roundTrip(values: unknown[]): { out: unknown[]; bytes: number } {
  const w = new PayloadWriter();
  for (const v of values) w.add(v);
  const bytes = new ByteWriter();
  w.write(bytes);
  const r = new PayloadReader(new ByteReader(bytes.finish()));
  return { out: values.map((_, i) => r.get(i)), bytes: bytes.length };
}

describe("payload columns", () => {
  it("round-trips nested objects, arrays, numbers, strings, booleans and nulls", () => {
    const values = [
      { seq: 1, incarnation: 1 },
      { seq: 2, incarnation: 1 },
      { body: { nodeId: "dc1-wrk-1", cores: 8, ratio: 0.25, ok: true, none: null }, list: ["a", "b"] },
      { 'key with "quotes" and :,{}': -5, empty: {}, nested: [[1, 2], [], [{ x: false }]] },
      "a bare string",
      42,
      -7.5,
      null,
      { big: 2 ** 53 - 1, small: -(2 ** 53 - 1), nan: Number.NaN, inf: Number.POSITIVE_INFINITY },
      { seq: 3, incarnation: 2 },
    ];
    expect(roundTrip(values).out).toEqual(values);
  });

  it("keeps an explicitly undefined field", () => {
    const { out } = roundTrip([{ a: undefined, b: 1 }]);
    expect(Object.keys(out[0] as object)).toEqual(["a", "b"]);
  });

  it("stores what the shape cannot hold as JSON: long arrays, deep values, Maps and Sets, functions", () => {
    const long = Array.from({ length: 100 }, (_, i) => i);
    let deep: unknown = "bottom";
    for (let i = 0; i < 12; i++) deep = { d: deep };
    const { out } = roundTrip([{ long }, deep, { m: new Map([["k", 1]]), s: new Set([1, 2]) }, { f: () => 1 }]);
    expect(out[0]).toEqual({ long });
    expect(out[1]).toEqual(deep);
    expect(out[2]).toEqual({ m: { k: 1 }, s: [1, 2] });
    expect(typeof (out[3] as { f: unknown }).f).toBe("string");
  });

  it("makes a stream of same-shaped records cost a few bytes each", () => {
    const values = Array.from({ length: 1000 }, (_, i) => ({
      seq: 1000 + i,
      incarnation: 1,
      target: `dc1-wrk-${i % 4}`,
    }));
    const { out, bytes } = roundTrip(values);
    expect(out).toEqual(values);
    // A shape index and three one-byte leaves (two deltas, one string index), before compression.
    expect(bytes / values.length).toBeLessThanOrEqual(4.1);
  });
});
