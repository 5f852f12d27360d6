// Jobs this node deleted, remembered for idempotencyCommittedTtlMs (PROTOCOL.md §3.17,
// §5.22: a committed idempotency entry outlives the job). A late copy of a job's submission
// that arrives after the cleanup then gets the cached "accepted" answer instead of creating
// the job a second time, and a client that was cut off past the retention can still learn
// the outcome. The model has no idempotency keys yet: the job id is the key (client.ts).
// The ledger is durable, like the job logs it stands beside.
//
// An entry says how much this node knew when it deleted the job:
//   outcome    it led the job to this final outcome;
//   finished   it held a replica of a job it knew was over;
//   forgotten  it dropped a replica it had not heard of for long (the job may not be over),
//              with that replica's fence token when known (-1 otherwise).

import type { NodeEnv } from "../../sim/index.js";
import type { ClusterMessage, JobOutcome, NodeId } from "../messages.js";

export type DeletedJob =
  | {
      readonly kind: "outcome" | "finished";
      readonly outcome: JobOutcome | null;
      /** The node that ended the job, when known. */
      readonly holder: NodeId | null;
      readonly atUs: number;
    }
  | { readonly kind: "forgotten"; readonly atUs: number; readonly fenceToken: number };

export class DeletedJobs {
  private readonly entries: Map<string, DeletedJob>;

  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly ttlMs: number,
    durableKey: string,
  ) {
    const stored = env.durable[durableKey];
    this.entries = stored instanceof Map ? (stored as Map<string, DeletedJob>) : new Map();
    env.durable[durableKey] = this.entries;
  }

  /** A job this node led to `outcome` was deleted. */
  addOutcome(jobId: string, outcome: JobOutcome): void {
    this.entries.set(jobId, { kind: "outcome", outcome, holder: this.env.id, atUs: this.env.localNow() });
  }

  /**
   * A replica was deleted: of a job known to be over (`outcome`, when the replica knew it;
   * null when it only knew the job ended), or, with `finished` false, one not heard of for long.
   */
  addReplica(jobId: string, finished: boolean, outcome: JobOutcome | null = null, holder: NodeId | null = null): void {
    const atUs = this.env.localNow();
    this.entries.set(
      jobId,
      finished ? { kind: "finished", outcome, holder, atUs } : { kind: "forgotten", atUs, fenceToken: -1 },
    );
  }

  /** A replica of a job that may still run was dropped at this fence token. */
  addForgotten(jobId: string, fenceToken: number): void {
    this.entries.set(jobId, { kind: "forgotten", atUs: this.env.localNow(), fenceToken });
  }

  /** The fence token of a forgotten replica; -1 when none is known. */
  forgottenToken(jobId: string): number {
    const e = this.entries.get(jobId);
    return e?.kind === "forgotten" ? e.fenceToken : -1;
  }

  /** Who ended a deleted job, when known. */
  holderOf(jobId: string): NodeId | null {
    const e = this.entries.get(jobId);
    return e === undefined || e.kind === "forgotten" ? null : e.holder;
  }

  /** Any entry: the job existed here, so a late submission of it must not create it again. */
  has(jobId: string): boolean {
    return this.entries.has(jobId);
  }

  /** The job is known to be over (so a stale leader of it must stand down). */
  isFinished(jobId: string): boolean {
    const e = this.entries.get(jobId);
    return e !== undefined && e.kind !== "forgotten";
  }

  outcomeOf(jobId: string): JobOutcome | null {
    const e = this.entries.get(jobId);
    return e === undefined || e.kind === "forgotten" ? null : e.outcome;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets entries older than the TTL; a submission after that counts as new. */
  sweep(): void {
    const cutoff = this.env.localNow() - this.ttlMs * 1000;
    for (const [jobId, e] of [...this.entries]) {
      if (e.atUs > cutoff) continue;
      this.env.mark("ledger.deleted.expired");
      this.entries.delete(jobId);
    }
  }
}
