// Unit tests of backoff, RetryBudget and retry (src/async): delays within caps, budgets, cancellation never retried.

import { describe, expect, it } from "vitest";
import { Cancelled, Rng, isCancelled, ms, now, sleep, spawn, join, type Proc } from "../../src/sim/index.js";
import { backoffCeiling, backoffDelay, type BackoffPolicy } from "../../src/async/backoff.js";
import { RetryBudget } from "../../src/async/retry-budget.js";
import { retry, type RetryStop } from "../../src/async/retry.js";
import { run, runOk } from "./run.js";

const base: BackoffPolicy = { baseUs: ms(10), capUs: ms(1000), jitter: "none" };

describe("backoff", () => {
  it("without jitter doubles from the base up to the cap", () => {
    const rng = Rng.fromSeed(1);
    expect(Array.from({ length: 9 }, (_, i) => backoffDelay(base, { retry: i + 1, previousUs: null, rng }))).toEqual(
      [10, 20, 40, 80, 160, 320, 640, 1000, 1000].map(ms),
    );
    expect(backoffCeiling(base, 2000)).toBe(ms(1000)); // no overflow for huge retry numbers
  });

  it("full jitter stays in [0, ceiling] and actually varies; decorrelated stays in [base, 3 x previous], capped", () => {
    const rng = Rng.fromSeed(2);
    const full = { ...base, jitter: "full" as const };
    const dec = { ...base, jitter: "decorrelated" as const };
    const seen = new Set<number>();
    let prev = base.baseUs;
    for (let n = 1; n <= 200; n++) {
      const f = backoffDelay(full, { retry: (n % 8) + 1, previousUs: null, rng });
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThanOrEqual(backoffCeiling(full, (n % 8) + 1));
      seen.add(f);
      const d = backoffDelay(dec, { retry: n, previousUs: prev, rng });
      expect(d).toBeGreaterThanOrEqual(base.baseUs);
      expect(d).toBeLessThanOrEqual(Math.min(base.capUs, prev * 3));
      prev = d;
    }
    expect(seen.size).toBeGreaterThan(100);
  });
});

describe("RetryBudget", () => {
  it("refuses once empty and refills by its success ratio in whole milli-tokens", () => {
    const b = new RetryBudget({ maxRetries: 2, refillPerSuccess: { numerator: 1, denominator: 3 } });
    expect([b.tryWithdraw(), b.tryWithdraw(), b.tryWithdraw()]).toEqual([true, true, false]);
    b.recordSuccess();
    b.recordSuccess();
    expect(b.tryWithdraw()).toBe(false); // 666 milli-tokens: not yet one retry
    b.recordSuccess();
    expect(b.tryWithdraw()).toBe(false); // three thirds floor to 999 milli-tokens
    b.recordSuccess();
    expect(b.tryWithdraw()).toBe(true);
    expect(b.withdrawn).toBe(3);
    expect(b.refused).toBe(3);
  });
});

describe("retry", () => {
  function flaky(failures: number, starts: number[]): (n: number) => Proc<string> {
    return function* (n) {
      starts.push(now());
      if (n <= failures) throw new Error(`fail ${n}`);
      return "ok";
    };
  }

  it("sleeps the backoff between attempts and returns the first success", () => {
    const starts: number[] = [];
    const out = runOk(() => retry(flaky(3, starts), { maxRetries: 5, backoff: base, rng: Rng.fromSeed(1) }));
    expect(out).toBe("ok");
    expect(starts).toEqual([0, 10, 30, 70].map(ms));
  });

  it("stops at the per-item cap and throws the last error unchanged", () => {
    let why: RetryStop | null = null;
    const r = run(() =>
      retry(flaky(99, []), { maxRetries: 2, backoff: base, rng: Rng.fromSeed(1), onGiveUp: (w) => (why = w) }),
    );
    expect((r.error as Error).message).toBe("fail 3");
    expect(why).toBe("per-item-cap");
  });

  it("never retries a non-retryable error or a cancellation", () => {
    let attempts = 0;
    const r = run(() =>
      retry(
        function* (): Proc<void> {
          attempts++;
          throw new Cancelled("stop");
        },
        { maxRetries: 5, backoff: base, rng: Rng.fromSeed(1) },
      ),
    );
    expect(isCancelled(r.error)).toBe(true);
    expect(attempts).toBe(1);
    const r2 = run(() =>
      retry(
        function* (): Proc<void> {
          attempts++;
          throw new TypeError("bad");
        },
        { maxRetries: 5, backoff: base, rng: Rng.fromSeed(1), retryable: (e) => !(e instanceof TypeError) },
      ),
    );
    expect(r2.error).toBeInstanceOf(TypeError);
    expect(attempts).toBe(2);
  });

  it("a shared budget bounds the retries of concurrent items", () => {
    const budget = new RetryBudget({ maxRetries: 5 });
    const stops: RetryStop[] = [];
    runOk(function* () {
      const items = Array.from({ length: 4 }, (_, i) =>
        spawn(
          `item${i}`,
          retry(flaky(99, []), {
            maxRetries: 3,
            backoff: base,
            rng: Rng.fromSeed(i),
            budget,
            onGiveUp: (w) => stops.push(w),
          }),
          { handled: true },
        ),
      );
      for (const t of items) {
        try {
          yield* join(t);
        } catch {
          // every item fails in the end
        }
      }
    });
    expect(budget.withdrawn).toBe(5);
    expect(stops.filter((s) => s === "budget-exhausted")).toHaveLength(
      4 - stops.filter((s) => s === "per-item-cap").length,
    );
    expect(stops).toContain("budget-exhausted");
  });

  it("a cancelled retry loop stops during its backoff sleep", () => {
    const r = run(function* () {
      const t = spawn("r", retry(flaky(99, []), { maxRetries: 10, backoff: base, rng: Rng.fromSeed(1) }), {
        handled: true,
      });
      yield* sleep(ms(15));
      t.cancel();
      try {
        yield* join(t);
      } catch (error) {
        return isCancelled(error) ? now() : -1;
      }
      return -2;
    });
    expect(r.value).toBe(ms(15));
  });
});
