// `simctl shrink`: minimises a failing run while the same violation signature still
// occurs. Passes, repeated until one changes nothing or the run budget is spent:
//   1. fault schedule: ddmin over the applied steps (chunks, then single steps);
//   2. workload: each of the scenario's `shrinkable` options, lowered toward its minimum;
//   3. fault steps: shorter `durationMs`, earlier `atMs`;
// then, once, the run length: stop the run where the violation is recorded.
// Every attempt is one full run; results are cached by candidate, and the order of
// attempts depends only on the input, so the same file always shrinks the same way.

import { runScenario, type RunRequest, type RunResult, type ScenarioDef } from "../scenarios/index.js";
import type { FaultStep } from "../sim/index.js";
import { requestOf } from "./capture.js";
import { ddmin, lowestKept } from "./ddmin.js";
import type { ReproFile } from "./schema.js";
import { hasSignature, violationSignature } from "./signature.js";
import { sizeOf, type Candidate, type ShrinkSize } from "./shrink-size.js";

export type { Candidate } from "./shrink-size.js";

export class ShrinkError extends Error {
  override readonly name = "ShrinkError";
}

export interface ShrinkReport {
  signature: string;
  before: ShrinkSize;
  after: ShrinkSize;
  candidate: Candidate;
  /** The request that reproduces the shrunk failure. */
  request: RunRequest;
  result: RunResult;
  runs: number;
  budgetExhausted: boolean;
  /** False when the scenario's faults could not be replayed from the schedule, so they were left alone. */
  faultsShrunk: boolean;
  /** One line per accepted reduction, in order. */
  log: string[];
}

export const DEFAULT_MAX_RUNS = 500;

export function shrinkRepro(
  scenario: ScenarioDef,
  repro: ReproFile,
  maxRuns = DEFAULT_MAX_RUNS,
  force = false,
): ShrinkReport {
  const signature = repro.signature;
  if (signature === null) throw new ShrinkError("the recorded run passed: there is no failure to shrink");
  if (repro.verdict === "hang" || repro.verdict === "oom")
    throw new ShrinkError(`the recorded run did not finish (${repro.verdict}): replay it, there is no trace to shrink`);
  const s = new Shrinker(scenario, repro, signature, maxRuns, force);
  return s.shrink();
}

class Shrinker {
  private runs = 0;
  private exhausted = false;
  private readonly cache = new Map<string, RunResult | null>();
  private readonly log: string[] = [];
  private overrideFaults = true;
  private best!: { c: Candidate; r: RunResult };

  constructor(
    private readonly scenario: ScenarioDef,
    private readonly repro: ReproFile,
    private readonly signature: string,
    private readonly maxRuns: number,
    private readonly force: boolean,
  ) {}

  shrink(): ShrinkReport {
    const start: Candidate = {
      options: { ...this.repro.options },
      faults: (this.repro.faultOverride ?? this.repro.faultSchedule).map((f) => ({ ...f })),
      maxTimeUs: this.repro.limits.maxTimeUs,
    };
    this.establishBaseline(start);
    const before = sizeOf(this.scenario, this.best.c, this.best.r);
    for (let progress = true; progress && !this.exhausted; ) {
      const mark = JSON.stringify(this.best.c);
      if (this.overrideFaults) this.dropFaults();
      this.lowerOptions();
      if (this.overrideFaults) this.tightenFaults();
      progress = JSON.stringify(this.best.c) !== mark;
    }
    // Last, so an earlier cut cannot reject a reduction that merely delays the violation.
    this.shrinkRunLength();
    return {
      signature: this.signature,
      before,
      after: sizeOf(this.scenario, this.best.c, this.best.r),
      candidate: this.best.c,
      request: this.requestFor(this.best.c),
      result: this.best.r,
      runs: this.runs,
      budgetExhausted: this.exhausted,
      faultsShrunk: this.overrideFaults,
      log: this.log,
    };
  }

