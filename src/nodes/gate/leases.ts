// Job leases across gates (PROTOCOL.md §3.18, §5.13). A gate's claim on a job is recorded
// by a majority of gates before it counts, three times in a job's life:
//
//   acquire  before a gate accepts a client's job (or resumes one after a restart or a lost
//            lease): a peer grants it only if it knows no other holder. A refusal names the
//            holder, so the client can go there. This stops two gates owning one job when
//            a client retries a submission whose ACK was lost.
//   force    an adoption (`forceFrom`): the lease moves from a dead gate to the adopter; a
//            peer grants it only if the dead gate is the holder it knows. A gate cut off
//            from its peers therefore never adopts.
//   finish   before a leader gate finalises a job (`finish`): a peer grants it only if the
//            gate still holds the lease, and records the job as over. A leader that lost
//            its job to an adopter while paused or cut off is refused, and a job once
//            finished can never be adopted (peers refuse with `over`): each job ends once.
//
// Holders are durable (they stand for the committed `create_lease` in the per-job gate
// log), and forgotten `retentionMs` after they were last set.

import type { NodeEnv, TimerHandle } from "../../sim/index.js";
import type { ClusterMessage, JobOutcome, NodeId } from "../messages.js";
import { majority } from "../parts/election.js";

export type LeaseOutcome =
  | { ok: true }
  | {
      ok: false;
      error: string;
      holder: NodeId | null;
      /** With JOB_OVER: the outcome the holder finished the job with, when known. */
      finished?: JobOutcome | null;
    };

interface Pending {
  grants: Set<NodeId>;
  /** Peers that refused, with the holder each named: the round fails once a majority is out of reach. */
  refusals: Map<NodeId, NodeId>;
  timer: TimerHandle;
  /** A finish round: this gate has decided the job's ending, and a refusal does not move its holder record. */
  finishing: boolean;
  /** Local time after which the round's grants are too old to count. */
  deadlineUs: number;
  done: (outcome: LeaseOutcome) => void;
}

interface Holder {
  holder: NodeId;
  setAtUs: number;
  /** Set once the holder finalised the job with a majority: the job is over. */
  finished: JobOutcome | null;
}

/** The refusal every kind of request gets once the job is over. */
export const JOB_OVER = "job already over";

