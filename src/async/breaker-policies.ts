// The breaker policies in use, as data.
//
// Spawn plan (seed 004): a regular class (opens after 2 failures; fast-fail on 2 within
// 10 s) and a lenient class for ad-hoc work (4 failures; fast-fail on 2 within 30 s,
// never on an inference failure); both half-open after a 120 s reset timeout with one
// trial, and any success closes the circuit and clears its history.
//
// Cluster protocol (PROTOCOL.md §3.14 and the parameter table): `circuitMaxErrors` errors
// in `circuitWindowMs`, or an error rate of `circuitErrorRatePerSec`, open it; half-open
// `circuitHalfOpenAfterMs` after the last error with `halfOpenMaxProbes` trials; only a
// trial's success closes it, and closing clears the error history.

import { ms, sec, type Micros } from "../sim/index.js";
import { CircuitBreaker, type BreakerPolicy } from "./circuit-breaker.js";

export const SPAWN_FAILURE_WINDOW_US: Micros = sec(300);

export const SPAWN_REGULAR: BreakerPolicy = {
  maxFailures: 2,
  windowUs: SPAWN_FAILURE_WINDOW_US,
  maxFailuresPerSec: null,
  fastFail: { failures: 2, windowUs: sec(10), exempt: [] },
  halfOpenAfterUs: sec(120),
  halfOpenMaxProbes: 1,
  closeOnAnySuccess: true,
};

export const SPAWN_LENIENT: BreakerPolicy = {
  maxFailures: 4,
  windowUs: SPAWN_FAILURE_WINDOW_US,
  maxFailuresPerSec: null,
  fastFail: { failures: 2, windowUs: sec(30), exempt: ["inference"] },
  halfOpenAfterUs: sec(120),
  halfOpenMaxProbes: 1,
  closeOnAnySuccess: true,
};

/** Names that mark work as ad-hoc (dynamically generated) in the spawn plan. */
export const ADHOC_NAME_MARKERS: readonly string[] = ["adhoc", "ad-hoc", "generated", "dynamic"];

export function isAdhocName(key: string): boolean {
  const lower = key.toLowerCase();
  return ADHOC_NAME_MARKERS.some((m) => lower.includes(m));
}

/** The spawn plan's breaker: "regular" by default, "lenient" for ad-hoc names or keys assigned to it. */
export function spawnBreaker(clock?: () => Micros): CircuitBreaker {
  return new CircuitBreaker({
    classes: { regular: SPAWN_REGULAR, lenient: SPAWN_LENIENT },
    defaultClass: "regular",
    classify: (key) => (isAdhocName(key) ? "lenient" : undefined),
    ...(clock === undefined ? {} : { clock }),
  });
}

export interface ClusterCircuitConfig {
  circuitMaxErrors: number;
  circuitWindowMs: number;
  circuitHalfOpenAfterMs: number;
  circuitErrorRatePerSec: number;
  halfOpenMaxProbes: number;
}

/** PROTOCOL.md defaults: 3 errors / 30 s window / half-open after 10 s; rate 0.5/s; 1 trial. */
export const CLUSTER_CIRCUIT_DEFAULTS: ClusterCircuitConfig = {
  circuitMaxErrors: 3,
  circuitWindowMs: 30_000,
  circuitHalfOpenAfterMs: 10_000,
  circuitErrorRatePerSec: 0.5,
  halfOpenMaxProbes: 1,
};

export function clusterPolicy(config: Partial<ClusterCircuitConfig> = {}): BreakerPolicy {
  const c = { ...CLUSTER_CIRCUIT_DEFAULTS, ...config };
  return {
    maxFailures: c.circuitMaxErrors,
    windowUs: ms(c.circuitWindowMs),
    maxFailuresPerSec: c.circuitErrorRatePerSec,
    fastFail: null,
    halfOpenAfterUs: ms(c.circuitHalfOpenAfterMs),
    halfOpenMaxProbes: c.halfOpenMaxProbes,
    closeOnAnySuccess: false,
  };
}

/** A breaker with one cluster-protocol policy for every key (one per peer, per worker …). */
export function clusterBreaker(config: Partial<ClusterCircuitConfig> = {}, clock?: () => Micros): CircuitBreaker {
  return new CircuitBreaker({
    classes: { cluster: clusterPolicy(config) },
    defaultClass: "cluster",
    ...(clock === undefined ? {} : { clock }),
  });
}
