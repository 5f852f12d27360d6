// Unit tests of the Trace: records, rolling hash, checkpoints.

import { describe, expect, it } from "vitest";
import { Trace, sym, symName, type TraceRecord } from "../../src/sim/index.js";

type Row = [atUs: number, seq: number, kind: string, node: string, peer: string, type: string, digest: number];

const ROWS: Row[] = [
  [0, 0, "start", "gate-0", "", "", 0],
  [1500, 1, "send", "gate-0", "dc1-m0", "Dispatch", 0xdeadbeef],
  [1500, 2, "recv", "dc1-m0", "gate-0", "Dispatch", 0xdeadbeef],
  [2 ** 40 + 7, 3, "timer", "dc1-m0", "", "Heartbeat", 17],
];

function hashOf(rows: readonly Row[], checkpointEvery = 1024): Trace {
  const t = new Trace(checkpointEvery);
  for (const [at, seq, kind, node, peer, type, digest] of rows)
    t.record(at, seq, sym(kind), sym(node), sym(peer), sym(type), digest);
  return t;
}

describe("Trace", () => {
  it("the same records give the same 16-hex-digit hash", () => {
    expect(hashOf(ROWS).hashHex()).toBe(hashOf(ROWS.map((r) => [...r] as Row)).hashHex());
    expect(hashOf(ROWS).hashHex()).toMatch(/^[0-9a-f]{16}$/);
  });

  it("changing any single field of any record changes the hash", () => {
    const base = hashOf(ROWS).hashHex();
    const seen = new Set([base]);
    ROWS.forEach((row, r) => {
      for (let field = 0; field < row.length; field++) {
        const changed = ROWS.map((x) => [...x] as Row);
        const target = changed[r]!;
        const old = target[field]!;
        (target as unknown[])[field] = typeof old === "number" ? old + 1 : `${old}x`;
        const h = hashOf(changed).hashHex();
        expect(h, `record ${r} field ${field}`).not.toBe(base);
        seen.add(h);
      }
    });
    // Every variant differs from every other too (no two fields alias each other).
    expect(seen.size).toBe(1 + ROWS.length * 7);
  });

  it("order matters: swapping two records changes the hash", () => {
    const swapped = [ROWS[1]!, ROWS[0]!, ...ROWS.slice(2)];
    expect(hashOf(swapped).hashHex()).not.toBe(hashOf(ROWS).hashHex());
  });

  it("keeps one checkpoint every N records, and a checkpoint is the running hash at that point", () => {
    const rows: Row[] = Array.from({ length: 10 }, (_, i) => [i * 10, i, "tick", "n", "", "", i]);
    const t = hashOf(rows, 4);
    expect(t.count).toBe(10);
    const cps = t.checkpoints();
    expect(cps).toHaveLength(2);
    expect(cps[0]).toBe(hashOf(rows.slice(0, 4), 4).hashHex());
    expect(cps[1]).toBe(hashOf(rows.slice(0, 8), 4).hashHex());
    expect(hashOf(rows.slice(0, 3), 4).checkpoints()).toEqual([]);
  });

  it("checkpoints locate the first divergent window between two runs", () => {
    const a: Row[] = Array.from({ length: 12 }, (_, i) => [i, i, "tick", "n", "", "", 0]);
    const b = a.map((r) => [...r] as Row);
    b[9]![6] = 1; // diverges in the third window of four
    const ca = hashOf(a, 4).checkpoints();
    const cb = hashOf(b, 4).checkpoints();
    expect(ca.slice(0, 2)).toEqual(cb.slice(0, 2));
    expect(ca[2]).not.toBe(cb[2]);
  });

  it("a listener receives every record with its index and names resolved", () => {
    const t = new Trace();
    const got: TraceRecord[] = [];
    t.listener = (r) => got.push(r);
    t.record(1500, 1, sym("send"), sym("gate-0"), sym("dc1-m0"), sym("Dispatch"), 0xdeadbeef);
    t.record(2000, 2, sym("timer"), 0, 0, 0, 0);
    expect(got).toEqual([
      {
        index: 0,
        atUs: 1500,
        seq: 1,
        kind: "send",
        node: "gate-0",
        peer: "dc1-m0",
        type: "Dispatch",
        digest: 0xdeadbeef,
      },
      { index: 1, atUs: 2000, seq: 2, kind: "timer", node: "", peer: "", type: "", digest: 0 },
    ]);
  });

  it("a listener does not change the hash", () => {
    const plain = hashOf(ROWS).hashHex();
    const t = new Trace();
    t.listener = () => {};
    for (const [at, seq, kind, node, peer, type, digest] of ROWS)
      t.record(at, seq, sym(kind), sym(node), sym(peer), sym(type), digest);
    expect(t.hashHex()).toBe(plain);
  });

  it("symbols are stable per name, distinct across names, and map back to their names", () => {
    expect(sym("gate-0")).toBe(sym("gate-0"));
    expect(sym("gate-0")).not.toBe(sym("gate-1"));
    expect(sym("")).toBe(0);
    expect(symName(sym("dc2-w14"))).toBe("dc2-w14");
    expect(symName(0)).toBe("");
  });
});
