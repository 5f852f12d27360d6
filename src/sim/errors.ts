// Errors the runtime throws into processes. `Cancelled` is thrown at a process's
// current yield point so its `finally` blocks run; it is never a failure by itself.

// Cancellation and timeouts are control flow, thrown by the thousand in a storm; a stack
// trace for each was a fifth of the jitter storm's time, so they are built without one.

export class Cancelled extends Error {
  override readonly name = "Cancelled";
  readonly reason: string;
  constructor(reason = "cancelled") {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(reason);
    Error.stackTraceLimit = limit;
    this.reason = reason;
  }
}

export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
  constructor(
    readonly what: string,
    readonly timeoutUs: number,
  ) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${what} timed out after ${timeoutUs}us`);
    Error.stackTraceLimit = limit;
  }
}

/** Thrown by the determinism guard when a run touches wall-clock time or ambient randomness. */
export class NondeterminismError extends Error {
  override readonly name = "NondeterminismError";
  constructor(readonly call: string) {
    super(`${call} called during a simulation run; use the kernel's clock, timers and seeded rng instead`);
  }
}

export function isCancelled(error: unknown): error is Cancelled {
  return error instanceof Cancelled;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
