// The handle a scenario's setup script uses to build its world and state what must hold.

import type { Kernel, Rng, Proc, SpawnOptions, Task, Micros } from "../sim/index.js";
import type { FaultStep } from "../sim/net/fault-step.js";
import type { WorldTap } from "../sim/net/tap.js";
import type { CheckOutcome, Options, SummaryRow, Violation } from "./result-types.js";

/** A check returns null/true when it holds, or a string (or false) saying what went wrong. */
export type CheckFn = () => string | null | boolean | undefined;

export class ScenarioContext<O extends Options = Options> {
  readonly violations: Violation[] = [];
  readonly metrics: Record<string, number | string> = {};
  readonly artifacts: Record<string, unknown> = {};
  /** Fault steps applied so far, in order (the network records each one it applies). */
  readonly appliedFaults: FaultStep[] = [];
  private readonly checks: { name: string; fn: CheckFn }[] = [];
  /** Registered checks that nothing in this scenario can trigger, with the reason. */
  private readonly inapplicable = new Map<string, string>();
  private readonly finishers: (() => void)[] = [];
  private summaryFn: (() => SummaryRow[]) | null = null;

  constructor(
    readonly kernel: Kernel,
    readonly seed: number,
    /** The scenario's own stream; fork it per component (`ctx.rng.fork("load")`). */
    readonly rng: Rng,
    readonly options: Readonly<O>,
    private readonly explicitFaults: readonly FaultStep[] | null = null,
    /** The run viewer's observer (RunRequest.tap); a World built on this context attaches it. */
    readonly tap: WorldTap | null = null,
  ) {}

  /** True once something (the World) has read the explicit schedule: it applies to this scenario. */
  faultOverrideRead = false;

  /**
   * An explicit fault schedule (from a repro file, a shrink candidate or `run --faults`).
   * When set, it replaces the scenario's scripted and randomly drawn faults.
   */
  get faultOverride(): readonly FaultStep[] | null {
    this.faultOverrideRead = true;
    return this.explicitFaults;
  }

  /** Called by whatever applies a fault step, so the run result can replay it. */
  recordFault(step: FaultStep): void {
    this.appliedFaults.push(step);
  }

  now(): Micros {
    return this.kernel.now;
  }

  /** Spawns a root process. Its unhandled failure fails the run. */
  spawn<T>(name: string, proc: Proc<T>, options: Omit<SpawnOptions, "parent"> = {}): Task<T> {
    return this.kernel.spawn(name, proc, { ...options, parent: null });
  }

  /** Spawns the scenario's driver: the run stops when it returns. */
  main<T>(name: string, proc: Proc<T>): Task<T> {
    const task = this.spawn(name, proc);
    task.onDone(() => {
      if (task.state === "done") this.kernel.stop();
    });
    return task;
  }

  /** Registers a named check, evaluated when the run ends. */
  check(name: string, fn: CheckFn): void {
    this.checks.push({ name, fn });
  }

  /** Records a violation now (for invariant checkers that watch events as they happen). */
  violation(check: string, message: string, nodes: string[] = []): void {
    this.violations.push({ check, message, atUs: this.kernel.now, seq: this.kernel.currentSeq, nodes });
  }

  /** Registers a runtime checker's name, so it shows as passed when never violated. */
  declareChecker(name: string): void {
    this.checks.push({ name, fn: () => null });
  }

  /**
   * Declares that a registered check (a global checker, usually) cannot be triggered by
   * anything this scenario builds, so it shows as not applicable instead of passed. A
   * violation of it still fails the run: the declaration is a claim, not a mute switch.
   */
  notApplicable(name: string, reason: string): void {
    if (!this.checks.some((c) => c.name === name)) throw new Error(`notApplicable: no check named "${name}"`);
    this.inapplicable.set(name, reason);
  }

  metric(name: string, value: number | string): void {
    this.metrics[name] = value;
  }

  artifact(name: string, value: unknown): void {
    this.artifacts[name] = value;
  }

  summary(fn: () => SummaryRow[]): void {
    this.summaryFn = fn;
  }

  /** Runs after the kernel stops and before checks are evaluated (collect final figures here). */
  onFinish(fn: () => void): void {
    this.finishers.push(fn);
  }

  /** @internal Called by the runner. */
  finish(): { checks: CheckOutcome[]; summary: SummaryRow[] } {
    for (const f of this.finishers) f();
    const checks = this.checks.map(({ name, fn }) => {
      const outcome = evaluate(name, fn, this.violations);
      const reason = this.inapplicable.get(name);
      return outcome.ok && reason !== undefined
        ? { ...outcome, status: "not-applicable" as const, detail: reason }
        : outcome;
    });
    return { checks, summary: this.summaryFn?.() ?? [] };
  }
}

function evaluate(name: string, fn: CheckFn, violations: Violation[]): CheckOutcome {
  const fail = (detail: string): CheckOutcome => ({ name, ok: false, status: "fail", detail });
  const runtime = violations.filter((v) => v.check === name);
  if (runtime.length > 0) return fail(`${runtime.length} violation(s); first: ${runtime[0]!.message}`);
  let verdict: ReturnType<CheckFn>;
  try {
    verdict = fn();
  } catch (error) {
    return fail(`check threw: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (verdict === null || verdict === undefined || verdict === true)
    return { name, ok: true, status: "pass", detail: "" };
  return fail(verdict === false ? "check failed" : verdict);
}
