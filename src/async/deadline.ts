// Deadlines that nested calls inherit. A Deadline is an absolute virtual instant; a
// nested operation narrows it with its own budget (`narrow`) and can never extend it,
// so the innermost call always stops by the outermost deadline. The error says which
// deadline fired (its origin label), so a caller can tell "my own budget ran out" from
// "the request's deadline passed".

import { now, type Micros, type Proc } from "../sim/index.js";
import { runWithTimeout } from "./time-limit.js";

export class DeadlineExceeded extends Error {
  override readonly name = "DeadlineExceeded";
  constructor(
    readonly what: string,
    /** Label of the deadline that fired (the outermost one that was binding). */
    readonly origin: string,
    readonly atUs: Micros,
  ) {
    super(`${what}: deadline "${origin}" passed at ${atUs}us`);
  }
}

export class Deadline {
  private constructor(
    readonly atUs: Micros,
    readonly origin: string,
  ) {}

  /** A deadline `budgetUs` from now. */
  static after(budgetUs: Micros, origin: string): Deadline {
    return new Deadline(now() + Math.max(0, Math.round(budgetUs)), origin);
  }

  remainingUs(): Micros {
    return Math.max(0, this.atUs - now());
  }

  get expired(): boolean {
    return now() >= this.atUs;
  }

  /** The earlier of this deadline and `budgetUs` from now; the origin follows whichever binds. */
  narrow(budgetUs: Micros, origin: string): Deadline {
    const own = now() + Math.max(0, Math.round(budgetUs));
    return own < this.atUs ? new Deadline(own, origin) : this;
  }

  /** Runs `body` until this deadline; on expiry the body is cancelled and DeadlineExceeded thrown. */
  *run<T>(body: Proc<T>, what: string): Proc<T> {
    if (this.expired) throw new DeadlineExceeded(what, this.origin, this.atUs);
    return yield* runWithTimeout(body, {
      timeoutUs: this.remainingUs(),
      label: what,
      onExpire: () => new DeadlineExceeded(what, this.origin, this.atUs),
    });
  }
}
