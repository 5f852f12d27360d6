// Unit tests of the circuit breaker (src/async/circuit-breaker.ts) under both policies it serves, and of callThrough.

import { describe, expect, it } from "vitest";
import { ms, sec, sleep, type Proc } from "../../src/sim/index.js";
import type { CircuitBreaker } from "../../src/async/circuit-breaker.js";
import { CLUSTER_CIRCUIT_DEFAULTS, clusterBreaker, spawnBreaker } from "../../src/async/breaker-policies.js";
import { CircuitOpenError, callThrough } from "../../src/async/breaker-call.js";
import { run } from "./run.js";

/** A breaker on a hand-driven clock. */
function clocked<B extends CircuitBreaker>(make: (clock: () => number) => B): { b: B; advance: (us: number) => void } {
  let t = 1_000_000;
  return { b: make(() => t), advance: (us) => (t += us) };
}

describe("spawn-plan breaker", () => {
  it("regular: opens at the 2nd failure — by fast-fail within 10 s, by threshold after", () => {
    const { b, advance } = clocked(spawnBreaker);
    b.recordFailure("a", "crash");
    expect(b.state("a")).toBe("closed");
    advance(sec(10) - 1);
    b.recordFailure("a", "crash");
    expect(b.state("a")).toBe("open");
    b.recordFailure("c", "crash");
    advance(sec(10));
    b.recordFailure("c", "crash");
    expect(b.transitions.filter((t) => t.to === "open").map((t) => `${t.key}:${t.reason.split(":")[0]}`)).toEqual([
      "a:fast-fail",
      "c:threshold",
    ]);
  });

  it("lenient (ad-hoc): inference failures never fast-fail; 4 failures open it; 2 non-inference within 30 s fast-fail it", () => {
    const { b, advance } = clocked(spawnBreaker);
    for (let i = 0; i < 3; i++) {
      b.recordFailure("adhoc-x", "inference");
      advance(ms(100));
    }
    expect(b.state("adhoc-x")).toBe("closed");
    b.recordFailure("adhoc-x", "inference");
    expect(b.state("adhoc-x")).toBe("open");
    b.assign("custom", "lenient");
    b.recordFailure("custom", "timeout");
    advance(sec(30));
    b.recordFailure("custom", "timeout");
    expect(b.state("custom")).toBe("closed"); // 30 s apart is outside the window
    advance(sec(29));
    b.recordFailure("custom", "crash");
    expect(b.state("custom")).toBe("open");
  });

  it("opens to half-open 120 s after the last failure, admits one trial, and the trial's verdict decides", () => {
    const { b, advance } = clocked(spawnBreaker);
    b.recordFailure("a", "crash");
    b.recordFailure("a", "crash");
    advance(sec(60));
    b.recordFailure("a", "crash"); // a late failure restarts the open timer
    advance(sec(120) - 1);
    expect(b.admit("a")).toMatchObject({ allowed: false, reason: "Circuit open: 3 failures, retry in 1s" });
    advance(1);
    const trial = b.admit("a");
    expect(trial).toMatchObject({ allowed: true, trial: true });
    expect(b.admit("a")).toMatchObject({ allowed: false, reason: "Circuit half-open: trial in progress" });
    b.recordFailure("a", "timeout", trial);
    expect(b.state("a")).toBe("open");
    advance(sec(120));
    const again = b.admit("a");
    b.recordSuccess("a", again);
    expect(b.state("a")).toBe("closed");
    expect(b.health("a")).toMatchObject({ failureCount: 0, recentFailures: 0, riskLevel: "low" });
    expect(b.blockedCount).toBe(2);
  });

  it("any success closes it (spawn semantics), and a cancelled trial frees its probe without counting", () => {
    const { b, advance } = clocked(spawnBreaker);
    b.recordFailure("a", "crash");
    b.recordFailure("a", "crash");
    b.recordSuccess("a");
    expect(b.state("a")).toBe("closed");
    b.recordFailure("a", "crash");
    b.recordFailure("a", "crash");
    advance(sec(120));
    const t1 = b.admit("a");
    b.release("a", t1);
    const t2 = b.admit("a");
    expect(t2).toMatchObject({ allowed: true, trial: true });
    expect(b.health("a").failuresByType.crash).toBe(4);
  });

  it("health: recent failures, velocity per minute over their span, risk level and retry time", () => {
    const { b, advance } = clocked(spawnBreaker);
    b.assign("w", "lenient");
    b.recordFailure("w", "inference");
    expect(b.health("w")).toMatchObject({ recentFailures: 1, failureVelocityPerMin: 0, riskLevel: "low" });
    advance(sec(30));
    b.recordFailure("w", "inference");
    advance(sec(30));
    b.recordFailure("w", "inference");
    expect(b.health("w")).toMatchObject({
      state: "closed",
      recentFailures: 3,
      failureVelocityPerMin: 3,
      riskLevel: "medium",
    });
    b.recordFailure("w", "inference");
    expect(b.health("w")).toMatchObject({
      state: "open",
      riskLevel: "critical",
      canExecute: false,
      retryInUs: sec(120),
    });
    advance(sec(301));
    expect(b.health("w")).toMatchObject({ state: "half-open", recentFailures: 0, riskLevel: "high" });
  });
});

