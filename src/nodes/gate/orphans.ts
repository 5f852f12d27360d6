// Gate job ownership across gates (PROTOCOL.md §5.13): the leader gate announces each job
// to its peers, which keep a replica. When the leader gate dies (or restarts, losing its
// volatile state), its jobs become orphaned; after orphanGracePeriodMs the owner among
// the live gates — by rendezvous hashing on the job id, so every gate agrees without
// talking — adopts each one: fence token + 1, `job-leader-gate-transfer` to each DC's job
// leader, `gate-job-leader-transfer` to the client, and it resumes any DC dispatch that
// had not been accepted yet.
//
// Simplified: no lease expiry or `orphanTimeoutMs` failure, and no forwarding of job
// messages between gates (managers re-route through the transfer instead).

import type { GateJobReplica, NodeId } from "../messages.js";
import { fromGateReplica, isTerminalStatus, type GateJob } from "./job-state.js";
import type { GateHost, GateJobs } from "./jobs.js";

export class GateOrphans {
  private readonly onTick = (): void => this.check();

  constructor(
    private readonly host: GateHost,
    private readonly jobs: GateJobs,
    /** Gates not known DEAD, self included. */
    private readonly liveGates: () => NodeId[],
  ) {}

  start(): void {
    this.host.env.after(this.host.cfg.orphanCheckIntervalMs * 1000, this.onTick);
  }

  onReplica(r: GateJobReplica): void {
    const existing = this.jobs.jobs.get(r.job.jobId);
    if (existing !== undefined && r.fenceToken < existing.fenceToken) return;
    if (existing !== undefined && this.jobs.leads(existing)) return;
    if (existing !== undefined && isTerminalStatus(existing.status)) return;
    this.jobs.jobs.set(r.job.jobId, fromGateReplica(r, this.host.env.localNow()));
  }

  onPeerLost(peer: NodeId): void {
    const now = this.host.env.localNow();
    for (const job of this.jobs.jobs.values()) {
      if (job.leaderGate !== peer || isTerminalStatus(job.status) || job.orphanedSinceUs >= 0) continue;
      job.orphanedSinceUs = now;
      this.host.env.emit("job.orphaned", { job: job.spec.jobId, formerLeader: peer });
    }
  }

  private check(): void {
    const { env, cfg } = this.host;
    env.after(cfg.orphanCheckIntervalMs * 1000, this.onTick);
    const now = env.localNow();
    let live: NodeId[] | null = null;
    for (const job of [...this.jobs.jobs.values()]) {
      if (job.orphanedSinceUs < 0 || isTerminalStatus(job.status) || now - job.orphanedSinceUs < cfg.orphanGracePeriodMs * 1000) continue;
      live ??= this.liveGates();
      if (ringOwner(job.spec.jobId, live) === env.id) this.adopt(job);
    }
  }

  private adopt(job: GateJob): void {
    const env = this.host.env;
    const from = job.leaderGate;
    job.leaderGate = env.id;
    job.fenceToken++;
    job.orphanedSinceUs = -1;
    env.emit("job.adopted", { job: job.spec.jobId, fenceToken: job.fenceToken, from });
    for (const d of [...job.dcs.values()]) {
      if (d.manager !== null) env.send(d.manager, { type: "job-leader-gate-transfer", jobId: job.spec.jobId, newGate: env.id, fenceToken: job.fenceToken });
      else this.jobs.startDc(job, d.dc);
    }
    env.send(job.spec.callbackAddr, { type: "gate-job-leader-transfer", jobId: job.spec.jobId, newGate: env.id, fenceToken: job.fenceToken });
    this.jobs.announce(job);
  }
}

/** Rendezvous hashing: the live gate with the highest hash of (job, gate); ties by id. */
export function ringOwner(jobId: string, gates: readonly NodeId[]): NodeId | null {
  let best: NodeId | null = null;
  let bestHash = -1;
  for (const g of gates) {
    const h = fnv1a(`${jobId}|${g}`);
    if (h > bestHash || (h === bestHash && best !== null && g < best)) {
      best = g;
      bestHash = h;
    }
  }
  return best;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
