// Quorum from the configured cluster size (PROTOCOL.md §5.1, AD-3) and the leader's
// quorum stepdown: checked every quorumCheckIntervalMs, stepping down after
// quorumStepdownConsecutiveFailures failed checks in a row. Non-leaders never step down.

import type { NodeEnv } from "../../sim/index.js";
import type { ElectionConfig } from "../config.js";
import type { ClusterMessage } from "../messages.js";
import type { Membership } from "./membership.js";
import { majority, type Election } from "./election.js";

export interface QuorumView {
  size: number;
  active: number;
  hasQuorum: boolean;
}

/**
 * N = max(seed peers, distinct confirmed peers not purged) + 1; the active count is self
 * plus every confirmed, not-DEAD member of `peers`.
 */
export function quorumView(membership: Membership, peers: readonly string[]): QuorumView {
  let confirmed = 0;
  let active = 1;
  for (const id of peers) {
    const status = membership.status(id);
    if (status === null || status === "unconfirmed") continue;
    confirmed++;
    if (status !== "dead") active++;
  }
  const size = majority(Math.max(peers.length, confirmed) + 1);
  return { size, active, hasQuorum: active >= size };
}

/** The stepdown loop of a leader; `failureStreak` is readable by checks. */
export class QuorumMonitor {
  failureStreak = 0;
  private readonly onTick = (): void => this.check();

  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly cfg: ElectionConfig,
    private readonly election: Election,
    private readonly view: () => QuorumView,
  ) {}

  start(): void {
    this.env.after(this.cfg.quorumCheckIntervalMs * 1000, this.onTick);
  }

  private check(): void {
    this.env.after(this.cfg.quorumCheckIntervalMs * 1000, this.onTick);
    // A leader whose lease lapsed still checks: losing quorum is exactly what lapses it.
    if (this.election.role !== "leader") {
      this.failureStreak = 0;
      return;
    }
    const v = this.view();
    this.failureStreak = v.hasQuorum ? 0 : this.failureStreak + 1;
    this.env.emit("quorum.check", { ok: v.hasQuorum, streak: this.failureStreak, active: v.active, size: v.size });
    if (!v.hasQuorum) this.env.mark("quorum.check.failed");
    if (this.failureStreak >= this.cfg.quorumStepdownConsecutiveFailures) {
      this.failureStreak = 0;
      this.election.stepDown("quorum");
    }
  }
}
