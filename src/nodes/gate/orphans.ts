// Gate job ownership across gates (PROTOCOL.md §5.13): the leader gate announces each job
// to its peers, which keep a replica. When the leader gate dies (or restarts, losing its
// volatile state), its jobs become orphaned. The live gates other than the former leader
// are ranked per job by rendezvous hashing, so every gate with the same view agrees
// without talking; the k-th ranked adopts once the job has been orphaned for
// (k + 1) × orphanGracePeriodMs and nobody has announced an adoption (views differ under
// faults, so a lower-ranked gate covers for one that cannot act). Adoption: fence token
// + 1, `job-leader-gate-transfer` to every manager of each target DC, and
// `gate-job-leader-transfer` to the client; it resumes any DC dispatch not yet accepted.
// Managers answer with the gate they follow: a gate that lost the race, or a leader that
// sees a higher token announced, steps back to holding a replica. A DC whose final result
// the old gate already acked is reported as such, and the adopter inherits the terminal
// state (gate/jobs.ts `inheritResult`).
//
// Simplified: no job leases or `orphanTimeoutMs` failure, and no forwarding of job
// messages between gates (managers re-route through the transfer instead).

import type { GateJobReplica, JobLeaderGateTransferAck, NodeId } from "../messages.js";
import { fromGateReplica, isTerminalStatus, toGateReplica, type GateJob } from "./job-state.js";
import type { GateHost, GateJobs } from "./jobs.js";
import { JOB_OVER, type JobLeases } from "./leases.js";

export class GateOrphans {
  /** Adopted jobs' DCs whose managers have not yet acknowledged the new gate. */
  private readonly unconfirmed = new Map<string, Set<string>>();
  /** Orphaned jobs whose lease this gate is asking its peers to hand over. */
  private readonly adopting = new Set<string>();
  private readonly onTick = (): void => this.check();

  constructor(
    private readonly host: GateHost,
    private readonly jobs: GateJobs,
    /** Gates not known DEAD, self included. */
    private readonly liveGates: () => NodeId[],
    private readonly leases: JobLeases,
  ) {}

  start(): void {
    this.host.env.after(this.host.cfg.orphanCheckIntervalMs * 1000, this.onTick);
  }

  onReplica(r: GateJobReplica): void {
    const existing = this.jobs.jobs.get(r.job.jobId);
    if (existing === undefined && this.jobs.deleted.isFinished(r.job.jobId)) {
      // A job that ended and was deleted here is not brought back by a late or stale claim.
      this.host.env.mark("gate.replica.ofDeletedJob");
      return;
    }
    if (existing !== undefined && r.fenceToken < existing.fenceToken) {
      // An older claim (a restarted former leader): tell it what we know, so it steps back.
      this.host.env.mark("gate.replica.stale");
      if (r.leaderGate !== existing.leaderGate && r.leaderGate !== this.host.env.id)
        this.host.env.send(r.leaderGate, { type: "job-leadership-announcement", replica: toGateReplica(existing) });
      return;
    }
    if (existing !== undefined && this.jobs.leads(existing)) {
      // Our own claim echoed back, or one at our token: a token is acquired through a lease
      // majority (leases.ts), so no other gate can hold the same one.
      if (r.leaderGate === this.host.env.id || r.fenceToken === existing.fenceToken) return;
      // Another gate adopted our job with a higher token: we no longer lead it.
      this.stepBack(existing, r.leaderGate, r.fenceToken);
    }
    if (existing !== undefined && isTerminalStatus(existing.status)) return;
    this.host.env.mark(existing === undefined ? "gate.replica.new" : "gate.replica.updated");
    this.jobs.jobs.set(r.job.jobId, fromGateReplica(r, this.host.env.localNow()));
  }

  /** A manager told an adopter which gate it follows. */
  onTransferAck(ack: JobLeaderGateTransferAck): void {
    const job = this.jobs.jobs.get(ack.jobId);
    if (job === undefined || !this.jobs.leads(job)) return;
    if (
      !ack.accepted &&
      ack.currentGate !== null &&
      ack.currentGate !== this.host.env.id &&
      ack.currentFenceToken >= job.fenceToken
    ) {
      return this.stepBack(job, ack.currentGate, ack.currentFenceToken);
    }
    if (!ack.accepted) {
      this.host.env.mark("gate.adopt.transferRefused");
      return;
    }
    this.host.env.mark("gate.adopt.transferAcked");
    this.unconfirmed.get(ack.jobId)?.delete(ack.datacenter);
    if (ack.finalDelivered && ack.status !== null) this.jobs.inheritResult(job, ack.datacenter, ack.status);
  }

  /** A restarted gate learned from the lease that `holder` leads its job now. */
  yieldTo(job: GateJob, holder: NodeId): void {
    this.stepBack(job, holder, job.fenceToken);
  }

  private stepBack(job: GateJob, to: NodeId, fenceToken: number): void {
    const env = this.host.env;
    env.mark("gate.adopt.steppedBack");
    job.revalidating = false;
    job.finishIntent = null;
    for (const d of job.dcs.values()) if (d.timer !== -1) env.cancel(d.timer);
    job.leaderGate = to;
    job.fenceToken = Math.max(job.fenceToken, fenceToken);
    job.orphanedSinceUs = -1;
    env.emit("job.leadershipLost", { job: job.spec.jobId, to, fenceToken });
  }

