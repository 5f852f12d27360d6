// SWIM probe rounds (PROTOCOL.md §5.2): one round at a time, one target per
// probeIntervalMs taken round-robin over a shuffled member list. A round sends the
// direct probe up to probeRetryCount + 1 times (each try waits 0.5 × the timeout, the
// last 0.8 ×), then a `ping-req` through indirectProbeProxyCount healthy proxies (a random
// subset of the members that track the target, as SWIM picks k random members) and waits
// one more timeout; a round that gets no answer is reported to the member table,
// which decides on suspicion. This node also serves as a proxy for others' ping-reqs.
// Bound methods and fields carry the round's state, so a round allocates only messages.
//
// Simplified: no retry backoff or jitter between tries, and no Vivaldi or peer-load
// factors in the timeout (only LHM stretches it).

import type { NodeEnv, Rng, TimerHandle } from "../../sim/index.js";
import type { MembershipConfig } from "../config.js";
import type { ClusterMessage, NodeId } from "../messages.js";
import type { Member } from "./member.js";
import { PeerScope } from "./peer-scope.js";

/** What a probe round needs from the member table. */
export interface ProbeTable {
  readonly members: ReadonlyMap<NodeId, Member>;
  readonly incarnation: number;
  readonly lhm: number;
  bumpLhm(delta: 1 | -1): void;
  /** Drops expired members; called before each reshuffle. */
  sweep(): void;
  /** Nothing answered a round: the table may suspect the target. */
  probeFailed(target: NodeId): void;
}

export class ProbeRounds {
  private order: NodeId[] = [];
  private cursor = 0;
  private nextSeq = 1;
  private probeTarget: NodeId | null = null;
  private probeSeq = 0;
  private probeAttempt = 0;
  private probeIndirect = false;
  private probeTimer: TimerHandle = -1;
  private readonly proxied = new Map<number, { requester: NodeId; seq: number; target: NodeId }>();
  private readonly onTick = (): void => this.tick();
  private readonly onProbeTimer = (): void => this.probeTimedOut();

  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly cfg: MembershipConfig,
    private readonly rng: Rng,
    private readonly table: ProbeTable,
  ) {}

  start(): void {
    this.env.after(this.rng.int(0, this.cfg.probeIntervalMs * 1000), this.onTick);
  }

  /** The target of the round in progress, or null. */
  get target(): NodeId | null {
    return this.probeTarget;
  }

  /** A ping-req answer from a proxy. */
  onPingReqAck(seq: number, target: NodeId, reached: boolean): void {
    if (!reached || seq !== this.probeSeq || target !== this.probeTarget) return;
    this.env.mark("probe.indirect.reached");
    this.probeSucceeded(false);
  }

  private tick(): void {
    this.env.after(this.cfg.probeIntervalMs * 1000, this.onTick);
    if (this.probeTarget !== null) return;
    const target = this.nextTarget();
    if (target === null) return;
    this.probeTarget = target;
    this.probeSeq = this.nextSeq++;
    this.probeAttempt = 0;
    this.probeIndirect = false;
    this.sendProbe(target);
  }

  private nextTarget(): NodeId | null {
    for (let scanned = 0; scanned <= this.order.length; scanned++) {
      if (this.cursor >= this.order.length) this.reshuffle();
      const id = this.order[this.cursor++];
      if (id === undefined) return null;
      const m = this.table.members.get(id);
      if (m !== undefined && m.status !== "dead") return id;
    }
    return null;
  }

  private reshuffle(): void {
    this.table.sweep();
    const ids: NodeId[] = [];
    for (const m of this.table.members.values()) if (m.status !== "dead") ids.push(m.id);
    this.order = this.rng.shuffle(ids);
    this.cursor = 0;
  }

  timeoutUs(): number {
    const base = Math.min(
      this.cfg.probeTimeoutMaxMs,
      Math.max(this.cfg.probeTimeoutMinMs, this.cfg.probeTimeoutBaseMs),
    );
    return Math.round(base * 1000 * (1 + this.cfg.lhmTimeoutFactor * this.table.lhm));
  }

  private sendProbe(target: NodeId): void {
    const last = this.probeAttempt === this.cfg.probeRetryCount;
    this.env.send(target, { type: "probe", seq: this.probeSeq, incarnation: this.table.incarnation });
    this.probeTimer = this.env.after(Math.round(this.timeoutUs() * (last ? 0.8 : 0.5)), this.onProbeTimer);
  }

  private probeTimedOut(): void {
    this.probeTimer = -1;
    const target = this.probeTarget;
    if (target === null) return;
    if (!this.probeIndirect && this.probeAttempt < this.cfg.probeRetryCount) {
      this.env.mark("probe.direct.retry");
      this.probeAttempt++;
      this.sendProbe(target);
      return;
    }
    if (!this.probeIndirect) {
      this.table.bumpLhm(1);
      this.probeIndirect = true;
      if (this.sendPingReqs(target) > 0) {
        this.env.mark("probe.indirect.sent");
        this.probeTimer = this.env.after(this.timeoutUs(), this.onProbeTimer);
        return;
      }
      this.env.mark("probe.indirect.noProxy");
    }
    this.env.mark("probe.round.failed");
    this.probeTarget = null;
    this.table.probeFailed(target);
  }

  /**
   * Sends the ping-req through up to k healthy members that track the target, found by
   * walking the shuffled round order from a random start: a random subset, and no list
   * built for it. A member outside the target's scope (a worker, for another worker) could
   * not vouch for it.
   */
  private sendPingReqs(target: NodeId): number {
    const order = this.order;
    const targetRole = this.table.members.get(target)?.role ?? "";
    if (order.length === 0 || this.cfg.indirectProbeProxyCount <= 0) return 0;
    const start = this.rng.int(0, order.length - 1);
    let sent = 0;
    for (let i = 0; i < order.length && sent < this.cfg.indirectProbeProxyCount; i++) {
      const id = order[(start + i) % order.length];
      const m = id === undefined ? undefined : this.table.members.get(id);
      if (m === undefined || m.id === target || m.status !== "ok" || !PeerScope.tracks(m.role, targetRole)) continue;
      this.env.send(m.id, { type: "ping-req", seq: this.probeSeq, target });
      sent++;
    }
    return sent;
  }

  onAck(from: NodeId, seq: number): void {
    const proxied = this.proxied.get(seq);
    if (proxied !== undefined && proxied.target === from) {
      this.env.mark("probe.proxy.reached");
      this.proxied.delete(seq);
      this.env.send(proxied.requester, { type: "ping-req-ack", seq: proxied.seq, target: from, reached: true });
      return;
    }
    if (from === this.probeTarget && seq === this.probeSeq) this.probeSucceeded(true);
  }

  probeSucceeded(direct: boolean): void {
    this.env.cancel(this.probeTimer);
    this.probeTimer = -1;
    this.probeTarget = null;
    if (direct) this.table.bumpLhm(-1);
  }

  proxyProbe(requester: NodeId, seq: number, target: NodeId): void {
    const mySeq = this.nextSeq++;
    this.proxied.set(mySeq, { requester, seq, target });
    this.env.send(target, { type: "probe", seq: mySeq, incarnation: this.table.incarnation });
    this.env.after(this.timeoutUs(), () => {
      if (!this.proxied.delete(mySeq)) return;
      this.env.mark("probe.proxy.unreached");
      this.env.send(requester, { type: "ping-req-ack", seq, target, reached: false });
    });
  }
}