describe("cluster-protocol breaker (PROTOCOL §3.14)", () => {
  it("opens at circuitMaxErrors within the window; errors older than the window do not count", () => {
    const { b, advance } = clocked((c) => clusterBreaker({}, c));
    expect(CLUSTER_CIRCUIT_DEFAULTS).toMatchObject({
      circuitMaxErrors: 3,
      circuitWindowMs: 30_000,
      circuitHalfOpenAfterMs: 10_000,
    });
    b.recordFailure("m1", "timeout");
    b.recordFailure("m1", "timeout");
    advance(ms(30_000));
    b.recordFailure("m1", "timeout");
    expect(b.state("m1")).toBe("closed");
    b.recordFailure("m1", "timeout");
    b.recordFailure("m1", "timeout");
    expect(b.state("m1")).toBe("open");
  });

  it("the rate rule trips independently: errors / window seconds >= the rate", () => {
    const { b } = clocked((c) =>
      clusterBreaker({ circuitMaxErrors: 100, circuitWindowMs: 10_000, circuitErrorRatePerSec: 0.5 }, c),
    );
    for (let i = 0; i < 4; i++) b.recordFailure("g", "crash");
    expect(b.state("g")).toBe("closed");
    b.recordFailure("g", "crash"); // 5 errors / 10 s = 0.5/s
    expect(b.state("g")).toBe("open");
    expect(b.transitions[0]!.reason).toMatch(/^rate/);
  });

  it("half-open after the delay since the last error, at most halfOpenMaxProbes trials, only a trial's success closes and clears history", () => {
    const { b, advance } = clocked((c) => clusterBreaker({ halfOpenMaxProbes: 2 }, c));
    for (let i = 0; i < 3; i++) b.recordFailure("w", "timeout");
    const early = b.admit("w");
    expect(early.allowed).toBe(false);
    b.recordSuccess("w"); // a success while open is not a trial: stays open
    expect(b.state("w")).toBe("open");
    advance(ms(10_000));
    const p1 = b.admit("w");
    const p2 = b.admit("w");
    expect([p1.allowed, p2.allowed, b.admit("w").allowed]).toEqual([true, true, false]);
    b.recordSuccess("w", p1);
    expect(b.state("w")).toBe("closed");
    b.recordFailure("w", "timeout");
    b.recordFailure("w", "timeout");
    expect(b.state("w")).toBe("closed"); // history was cleared on close
  });

  it("a success while closed does not clear the window (errors still count toward opening)", () => {
    const { b } = clocked((c) => clusterBreaker({}, c));
    b.recordFailure("x", "timeout");
    b.recordFailure("x", "timeout");
    b.recordSuccess("x");
    b.recordFailure("x", "timeout");
    expect(b.state("x")).toBe("open");
  });
});

describe("callThrough", () => {
  it("checks before the call starts, counts the refusal, runs the fallback, records typed failures, ignores cancellation", () => {
    let calls = 0;
    const r = run(function* () {
      const b = spawnBreaker();
      const failing = function* (): Proc<string> {
        calls++;
        yield* sleep(ms(1));
        throw new Error("down");
      };
      for (let i = 0; i < 2; i++) {
        try {
          yield* callThrough(failing, { breaker: b, key: "k", classify: () => "timeout" });
        } catch {
          // expected
        }
      }
      let refused: unknown;
      try {
        yield* callThrough(failing, { breaker: b, key: "k" });
      } catch (error) {
        refused = error;
      }
      const fallback = yield* callThrough(failing, {
        breaker: b,
        key: "k",
        fallback: function* (why) {
          return `fallback: ${why.reason}`;
        },
      });
      return { refused, fallback, health: b.health("k"), blocked: b.blockedCount };
    });
    expect(calls).toBe(2);
    expect(r.value?.refused).toBeInstanceOf(CircuitOpenError);
    expect(r.value?.fallback).toMatch(/^fallback: Circuit open: 2 failures/);
    expect(r.value?.health.failuresByType.timeout).toBe(2);
    expect(r.value?.blocked).toBe(2);
  });
});
