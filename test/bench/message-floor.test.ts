// The cluster bench's per-message floor loop (src/bench/message-floor.ts) does the same work every run.

import { describe, expect, it } from "vitest";
import { FLOOR_PENDING, messageFloor } from "../../src/bench/message-floor.js";

describe("messageFloor (the cluster bench's per-message baseline)", () => {
  it("does the same work every time: the same trace hash for the same count", () => {
    const a = messageFloor(20_000);
    const b = messageFloor(20_000);
    expect(a.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(b.traceHash).toBe(a.traceHash);
    expect(messageFloor(20_001).traceHash).not.toBe(a.traceHash);
  });

  it("divides the wall time by the messages fired", () => {
    const ticks = [5, 2005]; // 2000 ms for 40,000 messages: 50,000 ns each
    const r = messageFloor(40_000, FLOOR_PENDING, () => ticks.shift()!);
    expect(r.messages).toBe(40_000);
    expect(r.wallMs).toBe(2000);
    expect(r.nsPerMessage).toBe(50_000);
  });

  it("depends on the pending count (the heap it works on)", () => {
    expect(messageFloor(10_000, 10).traceHash).not.toBe(messageFloor(10_000, 1000).traceHash);
  });
});
