// A per-key circuit breaker (closed → open → half-open → closed) whose behaviour is a
// policy, so one implementation serves both the spawn plan (regular and lenient classes,
// fast-fail, typed failures, health status) and the cluster protocol (PROTOCOL.md §3.14:
// errors in a window or an error rate open it; half-open after a delay since the last
// error; a bounded number of trial calls; closing clears the error history).
//
// Time comes from an injected clock (the kernel's `now` by default). State changes that
// depend only on time (open → half-open) happen lazily whenever a key is read or a call
// is attempted, as the protocol says; nothing runs in the background.
//
// It lives in the async toolkit because it stands on src/sim alone; the spawn scenarios
// use it today and cluster nodes import it from here when they guard a peer.

import { now, type Micros } from "../sim/index.js";

export type CircuitState = "closed" | "open" | "half-open";
export const FAILURE_TYPES = ["timeout", "error_pattern", "inference", "crash"] as const;
export type FailureType = (typeof FAILURE_TYPES)[number];
export type RiskLevel = "low" | "medium" | "high" | "critical";

export interface BreakerPolicy {
  /** Failures within `windowUs` that open the circuit. */
  maxFailures: number;
  windowUs: Micros;
  /** Also open when failures in the window / window length in seconds reaches this (null: off). */
  maxFailuresPerSec: number | null;
  /** Open at once when `failures` failures fall within `windowUs`, unless the latest is of an exempt type. */
  fastFail: { failures: number; windowUs: Micros; exempt: readonly FailureType[] } | null;
  /** Open → half-open once this long has passed since the last failure. */
  halfOpenAfterUs: Micros;
  /** Trial calls admitted at once while half-open (0 = unlimited). */
  halfOpenMaxProbes: number;
  /** Spawn semantics: any success closes and clears. Protocol semantics: only a trial's success does. */
  closeOnAnySuccess: boolean;
}

export type Admission =
  | { allowed: true; key: string; trial: boolean; generation: number }
  | { allowed: false; key: string; reason: string; retryInUs: Micros };

export interface Transition {
  atUs: Micros;
  key: string;
  from: CircuitState;
  to: CircuitState;
  reason: string;
}

export interface HealthStatus {
  key: string;
  policyClass: string;
  state: CircuitState;
  /** Failures since the circuit last closed. */
  failureCount: number;
  /** Failures within the policy window. */
  recentFailures: number;
  /** Recent failures per minute over the span they cover (0 with fewer than two). */
  failureVelocityPerMin: number;
  riskLevel: RiskLevel;
  failuresByType: Record<FailureType, number>;
  lastFailureAtUs: Micros | null;
  canExecute: boolean;
  retryInUs: Micros;
}

export interface BreakerOptions {
  classes: Readonly<Record<string, BreakerPolicy>>;
  defaultClass: string;
  /** Class for a key with no explicit assignment (e.g. ad-hoc by naming pattern); undefined → default. */
  classify?: (key: string) => string | undefined;
  clock?: () => Micros;
}

class Circuit {
  state: CircuitState = "closed";
  /** Failure instants still inside the window, oldest first, with their types. */
  recent: { atUs: Micros; type: FailureType }[] = [];
  failureCount = 0;
  lastFailureAtUs: Micros | null = null;
  probes = 0;
  generation = 0;
  readonly byType: Record<FailureType, number> = { timeout: 0, error_pattern: 0, inference: 0, crash: 0 };
}

export class CircuitBreaker {
  readonly transitions: Transition[] = [];
  /** Calls refused before they started, per key (insertion order). */
  readonly blocked = new Map<string, number>();
  private readonly circuits = new Map<string, Circuit>();
  private readonly assigned = new Map<string, string>();
  private readonly clock: () => Micros;

  constructor(private readonly options: BreakerOptions) {
    if (options.classes[options.defaultClass] === undefined)
      throw new Error(`breaker: default class ${options.defaultClass} has no policy`);
    this.clock = options.clock ?? now;
  }

  get blockedCount(): number {
    let n = 0;
    for (const v of this.blocked.values()) n += v;
    return n;
  }

  /** Puts `key` in a policy class (the spawn plan's mark_as_adhoc is `assign(key, "lenient")`). */
  assign(key: string, policyClass: string): void {
    if (this.options.classes[policyClass] === undefined) throw new Error(`breaker: unknown class ${policyClass}`);
    this.assigned.set(key, policyClass);
  }

  classOf(key: string): string {
    const explicit = this.assigned.get(key);
    if (explicit !== undefined) return explicit;
    const derived = this.options.classify?.(key);
    return derived !== undefined && this.options.classes[derived] !== undefined ? derived : this.options.defaultClass;
  }

  policyOf(key: string): BreakerPolicy {
    return this.options.classes[this.classOf(key)]!;
  }

  state(key: string): CircuitState {
    return this.refresh(key).state;
  }

  /** Asks to start a call. A refusal is counted; an admitted trial holds a probe until its verdict. */
  admit(key: string): Admission {
    const c = this.refresh(key);
    const policy = this.policyOf(key);
    if (c.state === "closed") return { allowed: true, key, trial: false, generation: c.generation };
    if (c.state === "half-open" && (policy.halfOpenMaxProbes === 0 || c.probes < policy.halfOpenMaxProbes)) {
      c.probes++;
      return { allowed: true, key, trial: true, generation: c.generation };
    }
    this.blocked.set(key, (this.blocked.get(key) ?? 0) + 1);
    const retryInUs = this.retryIn(c, policy);
    const reason =
      c.state === "open"
        ? `Circuit open: ${c.failureCount} failures, retry in ${Math.ceil(retryInUs / 1_000_000)}s`
        : "Circuit half-open: trial in progress";
    return { allowed: false, key, reason, retryInUs };
  }

