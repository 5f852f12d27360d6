// The FIFO slot reference that ORCH-1 compares pipeline latencies with, on schedules worked out by hand.

import { describe, expect, it } from "vitest";
import { fifoSlotLatencies } from "../../../src/scenarios/async/fifo-slots.js";

describe("fifoSlotLatencies", () => {
  it("one slot: a finished node's next step queues behind the request already waiting", () => {
    // p0 n0 0-10; p1 n0 10-15 (waited); p0 n1 15-25 (queued at 10, after p1); p1 n1 25-30.
    expect(fifoSlotLatencies({ pipelines: 2, nodes: 2, slots: 1, durationsUs: [10, 10, 5, 5] })).toEqual([25, 30]);
  });

  it("enough slots: each pipeline takes the sum of its durations", () => {
    expect(fifoSlotLatencies({ pipelines: 2, nodes: 3, slots: 2, durationsUs: [1, 2, 3, 4, 5, 6] })).toEqual([6, 15]);
  });

  it("equal end times are taken in start order, which fixes who gets the freed slot", () => {
    // Slots 2: p0 and p1 both end n0 at 5; p2 waits and gets p0's slot; p0 then p1 queue in that order.
    const got = fifoSlotLatencies({ pipelines: 3, nodes: 2, slots: 2, durationsUs: [5, 7, 5, 1, 3, 3] });
    // t=5: p2 n0 starts (5-8) on p0's slot, p1's slot goes to p0 n1 (5-12), p1 n1 waits until 8 (8-9); p2 n1 9-12.
    expect(got).toEqual([12, 9, 12]);
  });
});