  /** The recorded failure must recur with its schedule given explicitly, or faults stay as drawn. */
  private establishBaseline(start: Candidate): void {
    const r = this.attempt(start);
    if (r !== null) {
      this.best = { c: start, r };
      return;
    }
    if (this.repro.faultOverride === null) {
      this.overrideFaults = false;
      const own = this.attempt(start);
      if (own !== null) {
        this.best = { c: start, r: own };
        this.log.push("the scenario's faults do not replay from the applied schedule; shrinking the workload only");
        return;
      }
    }
    throw new ShrinkError(
      `the recorded failure (${this.signature}) does not recur; run \`simctl replay\` on the file first`,
    );
  }

  private shrinkRunLength(): void {
    const v = this.best.r.violations.find((x) => violationSignature(x) === this.signature);
    // Kernel budget violations are themselves about run length: cutting them proves nothing.
    if (v === undefined || v.check === "liveness" || v.check === "deadlock") return;
    const cut = Math.max(1, v.atUs);
    if (cut >= this.best.c.maxTimeUs || v.atUs >= this.best.r.virtualTimeUs) return;
    if (this.keep({ ...this.best.c, maxTimeUs: cut }))
      this.log.push(`run length cut to ${cut} us (where the violation is recorded)`);
  }

  private dropFaults(): void {
    const before = this.best.c.faults.length;
    ddmin(this.best.c.faults, (faults) => this.keep({ ...this.best.c, faults }));
    if (this.best.c.faults.length < before) this.log.push(`fault steps ${before} -> ${this.best.c.faults.length}`);
  }

  private lowerOptions(): void {
    for (const [key, min] of Object.entries(this.scenario.shrinkable ?? {})) {
      const value = this.best.c.options[key];
      if (typeof value !== "number" || typeof min !== "number" || !Number.isInteger(value) || value <= min) continue;
      const lowest = lowestKept(min, value, (n) =>
        this.keep({ ...this.best.c, options: { ...this.best.c.options, [key]: n } }),
      );
      if (lowest < value) this.log.push(`option ${key} ${value} -> ${lowest}`);
    }
  }

  private tightenFaults(): void {
    for (let i = 0; i < this.best.c.faults.length; i++) {
      const step = this.best.c.faults[i]!;
      const withStep = (patch: Partial<FaultStep>): Candidate => ({
        ...this.best.c,
        faults: this.best.c.faults.map((f, j) => (j === i ? { ...f, ...patch } : f)),
      });
      if (typeof step.durationMs === "number" && Number.isInteger(step.durationMs) && step.durationMs > 0) {
        const d = lowestKept(0, step.durationMs, (durationMs) => this.keep(withStep({ durationMs })));
        if (d < step.durationMs) this.log.push(`step ${i} (${step.action}) durationMs ${step.durationMs} -> ${d}`);
      }
      const current = this.best.c.faults[i]!;
      if (Number.isInteger(current.atMs) && current.atMs > 0) {
        const at = lowestKept(0, current.atMs, (atMs) => this.keep(withStep({ atMs })));
        if (at < current.atMs) this.log.push(`step ${i} (${step.action}) atMs ${current.atMs} -> ${at}`);
      }
    }
  }

  /** Runs the candidate; adopts it as the best when the signature recurs. */
  private keep(c: Candidate): boolean {
    const r = this.attempt(c);
    if (r === null) return false;
    this.best = { c, r };
    return true;
  }

  private attempt(c: Candidate): RunResult | null {
    const key = JSON.stringify([this.overrideFaults, c]);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    if (this.runs >= this.maxRuns) {
      this.exhausted = true;
      return null;
    }
    this.runs++;
    let result: RunResult | null;
    try {
      // Only the signature decides, so candidates run untraced; the kept request is rerun traced for the file.
      const r = runScenario(this.scenario, { ...this.requestFor(c), trace: false });
      result = hasSignature(r, this.signature) ? r : null;
    } catch {
      result = null; // a candidate the scenario rejects (an option too small) is just not kept
    }
    this.cache.set(key, result);
    return result;
  }

  private requestFor(c: Candidate): RunRequest {
    const request: RunRequest = { ...requestOf(this.repro), overrides: c.options, maxTimeUs: c.maxTimeUs };
    if (this.force) request.force = true;
    if (this.overrideFaults) request.faultSchedule = c.faults;
    else delete request.faultSchedule;
    return request;
  }
}
