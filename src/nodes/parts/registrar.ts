// Registration with a fixed set of targets (workers → managers §5.25, managers → gates):
// send the registration, and while no answer has come, retry with full-jitter backoff
// from `retryBaseMs`, capped at 8 s. Unlike the reference's `registrationRetries` (3),
// retries continue until answered: in the model a target may boot or heal much later.

import type { NodeEnv } from "../../sim/index.js";
import type { ClusterMessage, NodeId } from "../messages.js";

export class Registrar {
  /** The cap of the retry backoff. */
  static readonly MAX_DELAY_MS = 8000;

  /** Targets that accepted us, in the order they answered. */
  readonly accepted = new Set<NodeId>();
  /** The leader a target named in its answer (workers take it as their primary). */
  leaderHint: NodeId | null = null;
  private readonly attempts = new Map<NodeId, number>();
  private readonly rng;

  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly retryBaseMs: number,
    private readonly build: () => ClusterMessage,
  ) {
    this.rng = env.rng.fork("registrar");
  }

  register(target: NodeId): void {
    const fresh = !this.attempts.has(target);
    this.attempts.set(target, 0);
    this.env.send(target, this.build());
    if (fresh) this.scheduleRetry(target);
  }

  /** Whether a registration with `target` is still waiting for its answer. */
  pending(target: NodeId): boolean {
    return this.attempts.has(target);
  }

  answered(from: NodeId, accepted: boolean, leaderHint: NodeId | null): void {
    if (!this.attempts.delete(from)) return;
    this.env.mark(accepted ? "registrar.accepted" : "registrar.refused");
    if (accepted) this.accepted.add(from);
    if (leaderHint !== null) this.leaderHint = leaderHint;
  }

  private scheduleRetry(target: NodeId): void {
    const n = this.attempts.get(target) ?? 0;
    const capMs = Math.min(Registrar.MAX_DELAY_MS, this.retryBaseMs * 2 ** n);
    this.env.after(this.rng.int(this.retryBaseMs * 500, capMs * 1000), () => {
      const attempt = this.attempts.get(target);
      if (attempt === undefined) return;
      this.env.mark("registrar.retry");
      this.attempts.set(target, attempt + 1);
      this.env.send(target, this.build());
      this.scheduleRetry(target);
    });
  }
}
