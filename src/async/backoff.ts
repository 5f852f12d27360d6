// Backoff delays for retries, in integer µs, from a seeded stream:
//   none         base · 2^(n-1), capped
//   full         uniform in [0, base · 2^(n-1)] capped (AWS "full jitter")
//   decorrelated uniform in [base, 3 · previous], capped (AWS "decorrelated jitter")
// `n` is the retry number (1 for the first retry).
//
// Part of the async toolkit because it needs only src/sim; the retry helper and any node
// that backs off draw their delays from it.

import type { Micros, Rng } from "../sim/index.js";

export type Jitter = "none" | "full" | "decorrelated";

export interface BackoffPolicy {
  baseUs: Micros;
  capUs: Micros;
  jitter: Jitter;
}

/** The un-jittered ceiling for retry `n`: base · 2^(n-1), capped (no overflow for large n). */
export function backoffCeiling(policy: BackoffPolicy, retry: number): Micros {
  if (retry < 1) throw new RangeError(`retry number starts at 1, got ${retry}`);
  const doublings = Math.min(retry - 1, 52);
  return Math.min(policy.capUs, policy.baseUs * 2 ** doublings);
}

export function backoffDelay(
  policy: BackoffPolicy,
  input: { retry: number; previousUs: Micros | null; rng: Rng },
): Micros {
  const { retry, previousUs, rng } = input;
  switch (policy.jitter) {
    case "none":
      return backoffCeiling(policy, retry);
    case "full":
      return rng.int(0, backoffCeiling(policy, retry));
    case "decorrelated": {
      const prev = previousUs ?? policy.baseUs;
      const upper = Math.min(policy.capUs, Math.max(policy.baseUs, prev * 3));
      return Math.min(policy.capUs, rng.int(Math.min(policy.baseUs, upper), upper));
    }
  }
}
