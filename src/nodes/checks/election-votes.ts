// Elections (PROTOCOL §3.7, AD-5): no voter grants two candidates in one term (votes are
// durable, so a restart does not free a vote), and an elected leader holds grants from a
// majority of its configured group, counted here from the voters' own events.

import type { EmitDetail } from "../../sim/index.js";
import { majorityOf, num, str, type Checker, type CheckerContext } from "./checker.js";

export const ELECTION_VOTES = "cluster: one vote per voter per term, and a leader holds a majority";

export class ElectionVotes implements Checker {
  /** group#term → voter → candidate. Never reset: votes survive restarts. */
  private readonly votes = new Map<string, Map<string, string>>();

  constructor(private readonly ctx: CheckerContext) {}

  observe(node: string, kind: string, d: EmitDetail): void {
    if (kind === "leader.voted") return this.voted(node, `${str(d, "group")}#${num(d, "term")}`, str(d, "candidate"));
    if (kind === "leader.elected") return this.elected(node, str(d, "group"), num(d, "term"));
  }

  private voted(voter: string, key: string, candidate: string): void {
    let term = this.votes.get(key);
    if (term === undefined) {
      term = new Map();
      this.votes.set(key, term);
    }
    const earlier = term.get(voter);
    if (earlier !== undefined && earlier !== candidate)
      this.ctx.sink(ELECTION_VOTES, `${voter} voted for ${earlier} and then ${candidate} in ${key}`, [voter]);
    term.set(voter, candidate);
  }

  private elected(leader: string, group: string, term: number): void {
    const size = this.ctx.groupSizes.get(group);
    if (size === undefined) return;
    let grants = 0;
    for (const candidate of this.votes.get(`${group}#${term}`)?.values() ?? []) if (candidate === leader) grants++;
    if (grants < majorityOf(size))
      this.ctx.sink(
        ELECTION_VOTES,
        `${leader} was elected in ${group} term ${term} with ${grants} vote(s) of ${size} (a majority is ${majorityOf(size)})`,
        [leader],
      );
  }
}