export class JobLeases {
  readonly holders: Map<string, Holder>;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly peers: readonly NodeId[],
    private readonly timeoutMs: number,
    private readonly retentionMs: number,
    /** True for a job this gate knows finished and deleted. */
    private readonly isDeleted: (jobId: string) => boolean,
    /** The outcome of a job this gate deleted, and who ended it, when it knew them. */
    private readonly deletedOutcome: (jobId: string) => { outcome: JobOutcome | null; holder: NodeId | null },
    /** A peer finalised the job with this gate's grant: its replica here is over too. */
    private readonly onFinishedElsewhere: (jobId: string, outcome: JobOutcome, holder: NodeId) => void,
  ) {
    if (!(env.durable["gate.leases"] instanceof Map)) env.durable["gate.leases"] = new Map();
    this.holders = env.durable["gate.leases"] as Map<string, Holder>;
  }

  /** Lease rounds still waiting for their majority. */
  openRounds(): string[] {
    return [...this.pending.keys()];
  }

  holderOf(jobId: string): NodeId | null {
    return this.holders.get(jobId)?.holder ?? null;
  }

  /** Records who leads a job (an accept, an adoption or an announcement). */
  record(jobId: string, holder: NodeId): void {
    const finished = this.holders.get(jobId)?.finished ?? null;
    this.holders.set(jobId, { holder, setAtUs: this.env.localNow(), finished });
  }

  private isOver(jobId: string): boolean {
    return this.isDeleted(jobId) || (this.holders.get(jobId)?.finished ?? null) !== null;
  }

  private outcomeOf(jobId: string): JobOutcome | null {
    return this.holders.get(jobId)?.finished ?? this.deletedOutcome(jobId).outcome;
  }

  /** The holder a refusal names: the recorded one, else whoever ended the deleted job. */
  private knownHolder(jobId: string): NodeId | null {
    return this.holders.get(jobId)?.holder ?? this.deletedOutcome(jobId).holder;
  }

  /** Asks the peers for the lease (or, with `forceFrom`, to hand it over from a dead gate). */
  acquire(jobId: string, done: (outcome: LeaseOutcome) => void, forceFrom: NodeId | null = null): void {
    const holder = this.holderOf(jobId);
    if (this.isOver(jobId))
      return done({ ok: false, error: JOB_OVER, holder: this.knownHolder(jobId), finished: this.outcomeOf(jobId) });
    if (holder !== null && holder !== this.env.id && holder !== forceFrom) {
      this.env.mark("gate.lease.heldElsewhere");
      return done({ ok: false, error: "lease held by another gate", holder });
    }
    this.ask(jobId, done, forceFrom, null);
  }

  /** Asks a majority to record that this gate, still the holder, finalises the job with `outcome`. */
  commitFinish(jobId: string, outcome: JobOutcome, done: (outcome: LeaseOutcome) => void): void {
    const holder = this.holderOf(jobId);
    if (holder !== null && holder !== this.env.id)
      return done({ ok: false, error: "lease held by another gate", holder });
    this.ask(jobId, done, null, outcome);
  }

  private ask(
    jobId: string,
    done: (outcome: LeaseOutcome) => void,
    forceFrom: NodeId | null,
    finish: JobOutcome | null,
  ): void {
    if (this.pending.has(jobId)) {
      this.env.mark("gate.lease.inProgress");
      return done({ ok: false, error: "lease acquisition in progress", holder: null });
    }
    this.record(jobId, this.env.id);
    const settle = (): void => {
      if (finish !== null) this.markFinished(jobId, finish);
      done({ ok: true });
    };
    const p: Pending = {
      grants: new Set([this.env.id]),
      refusals: new Map(),
      timer: -1,
      finishing: finish !== null,
      deadlineUs: this.env.localNow() + this.timeoutMs * 1000,
      done: (o) => (o.ok ? settle() : done(o)),
    };
    if (p.grants.size >= majority(this.peers.length + 1)) {
      this.env.mark("gate.lease.acquiredAlone");
      return p.done({ ok: true });
    }
    this.pending.set(jobId, p);
    const deadlineUs = p.deadlineUs;
    for (const peer of this.peers)
      this.env.send(peer, { type: "job-lease-request", jobId, forceFrom, finish, deadlineUs });
    p.timer = this.env.after(this.timeoutMs * 1000, () => {
      this.env.mark("gate.lease.timeout");
      this.finish(jobId, { ok: false, error: "quorum unavailable", holder: null });
    });
  }

  private markFinished(jobId: string, outcome: JobOutcome): void {
    const entry = this.holders.get(jobId);
    if (entry !== undefined) entry.finished = outcome;
  }

  onRequest(
    from: NodeId,
    jobId: string,
    forceFrom: NodeId | null,
    finish: JobOutcome | null,
    deadlineUs: number,
  ): void {
    if (this.env.localNow() > deadlineUs + this.timeoutMs * 1000) {
      // The requester gave up on this round long ago (this gate was paused with the request
      // queued): a grant now would record a holder that holds nothing, and the requester
      // ignores it as late. One more round timeout of slack covers clock offsets (chaos seed
      // 279: a gate back from a 219 s pause granted such a request, then stepped back from
      // its own job to that phantom holder, and nobody ever ended it).
      this.env.mark("gate.lease.expiredRequest");
      return;
    }
    const holder = this.knownHolder(jobId);
    const reply = (granted: boolean, over: boolean): void =>
      this.env.send(from, {
        type: "job-lease-grant",
        jobId,
        granted,
        holder,
        over,
        finished: over ? this.outcomeOf(jobId) : null,
      });
    // A repeated finish from the gate that finished it is granted again (its answer was lost).
    if (this.isOver(jobId) && !(finish !== null && holder === from)) {
      this.env.mark("gate.lease.refuseOver");
      return reply(false, true);
    }
    const mayHold = holder === null || holder === from || (forceFrom !== null && holder === forceFrom);
    if (!mayHold) {
      this.env.mark("gate.lease.refuse");
      return reply(false, false);
    }
    this.env.mark(
      finish !== null
        ? "gate.lease.finishGranted"
        : forceFrom !== null
          ? "gate.lease.forceGranted"
          : "gate.lease.grant",
    );
    this.record(jobId, from);
    if (finish !== null) {
      this.markFinished(jobId, finish);
      this.onFinishedElsewhere(jobId, finish, from);
    }
    this.env.send(from, { type: "job-lease-grant", jobId, granted: true, holder: from, over: false, finished: null });
  }

  onGrant(
    from: NodeId,
    jobId: string,
    answer: { granted: boolean; holder: NodeId | null; over: boolean; finished: JobOutcome | null },
  ): void {
    const p = this.pending.get(jobId);
    if (p === undefined) return;
    if (this.env.localNow() >= p.deadlineUs) {
      // The round outlived its timeout (this gate was paused): peers forget a grant's holder
      // after retention, so an old grant may no longer stand and must not make a majority
      // (chaos seeds 1732, 1826: a gate paused for 90 s accepted a job that had since ended).
      this.env.mark("gate.lease.lateGrant");
      return this.finish(jobId, { ok: false, error: "quorum unavailable", holder: null });
    }
    const { granted, holder, over, finished } = answer;
    if (over) {
      this.env.mark("gate.lease.refusedOver");
      return this.finish(jobId, { ok: false, error: JOB_OVER, holder, finished });
    }
    if (!granted) {
      this.env.mark("gate.lease.refused");
      p.refusals.set(from, holder ?? from);
      // One peer's stale view must not sink the round: it fails only once a majority is out of reach.
      if (this.peers.length + 1 - p.refusals.size >= majority(this.peers.length + 1)) return;
      // Someone else holds it: step aside so the client is sent to the holder. Not when
      // finishing: peers that granted recorded this gate's ending, so it must keep it (seed 4350).
      if (!p.finishing && this.holderOf(jobId) === this.env.id && holder !== null) this.record(jobId, holder);
      return this.finish(jobId, { ok: false, error: "lease held by another gate", holder });
    }
    p.grants.add(from);
    if (p.grants.size < majority(this.peers.length + 1)) return;
    this.env.mark("gate.lease.acquired");
    this.finish(jobId, { ok: true });
  }

  /** Forgets holders older than the retention (the job itself is gone by then). */
  sweep(stillKnown: (jobId: string) => boolean): void {
    const now = this.env.localNow();
    for (const [jobId, h] of [...this.holders]) {
      if (now - h.setAtUs < this.retentionMs * 1000 || this.pending.has(jobId) || stillKnown(jobId)) continue;
      this.env.mark("gate.lease.forgotten");
      this.holders.delete(jobId);
    }
  }

  private finish(jobId: string, outcome: LeaseOutcome): void {
    const p = this.pending.get(jobId);
    if (p === undefined) return;
    this.pending.delete(jobId);
    this.env.cancel(p.timer);
    p.done(outcome);
  }
}
