// election-votes fires when a voter grants two candidates in one term (a restart frees no vote)
// or a leader is elected without a majority of its configured group; it stays silent on
// exact majorities and repeated grants to the same candidate.

import { describe, expect, it } from "vitest";
import { CHECK_NAMES } from "../../../src/nodes/checkers.js";
import { type Feed, feed, only } from "./feed.js";

const C = CHECK_NAMES.electionVotes;

const vote = (f: Feed, voter: string, candidate: string, term = 1, group = "dc1") =>
  f.event(voter, "leader.voted", { group, term, candidate });
const elected = (f: Feed, leader: string, term = 1, group = "dc1") =>
  f.event(leader, "leader.elected", { group, term, votes: 0 });

describe("election-votes: one vote per voter per term, and a leader holds a majority", () => {
  it("stays silent on one vote per voter per term and majority wins", () => {
    const f = feed();
    vote(f, "m1", "m1");
    vote(f, "m2", "m1");
    f.event("m2", "node.started", { role: "manager", incarnation: 2 });
    vote(f, "m2", "m1"); // the same grant again, after a restart
    elected(f, "m1");
    vote(f, "m2", "m2", 2);
    vote(f, "m3", "m2", 2);
    elected(f, "m2", 2);
    vote(f, "gate-1", "gate-1", 1, "global");
    vote(f, "gate-2", "gate-1", 1, "global");
    elected(f, "gate-1", 1, "global");
    // A group the run did not configure is not counted.
    elected(f, "x", 1, "elsewhere");
    expect(f.checks()).toEqual([]);
  });

  it("fires when a voter grants two candidates in one term", () => {
    const f = feed();
    vote(f, "m1", "m1");
    vote(f, "m1", "m2");
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toBe("m1 voted for m1 and then m2 in dc1#1");
  });

  it("fires when a voter grants two candidates in one term across a restart (votes are durable)", () => {
    const f = feed();
    vote(f, "m1", "m1");
    f.event("m1", "node.started", { role: "manager", incarnation: 2 });
    vote(f, "m1", "m2");
    expect(f.checks()).toEqual(only(C));
  });

  it("fires when a leader is elected without a majority of its configured group", () => {
    const f = feed();
    vote(f, "m1", "m1");
    vote(f, "m2", "m1", 2); // a vote of another term does not count
    vote(f, "m3", "m1", 1, "dc2"); // nor one of another group
    elected(f, "m1");
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toBe("m1 was elected in dc1 term 1 with 1 vote(s) of 3 (a majority is 2)");
  });
});
