// When a job leader's change is safe to act on (PROTOCOL.md §1: "an entry is durable only if
// it was written before the ack that depends on it"; the per-job log is replicated). Each
// sync of a job carries a version; peers ack the versions they applied. A change is
// committed once a majority of the DC's managers (the leader included) hold a version that
// contains it. Acks that let someone forget a change wait for that: the worker's result ack
// (it drops the result) and the final result to the gate (it ends the job). A new leader
// gathers a majority's copies before it takes a job over (takeover.ts), so it always sees
// a committed change.

import { majority } from "../parts/election.js";

interface Waiter {
  readonly version: number;
  readonly fn: () => void;
}

export class SyncCommits {
  /** Per job: the version of the latest sync sent. */
  private readonly sent = new Map<string, number>();
  /** Per job: per peer, the highest version it acked under the job's current token. */
  private readonly acked = new Map<string, Map<string, number>>();
  private readonly waiters = new Map<string, Waiter[]>();

  constructor(private readonly clusterSize: number) {}

  /** The version of the next sync of `jobId`. */
  next(jobId: string): number {
    const v = (this.sent.get(jobId) ?? 0) + 1;
    this.sent.set(jobId, v);
    return v;
  }

  current(jobId: string): number {
    return this.sent.get(jobId) ?? 0;
  }

  /** Runs `fn` once a majority holds `version` (at once in a DC of one manager). */
  when(jobId: string, version: number, fn: () => void): void {
    if (this.committed(jobId) >= version) return fn();
    let list = this.waiters.get(jobId);
    if (list === undefined) {
      list = [];
      this.waiters.set(jobId, list);
    }
    list.push({ version, fn });
  }

  hasWaiters(jobId: string): boolean {
    return (this.waiters.get(jobId)?.length ?? 0) > 0;
  }

  ack(jobId: string, peer: string, version: number): void {
    let byPeer = this.acked.get(jobId);
    if (byPeer === undefined) {
      byPeer = new Map();
      this.acked.set(jobId, byPeer);
    }
    if (version <= (byPeer.get(peer) ?? 0)) return;
    byPeer.set(peer, version);
    const list = this.waiters.get(jobId);
    if (list === undefined) return;
    const upTo = this.committed(jobId);
    const ready = list.filter((w) => w.version <= upTo);
    if (ready.length === 0) return;
    this.waiters.set(
      jobId,
      list.filter((w) => w.version > upTo),
    );
    for (const w of ready) w.fn();
  }

  /** A new token (takeover): versions start over, and old acks and waiters mean nothing. */
  restart(jobId: string): void {
    this.forget(jobId);
  }

  forget(jobId: string): void {
    this.sent.delete(jobId);
    this.acked.delete(jobId);
    this.waiters.delete(jobId);
  }

  /** The highest version a majority (this leader included, which holds every version it sent) holds. */
  private committed(jobId: string): number {
    const need = majority(this.clusterSize) - 1; // peers besides this leader
    if (need <= 0) return Number.POSITIVE_INFINITY;
    const versions = [...(this.acked.get(jobId)?.values() ?? [])].sort((a, b) => b - a);
    return versions[need - 1] ?? 0;
  }
}
