// Term-based leader election with pre-vote (PROTOCOL.md §3.7, AD-5, AD-13): one instance
// per DC among its managers, and one among the gates.
//
// follower --lease expired--> pre-candidate --majority of pre-votes--> candidate
//   (term += 1, vote for self) --majority of votes--> leader (heartbeat every
//   leaderHeartbeatIntervalMs). Any message with a higher term sends a node back to
//   follower. The term and the vote are durable, so a restarted node can never vote twice
//   in one term — which is what keeps "at most one leader per term" true across crashes.
//
// Leader lease: a follower that took a heartbeat (or granted a vote) backs no other
// candidate for leaderLeaseMs, so a leader whose heartbeat sent at t a majority acked is
// the only possible leader until t + leaderLeaseMs. `isLeader` holds only inside that
// window: a leader cut off from its majority, or paused, stops acting as one before anyone
// else can be elected (a restarted voter also waits one lease before backing anyone).
//
// Simplified: the flapping detector and the "two leaders, lower address wins" tie-break
// are not modelled (votes already make two leaders in one term impossible).

import type { NodeEnv, TimerHandle } from "../../sim/index.js";
import type { ElectionConfig } from "../config.js";
import type { ClusterMessage, ElectionMessage, NodeId } from "../messages.js";
import { assertNever } from "../messages.js";

/** ⌊n/2⌋ + 1, at least 1: the votes a candidate needs, and the quorum size (quorum.ts). */
export function majority(n: number): number {
  return Math.max(1, Math.floor(n / 2) + 1);
}

export type ElectionRole = "follower" | "pre-candidate" | "candidate" | "leader";

export interface ElectionHooks {
  /** Membership OK, LHM acceptable, not degraded (§3.7 "Eligible"). */
  eligible(): boolean;
  lhm(): number;
  onBecameLeader?(term: number): void;
  onLostLeadership?(term: number, reason: string): void;
  /** A leader whose lease had lapsed is backed by a majority again. */
  onLeaseRestored?(): void;
  /** The known leader changed (null: none known). */
  onLeaderChanged?(leader: NodeId | null, term: number): void;
}

