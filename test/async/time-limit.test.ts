// Unit tests of runWithTimeout, Deadline and CancellationToken (src/async).

import { describe, expect, it } from "vitest";
import {
  Cancelled,
  TimeoutError,
  isCancelled,
  ms,
  now,
  shield,
  sleep,
  spawn,
  join,
  withTimeout,
  type Proc,
} from "../../src/sim/index.js";
import { runWithTimeout } from "../../src/async/time-limit.js";
import { Deadline, DeadlineExceeded } from "../../src/async/deadline.js";
import { CancellationToken } from "../../src/async/cancellation-token.js";
import { run, runOk } from "./run.js";

class Expired extends Error {}

describe("runWithTimeout", () => {
  it("returns the body's value when it finishes in time", () => {
    expect(
      runOk(() =>
        runWithTimeout(
          (function* () {
            yield* sleep(ms(5));
            return 42;
          })(),
          { timeoutUs: ms(10), onExpire: () => new Expired() },
        ),
      ),
    ).toBe(42);
  });

  it("on expiry cancels the body at the deadline (its finally runs then) and throws the caller's error", () => {
    let unwoundAt = -1;
    const r = run(function* () {
      yield* runWithTimeout(
        (function* () {
          try {
            yield* sleep(ms(50));
          } finally {
            unwoundAt = now();
          }
        })(),
        { timeoutUs: ms(10), onExpire: () => new Expired() },
      );
    });
    expect(r.error).toBeInstanceOf(Expired);
    expect(unwoundAt).toBe(ms(10));
    expect(r.nowUs).toBe(ms(10));
  });

  it("passes the body's own TimeoutError through unchanged instead of mistaking it for the limit", () => {
    const own = new TimeoutError("inner", 1);
    const r = run(() =>
      runWithTimeout(
        (function* (): Proc<void> {
          yield* sleep(1);
          throw own;
        })(),
        { timeoutUs: ms(10), onExpire: () => new Expired() },
      ),
    );
    expect(r.error).toBe(own);
  });

  /**
   * A caller running `limited` is cancelled at 10 ms; `armFirst` makes the limit's timer fire before the cancel at that
   * instant.
   */
  function cancelAtExpiry(limited: () => Proc<void>, armFirst: boolean): { seen: unknown; state: string } {
    let seen: unknown = null;
    let state = "";
    runOk(function* () {
      const t = spawn(
        "caller",
        (function* () {
          try {
            yield* limited();
          } catch (error) {
            seen = error;
            throw error;
          }
        })(),
        { handled: true },
      );
      if (armFirst) yield* sleep(0); // the caller arms its timer before we schedule our wake-up
      yield* sleep(ms(10));
      t.cancel("outer");
      try {
        yield* join(t);
      } catch {
        // judged below
      }
      state = t.state;
    });
    return { seen, state };
  }

  it.each([false, true])(
    "a caller cancelled at the instant the limit fires ends cancelled, not timed out (timer first: %s)",
    (armFirst) => {
      const { seen, state } = cancelAtExpiry(
        () => runWithTimeout(sleep(ms(100)), { timeoutUs: ms(10), onExpire: () => new Expired() }),
        armFirst,
      );
      expect(isCancelled(seen)).toBe(true);
      expect(state).toBe("cancelled");
    },
  );

  it("the kernel's withTimeout keeps that cancellation too (regression: it used to become a TimeoutError)", () => {
    const { seen, state } = cancelAtExpiry(() => withTimeout(sleep(ms(100)), ms(10), "op"), true);
    expect(isCancelled(seen)).toBe(true);
    expect(state).toBe("cancelled");
  });

  it("waits for a shielded body to finish its critical section before throwing the expiry", () => {
    const r = run(() => runWithTimeout(shield(sleep(ms(30))), { timeoutUs: ms(10), onExpire: () => new Expired() }));
    expect(r.error).toBeInstanceOf(Expired);
    expect(r.nowUs).toBe(ms(30));
  });

  it("does not return before a body whose cleanup takes virtual time has ended", () => {
    let cleaned = -1;
    const r = run(function* () {
      const caller = spawn(
        "caller",
        runWithTimeout(
          (function* () {
            try {
              yield* sleep(ms(100));
            } finally {
              yield* shield(sleep(ms(3)));
              cleaned = now();
            }
          })(),
          { timeoutUs: ms(50), onExpire: () => new Expired() },
        ),
        { handled: true },
      );
      yield* sleep(ms(5));
      caller.cancel("stop");
      try {
        yield* join(caller);
      } catch {
        return now();
      }
      return -1;
    });
    expect(r.value).toBe(ms(8));
    expect(cleaned).toBe(ms(8));
  });
});

describe("Deadline", () => {
  it("a nested call cannot extend the inherited deadline; the earliest one fires and names itself", () => {
    const r = run(function* () {
      const outer = Deadline.after(ms(20), "request");
      const inner = outer.narrow(ms(500), "step");
      expect(inner).toBe(outer);
      yield* inner.run(sleep(ms(100)), "step");
    });
    expect(r.error).toBeInstanceOf(DeadlineExceeded);
    expect((r.error as DeadlineExceeded).origin).toBe("request");
    expect(r.nowUs).toBe(ms(20));
  });

  it("a tighter nested budget wins and is named", () => {
    const r = run(function* () {
      const d = Deadline.after(ms(20), "request").narrow(ms(5), "lookup");
      yield* d.run(sleep(ms(100)), "lookup");
    });
    expect((r.error as DeadlineExceeded).origin).toBe("lookup");
    expect(r.nowUs).toBe(ms(5));
  });

  it("an expired deadline refuses to start the body", () => {
    let started = false;
    const r = run(function* () {
      const d = Deadline.after(ms(1), "x");
      yield* sleep(ms(2));
      yield* d.run(
        (function* () {
          started = true;
        })(),
        "late",
      );
    });
    expect(r.error).toBeInstanceOf(DeadlineExceeded);
    expect(started).toBe(false);
  });
});

describe("CancellationToken", () => {
  it("runs callbacks once in order, keeps the first reason, and wakes waiters", () => {
    const calls: string[] = [];
    const woke = runOk(function* () {
      const token = new CancellationToken();
      token.onCancel((r) => calls.push(`a:${r}`));
      const off = token.onCancel((r) => calls.push(`b:${r}`));
      token.onCancel((r) => calls.push(`c:${r}`));
      off();
      const waiter = spawn(
        "waiter",
        (function* () {
          yield* token.wait();
          return now();
        })(),
      );
      yield* sleep(ms(3));
      expect(token.cancel("first")).toBe(true);
      expect(token.cancel("second")).toBe(false);
      token.onCancel((r) => calls.push(`late:${r}`));
      return yield* join(waiter);
    });
    expect(calls).toEqual(["a:first", "c:first", "late:first"]);
    expect(woke).toBe(ms(3));
  });

  it("is not a Cancelled error: the token is a request, the pipeline decides how to stop", () => {
    expect(new CancellationToken()).not.toBeInstanceOf(Cancelled);
  });
});
