// failure-detection fires on each way an observer can break SWIM/Lifeguard: suspecting a member
// it does not hold confirmed, bounds that ignore its LHM, a second or stale death, a probe
// death outside the bounds, a suspicion never ended, a down member never suspected. It stays
// silent on deaths at the very edges of the bounds, renewals, revivals and frozen observers.

import { describe, expect, it } from "vitest";
import { CHECK_NAMES } from "../../../src/nodes/checkers.js";
import { type Feed, feed, M_MAX, M_MIN, only } from "./feed.js";

const C = CHECK_NAMES.failureDetection;
/** How far a probe death may stray outside the suspicion bounds: the observer's clock drift. */
const SLACK_MS = M_MAX / 500 + 2;

const suspect = (f: Feed, atMs: number, incarnation = 1, lhm = 0, scale = 1 + lhm) =>
  f.event("m1", "member.suspect", { node: "w1", incarnation, lhm, minMs: M_MIN * scale, maxMs: M_MAX * scale }, atMs);
const dead = (f: Feed, atMs: number, via = "probe", incarnation = 1) =>
  f.event("m1", "member.dead", { node: "w1", incarnation, via }, atMs);
const confirmed = (f: Feed, atMs = 0, incarnation = 1) =>
  f.event("m1", "member.confirmed", { node: "w1", incarnation }, atMs);

describe("failure-detection: suspicion bounds, transitions and deadlines per observer", () => {
  it("stays silent on suspicions that end in time, renewals, revivals and frozen observers", () => {
    const f = feed();
    confirmed(f);
    suspect(f, 1000);
    dead(f, 1000 + (M_MIN + M_MAX) / 2);
    // Deaths at the very edges of the bounds, clock slack included.
    f.event("m1", "member.join", { node: "w1", incarnation: 2 }, 80_000);
    suspect(f, 81_000, 2);
    dead(f, 81_000 + M_MIN - SLACK_MS, "probe", 2);
    f.event("m1", "member.join", { node: "w1", incarnation: 3 }, 100_000);
    suspect(f, 101_000, 3);
    dead(f, 101_000 + M_MAX + SLACK_MS, "probe", 3);
    f.event("m1", "member.join", { node: "w1", incarnation: 6 }, 200_000);
    // LHM 2 stretches both bounds threefold; a higher incarnation renews a suspicion.
    suspect(f, 210_000, 6, 2);
    suspect(f, 211_000, 7, 2);
    dead(f, 211_000 + 3 * M_MAX, "probe", 7);
    f.event("m1", "member.join", { node: "w1", incarnation: 12 }, 400_000);
    suspect(f, 401_000, 12);
    f.event("m1", "member.alive", { node: "w1", incarnation: 13 }, 402_000);
    // The observer paused mid-suspicion: its timers froze, so a late death is no violation.
    suspect(f, 410_000, 13);
    f.host("m1", "paused", 411_000);
    f.host("m1", "up", 500_000);
    dead(f, 500_001, "probe", 13);
    // Death learned by gossip is not timed; a forgotten member owes nothing.
    f.event("m1", "member.join", { node: "w1", incarnation: 20 }, 600_000);
    suspect(f, 601_000, 20);
    dead(f, 601_010, "gossip", 20);
    f.event("m1", "member.forgotten", { node: "w1", reason: "dead" }, 602_000);
    f.event("m1", "member.confirmed", { node: "w1", incarnation: 25 }, 603_000);
    suspect(f, 604_000, 25);
    f.event("m1", "member.forgotten", { node: "w1", reason: "purged" }, 605_000);
    f.finish(2_000_000);
    expect(f.checks()).toEqual([]);
  });

  it("stays silent when a member that went down is suspected in time, or comes back first", () => {
    const f = feed();
    confirmed(f);
    f.host("w1", "down", 10_000);
    suspect(f, 20_000);
    dead(f, 20_000 + M_MIN, "probe");
    f.event("m1", "member.join", { node: "w1", incarnation: 6 }, 100_000);
    // Back up before anyone could notice: nothing is owed for that outage, ever.
    f.host("w1", "down", 110_000);
    f.host("w1", "up", 120_000);
    // An observer that goes down itself owes nothing while it cannot observe.
    f.event("m2", "member.confirmed", { node: "w2", incarnation: 1 }, 125_000);
    f.host("w2", "down", 130_000);
    f.host("m2", "down", 131_000);
    f.finish(5_000_000);
    expect(f.checks()).toEqual([]);
  });

  it("fires when a member it never confirmed is suspected", () => {
    const f = feed();
    suspect(f, 1000);
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toContain("which it held unconfirmed");
  });

  it("fires when a dead member is suspected again at the same incarnation", () => {
    const f = feed();
    confirmed(f);
    dead(f, 1000, "gossip");
    suspect(f, 2000);
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toContain("which it held dead");
  });

  it("fires when the suspicion bounds ignore the observer's LHM", () => {
    const f = feed();
    confirmed(f);
    suspect(f, 1000, 1, 2, 1);
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toContain("not 30000–180000 ms");
  });

  it("fires when a member is declared dead twice without a revival", () => {
    const f = feed();
    confirmed(f);
    dead(f, 1000, "gossip");
    dead(f, 2000, "gossip");
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toContain("dead twice");
  });

  it("fires when a member is declared dead below an incarnation the observer accepted", () => {
    const f = feed();
    confirmed(f, 0, 6);
    dead(f, 1000, "gossip", 1);
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toContain("dead at incarnation 1, below 6");
  });

  it("fires when a probe death comes a millisecond before the suspicion's lower bound (less its slack)", () => {
    const f = feed();
    confirmed(f);
    suspect(f, 1000);
    dead(f, 1000 + M_MIN - SLACK_MS - 1);
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toBe(
      `m1 declared w1 dead ${M_MIN - SLACK_MS - 1} ms after suspecting it, outside 10000–60000 ms`,
    );
  });

  it("fires when a probe death comes a millisecond after the upper bound (the suspicion was left open past it, too)", () => {
    const f = feed();
    confirmed(f);
    suspect(f, 1000);
    dead(f, 1000 + M_MAX + SLACK_MS + 1);
    expect(f.checks()).toEqual(only(C, 2));
    expect(f.messages()[0]).toContain("neither declared it dead nor saw it refute");
    expect(f.messages()[1]).toContain("outside");
  });

  it("fires when a suspicion is never ended: no death, no refutation", () => {
    const f = feed();
    confirmed(f);
    suspect(f, 1000);
    f.finish(1000 + M_MAX * 2);
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toContain("neither declared it dead nor saw it refute");
  });

  it("fires when a suspicion is left open though the member came back up (it still owes a verdict)", () => {
    const f = feed();
    confirmed(f);
    f.host("w1", "down", 10_000);
    suspect(f, 20_000);
    f.host("w1", "up", 30_000);
    f.finish(20_000 + M_MAX * 2);
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toBe(
      "m1 suspected w1 at 20000 ms and neither declared it dead nor saw it refute by 80122 ms",
    );
  });

  it("fires when a confirmed member stays down and the observer never suspects it", () => {
    const f = feed();
    confirmed(f);
    f.host("w1", "down", 10_000);
    f.finish(10_000 + 3_600_000);
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toContain("m1 never suspected w1, down since 10000 ms");
  });
});
