// retry: runs an attempt, and on a retryable failure sleeps a backoff delay and tries
// again, within a per-item cap (`maxRetries`) and, optionally, a shared RetryBudget.
// Cancellation is never retried. When retrying stops, the last error is thrown
// unchanged; `onRetry` sees each decision (attempt, delay, error) for telemetry.
//
// Part of the async toolkit (it stands on src/sim alone); nodes that retry may use it too.

import { isCancelled, sleep, type Micros, type Proc, type Rng } from "../sim/index.js";
import { backoffDelay, type BackoffPolicy } from "./backoff.js";
import type { RetryBudget } from "./retry-budget.js";

export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  delayUs: Micros;
  error: unknown;
}

export type RetryStop = "not-retryable" | "per-item-cap" | "budget-exhausted";

export interface RetryOptions {
  /** Retries allowed for this item (attempts = maxRetries + 1). */
  maxRetries: number;
  backoff: BackoffPolicy;
  rng: Rng;
  /** Which errors are worth retrying (default: every error except cancellation). */
  retryable?: (error: unknown) => boolean;
  budget?: RetryBudget;
  onRetry?: (info: RetryInfo) => void;
  /** Why retrying stopped, just before the last error is thrown. */
  onGiveUp?: (why: RetryStop, attempts: number) => void;
}

export function* retry<T>(attempt: (n: number) => Proc<T>, options: RetryOptions): Proc<T> {
  let previousUs: Micros | null = null;
  for (let n = 1; ; n++) {
    try {
      const value = yield* attempt(n);
      options.budget?.recordSuccess();
      return value;
    } catch (error) {
      if (isCancelled(error)) throw error;
      const stop = stopReason(options, error, n);
      if (stop !== null) {
        options.onGiveUp?.(stop, n);
        throw error;
      }
      const delayUs = backoffDelay(options.backoff, { retry: n, previousUs, rng: options.rng });
      previousUs = delayUs;
      options.onRetry?.({ attempt: n, delayUs, error });
      yield* sleep(delayUs);
    }
  }
}

function stopReason(options: RetryOptions, error: unknown, attempt: number): RetryStop | null {
  if (options.retryable !== undefined && !options.retryable(error)) return "not-retryable";
  if (attempt > options.maxRetries) return "per-item-cap";
  if (options.budget !== undefined && !options.budget.tryWithdraw()) return "budget-exhausted";
  return null;
}
