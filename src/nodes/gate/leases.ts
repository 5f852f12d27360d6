// Job leases across gates (PROTOCOL.md §5.13 "Acquire", JobAck "lease held by another
// gate"). Before a gate accepts a client's job it asks its peers to record it as the
// job's lease holder; a peer grants only if it has no holder for the job or it is the
// same gate. With a majority of grants (self included) the gate accepts; a refusal names
// the holder, so the client can go there. This is what stops two gates from both owning
// one job when a client retries a submission whose ACK was lost.
//
// Holders are durable (they stand for the committed `create_lease` in the per-job gate
// log), and forgotten `retentionMs` after they were last set.

import type { NodeEnv, TimerHandle } from "../../sim/index.js";
import type { ClusterMessage, NodeId } from "../messages.js";
import { majority } from "../parts/election.js";

interface Pending {
  grants: Set<NodeId>;
  timer: TimerHandle;
  done: (outcome: { ok: true } | { ok: false; error: string; holder: NodeId | null }) => void;
}

export class JobLeases {
  /** job → { holder, setAtUs }. */
  readonly holders: Map<string, { holder: NodeId; setAtUs: number }>;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly peers: readonly NodeId[],
    private readonly timeoutMs: number,
    private readonly retentionMs: number,
  ) {
    if (!(env.durable["gate.leases"] instanceof Map)) env.durable["gate.leases"] = new Map();
    this.holders = env.durable["gate.leases"] as JobLeases["holders"];
  }

  holderOf(jobId: string): NodeId | null {
    return this.holders.get(jobId)?.holder ?? null;
  }

  /** Records who leads a job (an accept, an adoption or an announcement). */
  record(jobId: string, holder: NodeId): void {
    this.holders.set(jobId, { holder, setAtUs: this.env.localNow() });
  }

  /** Asks the peers for the lease; `done` runs once with the outcome. */
  acquire(jobId: string, done: Pending["done"]): void {
    const holder = this.holderOf(jobId);
    if (holder !== null && holder !== this.env.id)
      return done({ ok: false, error: "lease held by another gate", holder });
    if (this.pending.has(jobId)) return done({ ok: false, error: "lease acquisition in progress", holder: null });
    this.record(jobId, this.env.id);
    const p: Pending = { grants: new Set([this.env.id]), timer: -1, done };
    if (p.grants.size >= majority(this.peers.length + 1)) return done({ ok: true });
    this.pending.set(jobId, p);
    for (const peer of this.peers) this.env.send(peer, { type: "job-lease-request", jobId });
    p.timer = this.env.after(this.timeoutMs * 1000, () =>
      this.finish(jobId, { ok: false, error: "quorum unavailable", holder: null }),
    );
  }

  onRequest(from: NodeId, jobId: string): void {
    const holder = this.holderOf(jobId);
    if (holder === null || holder === from) {
      this.record(jobId, from);
      this.env.send(from, { type: "job-lease-grant", jobId, granted: true, holder: from });
    } else {
      this.env.send(from, { type: "job-lease-grant", jobId, granted: false, holder });
    }
  }

  onGrant(from: NodeId, jobId: string, granted: boolean, holder: NodeId): void {
    const p = this.pending.get(jobId);
    if (p === undefined) return;
    if (!granted) {
      // Someone else holds it: step aside so the client is sent to the holder.
      if (this.holderOf(jobId) === this.env.id) this.record(jobId, holder);
      return this.finish(jobId, { ok: false, error: "lease held by another gate", holder });
    }
    p.grants.add(from);
    if (p.grants.size >= majority(this.peers.length + 1)) this.finish(jobId, { ok: true });
  }

  /** Forgets holders older than the retention (the job itself is gone by then). */
  sweep(stillKnown: (jobId: string) => boolean): void {
    const now = this.env.localNow();
    for (const [jobId, h] of [...this.holders]) {
      if (now - h.setAtUs >= this.retentionMs * 1000 && !this.pending.has(jobId) && !stillKnown(jobId))
        this.holders.delete(jobId);
    }
  }

  private finish(jobId: string, outcome: Parameters<Pending["done"]>[0]): void {
    const p = this.pending.get(jobId);
    if (p === undefined) return;
    this.pending.delete(jobId);
    this.env.cancel(p.timer);
    p.done(outcome);
  }
}
