// SWIM-style membership with Lifeguard suspicion (PROTOCOL.md §3.5, §5.2, AD-29/31/46).
//
// The member table. Probe rounds (probe-rounds.ts) report a target that never answered;
// only a confirmed peer then becomes suspect, with a Lifeguard deadline, gossiped as
// `suspect`. A suspected node refutes with a higher
// incarnation; the deadline passing makes it DEAD and fires the dead hook exactly once.
//
// Gossip is sent directly to every live member once (no piggyback buffer or λ·ln(n+1)
// rebroadcast yet), except members whose role does not track the peer it is about; the
// worker heartbeat rides on acks through the `embed` hook.
//
// The table holds the peers its scope names (peer-scope.ts): seeded from the scope, it
// ignores gossip about peers outside it and does not add one that talks to it directly.

import type { NodeEnv } from "../../sim/index.js";
import type { MembershipConfig } from "../config.js";
import type { ClusterMessage, MembershipMessage, NodeId, WorkerHeartbeatBody } from "../messages.js";
import { assertNever } from "../messages.js";
import { newMember, type Member, type MemberStatus } from "./member.js";
import { PeerScope } from "./peer-scope.js";
import { ProbeRounds, type ProbeTable } from "./probe-rounds.js";

export type { Member, MemberStatus } from "./member.js";

export interface MembershipHooks {
  onSuspect?(id: NodeId): void;
  onDead?(id: NodeId, via: "probe" | "gossip"): void;
  /** A suspicion was refuted, or a member confirmed for the first time. */
  onAlive?(id: NodeId): void;
  /** DEAD → OK through a higher incarnation (a restart). */
  onJoin?(id: NodeId): void;
  /** A live member came back with an incarnation ≥ old + zombieIncarnationBump: it restarted unnoticed. */
  onRestart?(id: NodeId): void;
  embed?(): WorkerHeartbeatBody | null;
  onEmbedded?(from: NodeId, body: WorkerHeartbeatBody): void;
}

const DURABLE_KEY = "membership.incarnation";

export class Membership implements ProbeTable {
  incarnation = 1;
  lhm = 0;
  readonly members = new Map<NodeId, Member>();

