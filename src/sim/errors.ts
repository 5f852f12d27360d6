// Errors the runtime throws into processes. `Cancelled` is thrown at a process's
// current yield point so its `finally` blocks run; it is never a failure by itself.

export class Cancelled extends Error {
  override readonly name = "Cancelled";
  constructor(readonly reason = "cancelled") {
    super(reason);
  }
}

export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
  constructor(
    readonly what: string,
    readonly timeoutUs: number,
  ) {
    super(`${what} timed out after ${timeoutUs}us`);
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