  onPeerLost(peer: NodeId): void {
    const now = this.host.env.localNow();
    for (const job of this.jobs.jobs.values()) {
      if (job.leaderGate !== peer || isTerminalStatus(job.status) || job.orphanedSinceUs >= 0) continue;
      job.orphanedSinceUs = now;
      this.host.env.mark("gate.job.orphaned");
      this.host.env.emit("job.orphaned", { job: job.spec.jobId, formerLeader: peer });
    }
  }

  /** Adoptions waiting for a lease majority, and adopted jobs whose DCs have not all acked the transfer. */
  openPerJob(): Record<string, string[]> {
    const open = [...this.unconfirmed].filter(([jobId, dcs]) => {
      const job = this.jobs.jobs.get(jobId);
      return job !== undefined && this.jobs.leads(job) && !isTerminalStatus(job.status) && dcs.size > 0;
    });
    return { adoptions: [...this.adopting], gateTransfers: open.map(([jobId]) => jobId) };
  }

  private check(): void {
    const { env, cfg } = this.host;
    env.after(cfg.orphanCheckIntervalMs * 1000, this.onTick);
    const now = env.localNow();
    this.resendTransfers();
    let live: NodeId[] | null = null;
    for (const job of [...this.jobs.jobs.values()]) {
      if (job.orphanedSinceUs < 0 || isTerminalStatus(job.status)) continue;
      live ??= this.liveGates();
      const rank = ringRank(
        job.spec.jobId,
        live.filter((g) => g !== job.leaderGate),
      ).indexOf(env.id);
      if (rank < 0 || now - job.orphanedSinceUs < cfg.orphanGracePeriodMs * 1000 * (rank + 1)) continue;
      if (this.adopting.has(job.spec.jobId)) continue;
      env.mark(rank === 0 ? "gate.adopt.firstRanked" : "gate.adopt.coveringRank");
      this.takeLease(job);
    }
  }

  /** Adoption forces the job's lease (§5.13): only with a majority of gates behind it. */
  private takeLease(job: GateJob): void {
    const jobId = job.spec.jobId;
    const former = job.leaderGate;
    this.adopting.add(jobId);
    this.leases.acquire(
      jobId,
      (outcome) => {
        this.adopting.delete(jobId);
        const still = this.jobs.jobs.get(jobId) === job && job.orphanedSinceUs >= 0 && !isTerminalStatus(job.status);
        if (!still) return;
        if (outcome.ok) return this.adopt(job);
        if (outcome.error === JOB_OVER) return this.jobs.learnOver(job, outcome.holder, outcome.finished ?? null);
        if (outcome.holder !== null && outcome.holder !== former && outcome.holder !== this.host.env.id) {
          // Another gate holds it now (it adopted first): follow it.
          return this.stepBack(job, outcome.holder, job.fenceToken);
        }
        this.host.env.mark("gate.adopt.noMajority"); // tried again at the next check
      },
      former,
    );
  }

  private adopt(job: GateJob): void {
    const env = this.host.env;
    const from = job.leaderGate;
    job.leaderGate = env.id;
    job.fenceToken++;
    job.orphanedSinceUs = -1;
    job.leaseExpiresUs = env.localNow() + this.host.cfg.jobLeaseMs * 1000;
    this.leases.record(job.spec.jobId, env.id);
    env.emit("job.adopted", { job: job.spec.jobId, fenceToken: job.fenceToken, from });
    const waiting = new Set<string>();
    for (const d of [...job.dcs.values()]) {
      if (d.manager === null) {
        env.mark("gate.adopt.resumeDispatch");
        this.jobs.startDc(job, d.dc);
      } else waiting.add(d.dc);
    }
    this.unconfirmed.set(job.spec.jobId, waiting);
    this.sendTransfers(job, waiting);
    env.send(job.spec.callbackAddr, {
      type: "gate-job-leader-transfer",
      jobId: job.spec.jobId,
      newGate: env.id,
      fenceToken: job.fenceToken,
    });
    this.jobs.announce(job);
  }

  /** Sends the transfer to every manager of each DC: the job leader may have changed since the replica was made. */
  private sendTransfers(job: GateJob, dcs: ReadonlySet<string>): void {
    const env = this.host.env;
    for (const dc of dcs) {
      const d = job.dcs.get(dc);
      const managers = new Set([
        ...(d?.manager === null || d === undefined ? [] : [d.manager]),
        ...(this.host.dcView.dcManagers.get(dc)?.keys() ?? []),
      ]);
      for (const m of managers)
        env.send(m, {
          type: "job-leader-gate-transfer",
          jobId: job.spec.jobId,
          newGate: env.id,
          fenceToken: job.fenceToken,
        });
    }
  }

  /** Transfers are retried every orphan check until each DC has acknowledged the new gate. */
  private resendTransfers(): void {
    for (const [jobId, dcs] of [...this.unconfirmed]) {
      const job = this.jobs.jobs.get(jobId);
      if (job === undefined || !this.jobs.leads(job) || isTerminalStatus(job.status) || dcs.size === 0) {
        this.unconfirmed.delete(jobId);
        continue;
      }
      this.host.env.mark("gate.adopt.transferResent");
      this.sendTransfers(job, dcs);
    }
  }
}

/** Rendezvous hashing: gates ordered by the hash of (job, gate), highest first; ties by id. */
export function ringRank(jobId: string, gates: readonly NodeId[]): NodeId[] {
  const scored = gates.map((g) => ({ g, h: fnv1a(`${jobId}|${g}`) }));
  scored.sort((a, b) => b.h - a.h || (a.g < b.g ? -1 : a.g > b.g ? 1 : 0));
  return scored.map((s) => s.g);
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