  private refutations: number[] = [];
  /** Members in status "unconfirmed" and "dead" (kept by add, remove and setStatus). */
  private unconfirmed = 0;
  private dead = 0;
  private readonly scope: PeerScope;
  /** Configured peers not in the table (swept while unreachable, or purged); kept by add and remove. */
  private missingSeeds: number;
  private readonly rng;
  readonly probes: ProbeRounds;

  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly cfg: MembershipConfig,
    /** Who to track: a scope (peer-scope.ts), or a seed list for an open table that tracks anyone it hears of. */
    seeds: readonly NodeId[] | PeerScope,
    private readonly hooks: MembershipHooks = {},
  ) {
    this.scope = seeds instanceof PeerScope ? seeds : PeerScope.open(seeds);
    this.rng = env.rng.fork("membership");
    const distinct = new Set(this.scope.seeds);
    distinct.delete(env.id);
    this.missingSeeds = distinct.size;
    this.probes = new ProbeRounds(env, cfg, this.rng, this);
  }

  start(): void {
    const durable = this.env.durable;
    const previous = typeof durable[DURABLE_KEY] === "number" ? (durable[DURABLE_KEY] as number) : 0;
    // A restarted node must pass its peers' zombie guard, so it jumps by the bump.
    this.incarnation = Math.max(this.env.incarnation, previous === 0 ? 1 : previous + this.cfg.zombieIncarnationBump);
    durable[DURABLE_KEY] = this.incarnation;
    const now = this.env.localNow();
    for (const id of this.scope.seeds)
      if (id !== this.env.id) this.add(newMember(id, now, this.scope.roleOf(id) ?? ""));
    this.broadcast({ type: "alive", node: this.env.id, incarnation: this.incarnation });
    this.probes.start();
  }

  status(id: NodeId): MemberStatus | null {
    return this.members.get(id)?.status ?? null;
  }

  /** The role `id` is tracked in, or null when this node does not track it. */
  roleOf(id: NodeId): string | null {
    return this.members.get(id)?.role ?? this.scope.roleOf(id);
  }

  incarnationOf(id: NodeId): number {
    return this.members.get(id)?.incarnation ?? 0;
  }

  /** Not suspected and not dead: confirmed OK. */
  isHealthy(id: NodeId): boolean {
    return this.members.get(id)?.status === "ok";
  }

  /** Any valid message received directly from a peer confirms it (AD-29). */
  heard(from: NodeId): void {
    // Hearing from the target of the current round answers the round, whatever the message:
    // direct contact, so it lowers the local health score as a direct ack would. (Counted as
    // indirect, an ack overtaken by this call never lowered it: the score only rose, until
    // every manager of a DC was too unhealthy to stand for leader, for good: seed 3709.)
    if (from === this.probes.target) this.probes.probeSucceeded(true);
    // Once every member is confirmed and every seed known (nearly always) there is nothing to look up.
    if (this.unconfirmed === 0 && this.missingSeeds === 0) return;
    const m = this.members.get(from);
    if (m === undefined && this.isSeed(from)) {
      // A configured peer dropped while it could not answer (swept, purged) talks again: it is back.
      this.env.mark("membership.learned.direct");
      const fresh = newMember(from, this.env.localNow(), this.scope.roleOf(from) ?? "");
      this.add(fresh);
      this.confirm(fresh);
    } else if (m !== undefined && m.status === "unconfirmed") this.confirm(m);
  }

  /** Forgets a member entirely (a gate purging a dead peer); if it returns it is new. */
  purge(id: NodeId): void {
    const m = this.members.get(id);
    if (m === undefined) return;
    this.env.mark("membership.purged");
    this.env.cancel(m.deadline);
    this.remove(m);
    this.env.emit("member.forgotten", { node: id, reason: "purged" });
  }

  handle(from: NodeId, msg: MembershipMessage): void {
    switch (msg.type) {
      case "probe":
        this.observeDirect(from, msg.incarnation);
        this.env.send(from, {
          type: "ack",
          seq: msg.seq,
          incarnation: this.incarnation,
          embedded: this.hooks.embed?.() ?? null,
        });
        return;
      case "ack":
        this.observeDirect(from, msg.incarnation);
        if (msg.embedded !== null) this.hooks.onEmbedded?.(from, msg.embedded);
        this.probes.onAck(from, msg.seq);
        return;
      case "ping-req":
        return this.probes.proxyProbe(from, msg.seq, msg.target);
      case "ping-req-ack":
        return this.probes.onPingReqAck(msg.seq, msg.target, msg.reached);
      case "suspect":
        return this.onSuspectGossip(from, msg.node, msg.incarnation);
      case "alive":
        return this.onAliveGossip(from, msg.node, msg.incarnation);
      case "dead":
        return this.onDeadGossip(msg.node, msg.incarnation);
      default:
        return assertNever(msg, "membership message");
    }
  }

  // ---- table upkeep ------------------------------------------------------------------

  /** Drops members that never confirmed and dead ones past retention (§3.5). */
  sweep(): void {
    const now = this.env.localNow();
    for (const m of [...this.members.values()]) {
      const unconfirmedTooLong =
        m.status === "unconfirmed" && now - m.learnedAtUs >= this.cfg.unconfirmedCleanupMs * 1000;
      const deadTooLong = m.status === "dead" && now - m.deadAtUs >= this.cfg.deadMemberRetentionMs * 1000;
      if (!unconfirmedTooLong && !deadTooLong) continue;
      this.env.mark(unconfirmedTooLong ? "membership.sweep.unconfirmed" : "membership.sweep.dead");
      this.remove(m);
      this.env.emit("member.forgotten", { node: m.id, reason: unconfirmedTooLong ? "unconfirmed" : "dead" });
    }
  }

  bumpLhm(delta: 1 | -1): void {
    const next = this.lhm + delta;
    if (next >= 0 && next <= this.cfg.lhmMaxScore) this.lhm = next;
    else if (next > this.cfg.lhmMaxScore) this.env.mark("membership.lhm.atMax");
  }

  /** ProbeTable: a round got no answer; only a confirmed peer can be suspected (AD-29). */
  probeFailed(target: NodeId): void {
    const m = this.members.get(target);
    if (m === undefined || m.status !== "ok") return;
    this.env.mark("membership.suspect.probe");
    this.startSuspicion(m, this.env.id, true);
  }

  timeoutUs(): number {
    return this.probes.timeoutUs();
  }

  // ---- suspicion, refutation, death ---------------------------------------------------

  private startSuspicion(m: Member, confirmer: NodeId, gossip: boolean): void {
    this.setStatus(m, "suspect");
    m.suspectStartUs = this.env.localNow();
    const scale = 1 + this.cfg.lhmTimeoutFactor * this.lhm;
    m.suspectMinMs = this.cfg.globalSuspicionMinMs * scale;
    m.suspectMaxMs = this.cfg.globalSuspicionMaxMs * scale;
    m.confirmers = new Set([confirmer]);
    this.rescheduleDeadline(m);
    this.env.emit("member.suspect", {
      node: m.id,
      incarnation: m.incarnation,
      lhm: this.lhm,
      minMs: m.suspectMinMs,
      maxMs: m.suspectMaxMs,
    });
    this.hooks.onSuspect?.(m.id);
    if (gossip) this.broadcast({ type: "suspect", node: m.id, incarnation: m.incarnation });
  }

  /** Lifeguard: T shrinks with independent confirmers, always from the original start. */
  private rescheduleDeadline(m: Member): void {
    const n = this.liveCount() + 1;
    const c = m.confirmers?.size ?? 1;
    const span = m.suspectMaxMs - m.suspectMinMs;
    const t =
      n <= 1 ? m.suspectMaxMs : Math.max(m.suspectMinMs, m.suspectMaxMs - (span * Math.log(c + 1)) / Math.log(n + 1));
    const deadlineUs = m.suspectStartUs + Math.round(t * 1000);
    this.env.cancel(m.deadline);
    const id = m.id;
    m.deadline = this.env.after(Math.max(0, deadlineUs - this.env.localNow()), () => this.suspicionExpired(id));
  }

  private suspicionExpired(id: NodeId): void {
    const m = this.members.get(id);
    if (m === undefined || m.status !== "suspect") return;
    this.env.mark("membership.dead.probe");
    this.markDead(m, "probe");
    this.broadcast({ type: "dead", node: id, incarnation: m.incarnation });
  }

  private markDead(m: Member, via: "probe" | "gossip"): void {
    this.env.cancel(m.deadline);
    m.deadline = -1;
    this.setStatus(m, "dead");
    m.confirmers = null;
    m.deadAtUs = this.env.localNow();
    m.deathIncarnation = m.incarnation;
    this.env.emit("member.dead", { node: m.id, incarnation: m.incarnation, via });
    this.hooks.onDead?.(m.id, via);
  }

  private onSuspectGossip(from: NodeId, node: NodeId, inc: number): void {
    if (node === this.env.id) return this.refute(inc, 1);
    const m = this.members.get(node);
    if (m === undefined || inc < m.incarnation || m.status === "dead" || m.status === "unconfirmed") return;
    if (m.status === "suspect" && inc === m.incarnation) {
      // An independent confirmation may only shorten the deadline, never restart it.
      if (m.confirmers !== null && !m.confirmers.has(from)) {
        this.env.mark("membership.suspect.confirmed");
        m.confirmers.add(from);
        this.rescheduleDeadline(m);
      }
      return;
    }
    this.env.mark("membership.suspect.gossip");
    m.incarnation = inc;
    this.startSuspicion(m, from, false);
  }

  private onAliveGossip(from: NodeId, node: NodeId, inc: number): void {
    if (node === this.env.id) return;
    // Nothing relays gossip yet (see the header): an alive comes from the node it names, so
    // it is a direct message, and an unknown sender is learned there like any other.
    if (from === node) return this.observeDirect(node, inc);
    const m = this.members.get(node);
    if (m !== undefined && inc > m.incarnation) this.revive(m, inc);
  }

  private onDeadGossip(node: NodeId, inc: number): void {
    if (node === this.env.id) return this.refute(inc, this.cfg.zombieIncarnationBump);
    const m = this.members.get(node);
    if (m === undefined || m.status === "dead" || inc < m.incarnation) return;
    this.env.mark("membership.dead.gossip");
    m.incarnation = inc;
    this.markDead(m, "gossip");
  }

  /** A message straight from `from` carrying its incarnation. */
  private observeDirect(from: NodeId, inc: number): void {
    const m = this.members.get(from);
    if (m === undefined) {
      const role = this.scope.roleOf(from);
      if (role === null) return; // not a peer this node tracks
      this.env.mark("membership.learned.direct");
      const fresh = newMember(from, this.env.localNow(), role);
      fresh.incarnation = inc;
      this.add(fresh);
      this.confirm(fresh);
      return;
    }
    if (m.status === "dead" && inc <= m.deathIncarnation) {
      // It missed its own death (a healed partition): tell it so it can refute.
      this.env.mark("membership.dead.toldToRefute");
      this.env.send(from, { type: "dead", node: from, incarnation: m.deathIncarnation });
      return;
    }
    if (inc > m.incarnation) this.revive(m, inc);
    else if (m.status === "unconfirmed") this.confirm(m);
    // Tell a suspect that talks to us what we think, so it can refute (it may have missed
    // the gossip, e.g. behind a partition that has since healed).
    else if (m.status === "suspect") {
      this.env.mark("membership.suspect.toldToRefute");
      this.env.send(from, { type: "suspect", node: from, incarnation: m.incarnation });
    }
  }

  private revive(m: Member, inc: number): void {
    if (m.status === "dead") {
      const recent = this.env.localNow() - m.deadAtUs < this.cfg.zombieWindowMs * 1000;
      if (recent && inc < m.deathIncarnation + this.cfg.zombieIncarnationBump) {
        this.env.mark("membership.zombie.refused");
        return;
      }
      this.env.mark(recent ? "membership.join.restarted" : "membership.join.afterWindow");
      m.incarnation = inc;
      this.setStatus(m, "ok");
      this.env.emit("member.join", { node: m.id, incarnation: inc });
      this.hooks.onJoin?.(m.id);
      return;
    }
    const wasSuspect = m.status === "suspect";
    const restarted = m.status !== "unconfirmed" && inc >= m.incarnation + this.cfg.zombieIncarnationBump;
    m.incarnation = inc;
    if (m.status === "unconfirmed") return this.confirm(m);
    if (restarted) {
      this.env.mark("membership.restart.detected");
      this.env.emit("member.restarted", { node: m.id, incarnation: inc });
      this.hooks.onRestart?.(m.id);
    }
    if (wasSuspect) {
      this.env.mark("membership.suspect.refuted");
      this.env.cancel(m.deadline);
      m.deadline = -1;
      m.confirmers = null;
      this.setStatus(m, "ok");
      this.env.emit("member.alive", { node: m.id, incarnation: inc });
      this.hooks.onAlive?.(m.id);
    }
  }

  private add(m: Member): void {
    this.members.set(m.id, m);
    this.count(m.status, 1);
    if (this.isSeed(m.id)) this.missingSeeds--;
  }

  private remove(m: Member): void {
    this.members.delete(m.id);
    this.count(m.status, -1);
    if (this.isSeed(m.id)) this.missingSeeds++;
  }

  /** Every status change goes through here, so the counts stay exact. */
  private setStatus(m: Member, status: MemberStatus): void {
    this.count(m.status, -1);
    this.count(status, 1);
    m.status = status;
  }

  /** A configured peer: one the scope seeds the table with (never this node itself). */
  private isSeed(id: NodeId): boolean {
    return id !== this.env.id && this.scope.isSeed(id);
  }

  private count(status: MemberStatus, delta: 1 | -1): void {
    if (status === "unconfirmed") this.unconfirmed += delta;
    else if (status === "dead") this.dead += delta;
  }

  private confirm(m: Member): void {
    this.setStatus(m, "ok");
    this.env.emit("member.confirmed", { node: m.id, incarnation: m.incarnation });
    this.hooks.onAlive?.(m.id);
  }

  private refute(inc: number, bump: number): void {
    if (inc < this.incarnation) return;
    const now = this.env.localNow();
    const windowUs = this.cfg.refutationRateLimitWindowMs * 1000;
    this.refutations = this.refutations.filter((at) => now - at < windowUs);
    if (this.refutations.length >= this.cfg.refutationRateLimitCount) {
      this.env.mark("membership.refute.rateLimited");
      return;
    }
    this.env.mark(bump === 1 ? "membership.refute.suspicion" : "membership.refute.death");
    this.refutations.push(now);
    this.bumpLhm(1);
    this.incarnation = inc + bump;
    this.env.durable[DURABLE_KEY] = this.incarnation;
    this.env.emit("member.refuted", { incarnation: this.incarnation });
    this.broadcast({ type: "alive", node: this.env.id, incarnation: this.incarnation });
  }

  private liveCount(): number {
    return this.members.size - this.dead;
  }

  private broadcast(msg: MembershipMessage): void {
    // Gossip about a peer goes to the members that track it; news of this node, to all.
    const about = "node" in msg && msg.node !== this.env.id ? this.members.get(msg.node)?.role : undefined;
    for (const m of this.members.values()) {
      if (m.status === "dead" && msg.type !== "alive") continue;
      if ("node" in msg && msg.node === m.id) continue;
      if (about !== undefined && !PeerScope.tracks(m.role, about)) continue;
      this.env.send(m.id, msg);
    }
  }
}