export class Election {
  term = 0;
  role: ElectionRole = "follower";
  leader: NodeId | null = null;
  private votedFor: NodeId | null = null;
  private leaseExpiresUs = 0;
  /** While leader: per voter, the send time of the latest heartbeat (or claim) it acked. */
  private readonly ackedAtUs = new Map<NodeId, number>();
  /** While leader: when this node last sent a heartbeat (or its claim). */
  private lastSentAtUs = 0;
  /** While leader: the end of the window in which a majority is known to back it. */
  private leaderLeaseUntilUs = 0;
  private votes = new Set<NodeId>();
  private wakeTimer: TimerHandle = -1;
  private heartbeatTimer: TimerHandle = -1;
  private readonly rng;
  private readonly onWake = (): void => this.wake();
  private readonly onHeartbeat = (): void => this.sendHeartbeat();

  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly cfg: ElectionConfig,
    /** `global` for gates, the DC name for managers; used in emitted events. */
    readonly group: string,
    /** Every other voter from the configured topology. */
    private readonly voters: readonly NodeId[],
    private readonly hooks: ElectionHooks,
  ) {
    this.rng = env.rng.fork("election");
  }

  get isLeader(): boolean {
    return this.role === "leader" && this.env.localNow() < this.leaderLeaseUntilUs;
  }

  get clusterSize(): number {
    return this.voters.length + 1;
  }

  start(): void {
    const d = this.env.durable;
    this.term = typeof d["election.term"] === "number" ? d["election.term"] : 0;
    this.votedFor = typeof d["election.votedFor"] === "string" ? d["election.votedFor"] : null;
    // The lease this node may have granted before it went down is forgotten: honour one
    // whole lease from now, so a leader it backed cannot be replaced behind its back.
    this.leaseExpiresUs = this.env.localNow() + this.cfg.leaderLeaseMs * 1000;
    const jitterUs = this.rng.int(0, this.cfg.firstElectionJitterMaxMs * 1000);
    this.schedule(this.cfg.leaderLeaseMs * 1000 + jitterUs);
  }

  handle(from: NodeId, msg: ElectionMessage): void {
    // Pre-votes carry a proposed term and never change anyone's term (AD-5).
    const preVote = msg.type === "pre-vote-req" || msg.type === "pre-vote-resp";
    if (!preVote && msg.term > this.term) this.adoptTerm(msg.term);
    switch (msg.type) {
      case "pre-vote-req":
        return this.answerPreVote(from, msg.term, msg.lhm);
      case "pre-vote-resp":
        return this.countPreVote(from, msg.term, msg.granted);
      case "leader-claim":
        return this.answerClaim(from, msg.term, msg.lhm);
      case "leader-vote":
        return this.countVote(from, msg.term, msg.granted);
      case "leader-heartbeat":
        return this.onLeaderHeartbeat(from, msg.term, msg.sentAtUs);
      case "leader-heartbeat-ack":
        return this.onHeartbeatAck(from, msg.term, msg.sentAtUs);
      case "leader-stepdown":
        if (from === this.leader && msg.term === this.term) {
          this.env.mark("election.stepdown.heard");
          this.setLeader(null);
          this.leaseExpiresUs = 0;
          this.schedule(this.rng.int(0, this.cfg.electionTimeoutJitterMs * 1000));
        }
        return;
      default:
        return assertNever(msg, "election message");
    }
  }

  /** Leaves the leadership (quorum loss, degradation); peers hear `leader-stepdown`. */
  stepDown(reason: string): void {
    if (this.role !== "leader") return;
    this.broadcast({ type: "leader-stepdown", term: this.term });
    this.becomeFollower(reason);
    this.setLeader(null);
    this.schedule((this.cfg.electionTimeoutBaseMs + this.rng.int(0, this.cfg.electionTimeoutJitterMs)) * 1000);
  }

  // ---- follower and pre-vote ----------------------------------------------------------

  private wake(): void {
    this.wakeTimer = -1;
    const now = this.env.localNow();
    if (this.role === "leader") return;
    if (this.role === "pre-candidate" || this.role === "candidate") {
      // The round ended without a majority: back off with jitter and try again.
      this.env.mark(this.role === "candidate" ? "election.vote.roundFailed" : "election.preVote.roundFailed");
      this.role = "follower";
      this.schedule((this.cfg.electionTimeoutBaseMs + this.rng.int(0, this.cfg.electionTimeoutJitterMs)) * 1000);
      return;
    }
    if (now < this.leaseExpiresUs) {
      this.schedule(Math.min(this.leaseExpiresUs - now + 500_000, 2_000_000));
      return;
    }
    if (!this.hooks.eligible() || this.hooks.lhm() > this.cfg.leaderMaxLhm) {
      this.env.mark("election.ineligible");
      this.schedule(2_000_000);
      return;
    }
    this.env.mark("election.preVote.started");
    this.role = "pre-candidate";
    this.votes = new Set([this.env.id]);
    this.broadcast({ type: "pre-vote-req", term: this.term + 1, lhm: this.hooks.lhm() });
    if (this.votes.size >= majority(this.clusterSize)) return this.startCandidacy();
    this.schedule(this.cfg.preVoteTimeoutMs * 1000);
  }

  private answerPreVote(from: NodeId, term: number, lhm: number): void {
    const leaseValid = this.role === "leader" || this.env.localNow() < this.leaseExpiresUs;
    const granted = term > this.term && !leaseValid && lhm <= this.cfg.leaderMaxLhm;
    this.env.mark(granted ? "election.preVote.granted" : "election.preVote.denied");
    this.env.send(from, { type: "pre-vote-resp", term, granted });
  }

  private countPreVote(from: NodeId, term: number, granted: boolean): void {
    if (this.role !== "pre-candidate" || !granted || term !== this.term + 1) return;
    this.votes.add(from);
    if (this.votes.size >= majority(this.clusterSize)) this.startCandidacy();
  }

  // ---- candidate and votes ------------------------------------------------------------

  private startCandidacy(): void {
    this.env.mark("election.candidacy");
    this.role = "candidate";
    this.term++;
    this.votedFor = this.env.id;
    this.persist();
    this.env.emit("leader.voted", { group: this.group, term: this.term, candidate: this.env.id });
    this.votes = new Set([this.env.id]);
    this.lastSentAtUs = this.env.localNow();
    this.broadcast({ type: "leader-claim", term: this.term, lhm: this.hooks.lhm() });
    if (this.votes.size >= majority(this.clusterSize)) return this.becomeLeader();
    this.schedule((this.cfg.electionTimeoutBaseMs + this.rng.int(0, this.cfg.electionTimeoutJitterMs)) * 1000);
  }

  private answerClaim(from: NodeId, term: number, lhm: number): void {
    const granted =
      term === this.term && (this.votedFor === null || this.votedFor === from) && lhm <= this.cfg.leaderMaxLhm;
    this.env.mark(granted ? "election.vote.granted" : "election.vote.denied");
    if (granted) {
      this.env.emit("leader.voted", { group: this.group, term, candidate: from });
      this.votedFor = from;
      this.persist();
      // A vote backs the candidate like a heartbeat does: no other for one lease.
      this.leaseExpiresUs = this.env.localNow() + this.cfg.leaderLeaseMs * 1000;
    }
    this.env.send(from, { type: "leader-vote", term, granted });
  }

  private countVote(from: NodeId, term: number, granted: boolean): void {
    if (this.role !== "candidate" || !granted || term !== this.term) return;
    this.votes.add(from);
    if (this.votes.size >= majority(this.clusterSize)) this.becomeLeader();
  }

  private becomeLeader(): void {
    this.role = "leader";
    // Each vote acked the claim: the lease starts at the claim's send time.
    this.ackedAtUs.clear();
    for (const v of this.votes) if (v !== this.env.id) this.ackedAtUs.set(v, this.lastSentAtUs);
    this.renewLease();
    this.cancelWake();
    this.setLeader(this.env.id);
    this.env.mark("election.won");
    this.env.emit("leader.elected", { group: this.group, term: this.term, votes: this.votes.size });
    this.sendHeartbeat();
    this.hooks.onBecameLeader?.(this.term);
  }

  private sendHeartbeat(): void {
    this.heartbeatTimer = -1;
    if (this.role !== "leader") return;
    const now = this.env.localNow();
    // No majority acked in time (cut off, paused, or unlucky with loss): not acting as
    // leader until acks return, or a higher term sends this node back to follower.
    if (now >= this.leaderLeaseUntilUs) this.env.mark("election.leaseLapsed");
    this.lastSentAtUs = now;
    this.renewLease();
    this.broadcast({ type: "leader-heartbeat", term: this.term, sentAtUs: now });
    this.heartbeatTimer = this.env.after(this.cfg.leaderHeartbeatIntervalMs * 1000, this.onHeartbeat);
  }

  private onHeartbeatAck(from: NodeId, term: number, sentAtUs: number): void {
    if (this.role !== "leader" || term !== this.term || !this.voters.includes(from)) return;
    if (sentAtUs <= (this.ackedAtUs.get(from) ?? -1)) return;
    const wasLeading = this.isLeader;
    this.ackedAtUs.set(from, sentAtUs);
    this.renewLease();
    if (!wasLeading && this.isLeader) {
      this.env.mark("election.leaseRestored");
      this.hooks.onLeaseRestored?.();
    }
  }

  /** The lease ends leaderLeaseMs after the latest send time a majority (self included) acked. */
  private renewLease(): void {
    const times = [this.lastSentAtUs];
    for (const v of this.voters) times.push(this.ackedAtUs.get(v) ?? Number.NEGATIVE_INFINITY);
    times.sort((a, b) => b - a);
    const backedSince = times[majority(this.clusterSize) - 1] ?? Number.NEGATIVE_INFINITY;
    // Clocks drift (ppm): keep a hundredth of the lease in hand.
    this.leaderLeaseUntilUs = backedSince + this.cfg.leaderLeaseMs * 990;
  }

  private onLeaderHeartbeat(from: NodeId, term: number, sentAtUs: number): void {
    if (term < this.term) {
      // A stale leader: answering with our term makes it step down.
      this.env.mark("election.staleLeaderAnswered");
      this.env.send(from, { type: "leader-vote", term: this.term, granted: false });
      return;
    }
    // Only a (pre-)candidate gets here: a leader of this term is impossible, a higher term was adopted above.
    if (this.role !== "follower") {
      this.env.mark("election.candidacy.yielded");
      this.becomeFollower("leader-heartbeat");
    }
    this.leaseExpiresUs = this.env.localNow() + this.cfg.leaderLeaseMs * 1000;
    this.env.send(from, { type: "leader-heartbeat-ack", term, sentAtUs });
    if (this.leader !== from) this.setLeader(from);
    if (this.wakeTimer === -1) this.schedule(Math.min(this.cfg.leaderLeaseMs * 1000 + 500_000, 2_000_000));
  }

  // ---- shared -------------------------------------------------------------------------

  private adoptTerm(term: number): void {
    this.term = term;
    this.votedFor = null;
    this.persist();
    if (this.role !== "follower") this.becomeFollower("higher-term");
    if (this.wakeTimer === -1) this.schedule(this.cfg.leaderLeaseMs * 1000);
  }

  private becomeFollower(reason: string): void {
    const wasLeader = this.role === "leader";
    this.role = "follower";
    if (this.heartbeatTimer !== -1) this.env.cancel(this.heartbeatTimer);
    this.heartbeatTimer = -1;
    if (wasLeader) {
      this.env.mark(reason === "quorum" ? "election.stepdown.quorum" : "election.stepdown.higherTerm");
      this.env.emit("leader.stepdown", { group: this.group, term: this.term, reason });
      if (this.leader === this.env.id) this.setLeader(null);
      this.hooks.onLostLeadership?.(this.term, reason);
    }
  }

  private setLeader(leader: NodeId | null): void {
    this.leader = leader;
    this.hooks.onLeaderChanged?.(leader, this.term);
  }

  private persist(): void {
    this.env.durable["election.term"] = this.term;
    this.env.durable["election.votedFor"] = this.votedFor;
  }

  private schedule(delayUs: number): void {
    this.cancelWake();
    this.wakeTimer = this.env.after(delayUs, this.onWake);
  }

  private cancelWake(): void {
    if (this.wakeTimer !== -1) this.env.cancel(this.wakeTimer);
    this.wakeTimer = -1;
  }

  private broadcast(msg: ElectionMessage): void {
    for (const id of this.voters) this.env.send(id, msg);
  }
}