  recordSuccess(key: string, admission?: Admission): void {
    const c = this.refresh(key);
    this.endTrial(c, admission);
    const trialPassed = c.state === "half-open" && admission?.allowed === true && admission.trial;
    if (trialPassed || (this.policyOf(key).closeOnAnySuccess && (c.state !== "closed" || c.recent.length > 0))) {
      this.close(key, c, trialPassed ? "trial call succeeded" : "call succeeded");
    }
  }

  recordFailure(key: string, type: FailureType, admission?: Admission): void {
    const c = this.refresh(key);
    const at = this.clock();
    this.endTrial(c, admission);
    c.failureCount++;
    c.byType[type]++;
    c.lastFailureAtUs = at;
    c.recent.push({ atUs: at, type });
    this.prune(c, this.policyOf(key), at);
    if (c.state === "half-open") this.move(key, c, "open", `trial call failed (${type})`);
    else if (c.state === "closed") {
      const why = this.tripReason(c, this.policyOf(key), type, at);
      if (why !== null) this.move(key, c, "open", why);
    }
    // An error while open only restarts the open timer (lastFailureAtUs above).
  }

  /** A call ended without a verdict (cancelled, transient): frees its trial slot, counts nothing. */
  release(key: string, admission: Admission): void {
    this.endTrial(this.refresh(key), admission);
  }

  health(key: string): HealthStatus {
    const c = this.refresh(key);
    const policy = this.policyOf(key);
    const at = this.clock();
    const recent = c.recent.length;
    const oldest = c.recent[0]?.atUs ?? at;
    const velocity = recent < 2 ? 0 : (recent * 60_000_000) / Math.max(at - oldest, 1_000_000);
    return {
      key,
      policyClass: this.classOf(key),
      state: c.state,
      failureCount: c.failureCount,
      recentFailures: recent,
      failureVelocityPerMin: velocity,
      riskLevel:
        c.state === "open"
          ? "critical"
          : c.state === "half-open"
            ? "high"
            : recent > 0 && recent >= policy.maxFailures - 1
              ? "medium"
              : "low",
      failuresByType: { ...c.byType },
      lastFailureAtUs: c.lastFailureAtUs,
      canExecute: c.state !== "open",
      retryInUs: this.retryIn(c, policy),
    };
  }

  reset(key: string): void {
    this.circuits.delete(key);
  }

  resetAll(): void {
    this.circuits.clear();
  }

  private tripReason(c: Circuit, policy: BreakerPolicy, type: FailureType, at: Micros): string | null {
    const ff = policy.fastFail;
    if (ff !== null && !ff.exempt.includes(type)) {
      const inFastWindow = c.recent.filter((f) => at - f.atUs < ff.windowUs).length;
      if (inFastWindow >= ff.failures) return `fast-fail: ${inFastWindow} failures within ${ff.windowUs / 1_000_000}s`;
    }
    if (c.recent.length >= policy.maxFailures)
      return `threshold: ${c.recent.length} failures within ${policy.windowUs / 1_000_000}s`;
    if (policy.maxFailuresPerSec !== null && c.recent.length * 1_000_000 >= policy.maxFailuresPerSec * policy.windowUs)
      return `rate: ${c.recent.length} failures per ${policy.windowUs / 1_000_000}s`;
    return null;
  }

  private refresh(key: string): Circuit {
    let c = this.circuits.get(key);
    if (c === undefined) {
      c = new Circuit();
      this.circuits.set(key, c);
    }
    const policy = this.policyOf(key);
    const at = this.clock();
    this.prune(c, policy, at);
    if (c.state === "open" && at - (c.lastFailureAtUs ?? at) >= policy.halfOpenAfterUs)
      this.move(key, c, "half-open", "open delay elapsed since the last failure");
    return c;
  }

  private prune(c: Circuit, policy: BreakerPolicy, at: Micros): void {
    let drop = 0;
    while (drop < c.recent.length && at - c.recent[drop]!.atUs >= policy.windowUs) drop++;
    if (drop > 0) c.recent = c.recent.slice(drop);
  }

  private retryIn(c: Circuit, policy: BreakerPolicy): Micros {
    if (c.state !== "open" || c.lastFailureAtUs === null) return 0;
    return Math.max(0, c.lastFailureAtUs + policy.halfOpenAfterUs - this.clock());
  }

  private endTrial(c: Circuit, admission: Admission | undefined): void {
    if (admission?.allowed === true && admission.trial && admission.generation === c.generation && c.probes > 0)
      c.probes--;
  }

  private close(key: string, c: Circuit, reason: string): void {
    c.recent = [];
    c.failureCount = 0;
    if (c.state !== "closed") this.move(key, c, "closed", reason);
  }

  private move(key: string, c: Circuit, to: CircuitState, reason: string): void {
    this.transitions.push({ atUs: this.clock(), key, from: c.state, to, reason });
    c.state = to;
    c.probes = 0;
    c.generation++;
  }
}
