// The harness's own view of a soak scenario, independent of the worker under test:
// instrumented task bodies record when they start and how they end, take a resource
// from a ledger and give it back in `finally`, and count how many run at once. The
// worker is judged by what these instruments saw, not by what it says about itself.

import { Histogram } from "../histogram.js";
import { now, sleep, type Micros, type Proc } from "../../sim/index.js";
import type { AsyncWorkerLike, WorkHandle } from "../worker-types.js";
import { countOutcome, emptyCounts, type SoakCounts } from "./report.js";

export class SoakTaskError extends Error {
  override readonly name = "SoakTaskError";
  constructor(readonly taskIndex: number) {
    super(`soak task ${taskIndex} failed as planned`);
  }
}

export interface TaskPlan {
  index: number;
  durationUs: Micros;
  fails: boolean;
  timeoutUs?: Micros;
}

export type BodyEnd = "returned" | "threw" | "unwound";

export class TaskRecord {
  handle!: WorkHandle<number>;
  startedAtUs: Micros | null = null;
  bodyEnd: BodyEnd | null = null;
  bodyEndedAtUs: Micros | null = null;
  resourceReleasedAtUs: Micros | null = null;
  callbacks = 0;
  callbackAtUs: Micros | null = null;
  /** When the harness asked for a cancel, and whether the worker accepted it. */
  cancelAskedAtUs: Micros | null = null;
  cancelAccepted = false;
  /** Set when a cancel was refused: the outcome at that moment (it must already be final). */
  refusedWhileOpen = false;

  constructor(
    readonly plan: TaskPlan,
    readonly submittedAtUs: Micros,
  ) {}
}

export class SoakTracker {
  readonly records: TaskRecord[] = [];
  readonly latency = new Histogram();
  running = 0;
  peakRunning = 0;
  resourcesHeld = 0;
  /** Start order as observed by the bodies (task indexes). */
  readonly startOrder: number[] = [];
  /** Callback order as observed (task indexes), to check it follows outcome times. */
  readonly callbackOrder: number[] = [];
  /** Hook run when a body starts (mid-flight cancellation schedules its canceller here). */
  onStart: ((record: TaskRecord) => void) | null = null;

  /** Submits an instrumented task. */
  submit(worker: AsyncWorkerLike, plan: TaskPlan): TaskRecord {
    const record = new TaskRecord(plan, now());
    const options = {
      label: `t${plan.index}`,
      onDone: (): void => {
        record.callbacks++;
        record.callbackAtUs = now();
        this.callbackOrder.push(plan.index);
      },
      ...(plan.timeoutUs === undefined ? {} : { timeoutUs: plan.timeoutUs }),
    };
    record.handle = worker.submit(() => this.body(record), options);
    this.records.push(record);
    return record;
  }

  /** Asks the worker to cancel and records the answer. */
  cancel(worker: AsyncWorkerLike, record: TaskRecord, reason: string): boolean {
    record.cancelAskedAtUs ??= now();
    const accepted = worker.cancel(record.handle as WorkHandle<unknown>, reason);
    if (accepted) record.cancelAccepted = true;
    else if (!record.cancelAccepted && record.handle.outcome === null) record.refusedWhileOpen = true;
    return accepted;
  }

  private *body(record: TaskRecord): Proc<number> {
    const plan = record.plan;
    record.startedAtUs = now();
    this.startOrder.push(plan.index);
    this.running++;
    if (this.running > this.peakRunning) this.peakRunning = this.running;
    this.resourcesHeld++;
    this.onStart?.(record);
    try {
      yield* sleep(plan.durationUs);
      if (plan.fails) {
        record.bodyEnd = "threw";
        throw new SoakTaskError(plan.index);
      }
      record.bodyEnd = "returned";
      return plan.index;
    } finally {
      record.bodyEnd ??= "unwound";
      record.bodyEndedAtUs = now();
      record.resourceReleasedAtUs = now();
      this.resourcesHeld--;
      this.running--;
    }
  }

  /** Waits for every task to end, then records latencies. */
  *awaitAll(): Proc<void> {
    for (const r of this.records) {
      const o = yield* r.handle.settled();
      this.latency.record(o.atUs - r.submittedAtUs);
    }
  }

  counts(): SoakCounts {
    const c = emptyCounts();
    for (const r of this.records) {
      c.submitted++;
      if (r.handle.outcome !== null) countOutcome(c, r.handle.outcome);
    }
    return c;
  }
}
