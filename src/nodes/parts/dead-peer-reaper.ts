// Dead-peer reaping (PROTOCOL.md §5.3, GP-1): an unhealthy signal starts a peer's
// unhealthy clock; a healthy signal clears it. Every checkIntervalMs a peer unhealthy for
// at least reapIntervalMs becomes dead, and a peer dead for 2 × reapIntervalMs is purged
// (the owner drops every trace of it through `onPurge`). A per-peer epoch rises with each
// failure so a recovery signal older than the latest failure is ignored.

import type { NodeEnv } from "../../sim/index.js";
import type { ClusterMessage, NodeId } from "../messages.js";

export interface ReaperConfig {
  checkIntervalMs: number;
  reapIntervalMs: number;
}

export interface ReaperHooks {
  /** The peer was unhealthy for a whole reap interval: dead for this node's purposes. */
  onDead?: (peer: NodeId) => void;
  /** The peer was dead for two more intervals: drop every trace of it. */
  onPurge: (peer: NodeId) => void;
}

export class DeadPeerReaper {
  readonly unhealthySinceUs = new Map<NodeId, number>();
  readonly deadPeers = new Map<NodeId, { deadSinceUs: number }>();
  readonly epochs = new Map<NodeId, number>();
  private readonly onTick = (): void => this.check();

  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly cfg: ReaperConfig,
    private readonly hooks: ReaperHooks,
  ) {}

  isDead(peer: NodeId): boolean {
    return this.deadPeers.has(peer);
  }

  start(): void {
    this.env.after(this.cfg.checkIntervalMs * 1000, this.onTick);
  }

  /** Returns the failure epoch this signal opened. */
  markUnhealthy(peer: NodeId): number {
    const epoch = (this.epochs.get(peer) ?? 0) + 1;
    this.epochs.set(peer, epoch);
    if (!this.unhealthySinceUs.has(peer) && !this.deadPeers.has(peer)) {
      this.env.mark("reaper.unhealthy");
      this.unhealthySinceUs.set(peer, this.env.localNow());
    }
    return epoch;
  }

  /** A recovery observed at `epoch` (default: now) clears the peer unless a newer failure exists. */
  markHealthy(peer: NodeId, epoch = this.epochs.get(peer) ?? 0): void {
    if (epoch < (this.epochs.get(peer) ?? 0)) {
      this.env.emit("peer.recoveryIgnored", { peer, epoch });
      return;
    }
    const wasUnhealthy = this.unhealthySinceUs.delete(peer);
    const wasDead = !wasUnhealthy && this.deadPeers.delete(peer);
    if (!wasUnhealthy && !wasDead) return;
    this.env.mark(wasDead ? "reaper.healthy.wasDead" : "reaper.healthy.wasUnhealthy");
    this.env.emit("peer.healthy", { peer });
  }

  private check(): void {
    this.env.after(this.cfg.checkIntervalMs * 1000, this.onTick);
    const now = this.env.localNow();
    const reapUs = this.cfg.reapIntervalMs * 1000;
    for (const [peer, since] of [...this.unhealthySinceUs]) {
      if (now - since < reapUs) continue;
      this.env.mark("reaper.dead");
      this.unhealthySinceUs.delete(peer);
      this.deadPeers.set(peer, { deadSinceUs: now });
      this.env.emit("peer.dead", { peer, unhealthyForMs: Math.floor((now - since) / 1000) });
      this.hooks.onDead?.(peer);
    }
    for (const [peer, dead] of [...this.deadPeers]) {
      if (now - dead.deadSinceUs < 2 * reapUs) continue;
      this.env.mark("reaper.purged");
      this.deadPeers.delete(peer);
      this.epochs.delete(peer);
      this.env.emit("peer.purged", { peer });
      this.hooks.onPurge(peer);
    }
  }
}
