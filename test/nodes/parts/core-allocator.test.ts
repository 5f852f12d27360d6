// Unit tests of a worker's CoreAllocator (src/nodes/parts/core-allocator.ts): atomic all-or-nothing allocation, frees.

import { describe, expect, it } from "vitest";
import { CoreAllocator } from "../../../src/nodes/parts/core-allocator.js";

describe("CoreAllocator (MW-2.1, MW-2.2)", () => {
  it("MW-2.1.1/2.1.3/2.1.4: allocates the lowest free indices and tracks owners, per-workflow cores and the free count", () => {
    const a = new CoreAllocator(4);
    expect(a.allocate("j/w1", 2)).toEqual({ ok: true, cores: [0, 1] });
    expect(a.allocate("j/w2", 1)).toEqual({ ok: true, cores: [2] });
    expect(a.coreOwner).toEqual(["j/w1", "j/w1", "j/w2", null]);
    expect(a.workflowCores.get("j/w1")).toEqual([0, 1]);
    expect(a.availableCores).toBe(1);
    expect(a.free("j/w1")).toBe(2);
    expect(a.allocate("j/w3", 3)).toEqual({ ok: true, cores: [0, 1, 3] });
    expect(a.availableCores).toBe(0);
  });

  it("MW-2.1.2: check-and-allocate is all or nothing, so a request that does not fit takes nothing", () => {
    const a = new CoreAllocator(4);
    a.allocate("x", 3);
    expect(a.allocate("y", 2)).toEqual({ ok: false, error: "insufficient-cores" });
    expect(a.coreOwner.filter((o) => o === "y")).toEqual([]);
    expect(a.availableCores).toBe(1);
  });

  it("MW-2.2.1–2.2.4: rejects more than the total, more than is free, zero/negative/fractional counts and a second allocation", () => {
    const a = new CoreAllocator(4);
    expect(a.allocate("big", 5)).toEqual({ ok: false, error: "exceeds-total" });
    a.allocate("w", 3);
    expect(a.allocate("v", 2)).toEqual({ ok: false, error: "insufficient-cores" });
    for (const n of [0, -1, 1.5]) expect(a.allocate("z", n)).toEqual({ ok: false, error: "invalid-cores" });
    expect(a.allocate("w", 1)).toEqual({ ok: false, error: "already-allocated" });
  });

  it("freeSubset releases only the listed cores and drops an emptied entry", () => {
    const a = new CoreAllocator(4);
    a.allocate("w", 3);
    expect(a.freeSubset("w", [1, 3])).toBe(1);
    expect(a.workflowCores.get("w")).toEqual([0, 2]);
    expect(a.freeSubset("w", [0, 2])).toBe(2);
    expect(a.workflowCores.has("w")).toBe(false);
    expect(a.availableCores).toBe(4);
  });
});
