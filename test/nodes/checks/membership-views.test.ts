// MembershipViews, the per-observer membership tables several checkers judge events against:
// status and highest incarnation per member, forgotten on member.forgotten and on the
// observer's own restart.

import { describe, expect, it } from "vitest";
import { MembershipViews } from "../../../src/nodes/checks/membership-views.js";

describe("membership views: each observer's table rebuilt from its own events", () => {
  it("tracks status and the highest incarnation, forgets on member.forgotten and on the observer's restart", () => {
    const v = new MembershipViews();
    expect(v.before("m1", "w1")).toBeNull();
    v.apply("m1", "member.confirmed", { node: "w1", incarnation: 3 });
    v.apply("m1", "member.suspect", { node: "w1", incarnation: 2 });
    expect(v.before("m1", "w1")).toEqual({ status: "suspect", incarnation: 3 });
    v.apply("m2", "member.confirmed", { node: "w1", incarnation: 3 });
    expect(v.observersHoldingOk("w1")).toEqual(["m2"]);
    v.apply("m1", "member.dead", { node: "w1", incarnation: 3 });
    expect(v.statusOf("m1", "w1")).toBe("dead");
    v.apply("m1", "member.join", { node: "w1", incarnation: 8 });
    expect(v.before("m1", "w1")).toEqual({ status: "ok", incarnation: 8 });
    expect(v.apply("m1", "workflow.started", { job: "j" })).toBe(false);
    expect(v.apply("m1", "member.forgotten", { node: "w1", reason: "purged" })).toBe(true);
    expect(v.before("m1", "w1")).toBeNull();
    v.apply("m1", "member.confirmed", { node: "w2", incarnation: 1 });
    expect(v.trackedCount("m1")).toBe(1);
    v.apply("m1", "node.started", { role: "manager", incarnation: 2 });
    expect(v.trackedCount("m1")).toBe(0);
    expect(v.trackedCount("m2")).toBe(1);
  });
});
