// A call through a circuit breaker: the circuit is checked before the call starts (an
// open circuit costs nothing but the check, and the refusal is counted), the call's
// ending is recorded with its failure type, a cancelled call counts for nothing, and an
// optional fallback runs in place of a refused call.

import { isCancelled, type Proc } from "../sim/index.js";
import type { Admission, CircuitBreaker, FailureType } from "./circuit-breaker.js";

export class CircuitOpenError extends Error {
  override readonly name = "CircuitOpenError";
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`${key}: ${reason}`);
  }
}

export type Refusal = Extract<Admission, { allowed: false }>;

export interface GuardedCallOptions<T> {
  breaker: CircuitBreaker;
  key: string;
  /** Maps an exception to a failure type (default: crash). */
  classify?: (error: unknown) => FailureType;
  /** Runs instead of the call when the circuit refuses it; without one, CircuitOpenError is thrown. */
  fallback?: (refusal: Refusal) => Proc<T>;
}

export function* callThrough<T>(body: () => Proc<T>, options: GuardedCallOptions<T>): Proc<T> {
  const { breaker, key } = options;
  const admission = breaker.admit(key);
  if (!admission.allowed) {
    if (options.fallback !== undefined) return yield* options.fallback(admission);
    throw new CircuitOpenError(key, admission.reason);
  }
  try {
    const value = yield* body();
    breaker.recordSuccess(key, admission);
    return value;
  } catch (error) {
    if (isCancelled(error)) breaker.release(key, admission);
    else breaker.recordFailure(key, options.classify?.(error) ?? "crash", admission);
    throw error;
  }
}
