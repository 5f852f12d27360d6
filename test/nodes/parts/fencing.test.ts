// Unit tests of fence tokens (src/nodes/parts/fencing.ts): strictly greater tokens only, starting at -1.

import { describe, expect, it } from "vitest";
import { EPOCH_STRIDE, FenceCounter, FenceTracker } from "../../../src/nodes/parts/fencing.js";

describe("fencing (§5.24)", () => {
  it("a new key starts at −1 so 0 is accepted; equal or lower tokens are refused; keys are independent", () => {
    const f = new FenceTracker();
    expect(f.accept("j1", 0)).toBe(true);
    expect(f.accept("j1", 0)).toBe(false);
    expect(f.accept("j1", -1)).toBe(false);
    expect(f.accept("j1", 5)).toBe(true);
    expect(f.accept("j1", 4)).toBe(false);
    expect(f.accept("j2", 0)).toBe(true);
    expect(f.current("j1")).toBe(5);
  });

  it("a counter only rises, and a later leadership epoch starts above every token of an earlier one", () => {
    const c = new FenceCounter();
    c.enterEpoch(1);
    const a = [c.next(), c.next(), c.next()];
    expect(a).toEqual([EPOCH_STRIDE + 1, EPOCH_STRIDE + 2, EPOCH_STRIDE + 3]);
    c.atLeast(2);
    expect(c.current).toBe(EPOCH_STRIDE + 3);
    const b = new FenceCounter(EPOCH_STRIDE + 1); // a stale replica of the same job
    b.enterEpoch(2);
    expect(b.next()).toBeGreaterThan(Math.max(...a));
  });
});
