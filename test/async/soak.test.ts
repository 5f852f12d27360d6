// The soak harness (src/async/soak.ts): a correct worker passes, planted worker bugs are caught, properties hold over
// seeds.

import { describe, expect, it } from "vitest";
import type { Proc } from "../../src/sim/index.js";
import { AsyncWorker, asyncWorkerFactory } from "../../src/async/async-worker.js";
import { SOAK_SCENARIOS, runSoak, type SoakTelemetry } from "../../src/async/soak.js";
import type {
  AsyncWorkerLike,
  Outcome,
  SubmitOptions,
  WorkHandle,
  WorkerFactory,
  WorkerStats,
} from "../../src/async/worker-types.js";
import { resolveSeeds } from "../../src/testing/seeds-env.js";

describe("runSoak", () => {
  it("is a pure function of (factory, iterations, seed): the same seed gives the same report, another seed another", () => {
    const a = runSoak(asyncWorkerFactory(), { iterations: 2, seed: 11 });
    const b = runSoak(asyncWorkerFactory(), { iterations: 2, seed: 11 });
    const c = runSoak(asyncWorkerFactory(), { iterations: 2, seed: 12 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a.totals)).not.toBe(JSON.stringify(c.totals));
  });

  it("adding iterations never changes the earlier ones (each iteration forks its own stream)", () => {
    const two = runSoak(asyncWorkerFactory(), { iterations: 2, seed: 5 });
    const three = runSoak(asyncWorkerFactory(), { iterations: 3, seed: 5 });
    expect(JSON.stringify(three.iterations.slice(0, 2))).toBe(JSON.stringify(two.iterations));
  });

  it("runs all six scenarios per iteration and reports counts that add up with one latency sample per task", () => {
    const r = runSoak(asyncWorkerFactory(), { iterations: 3, seed: 2 });
    expect(r.ok).toBe(true);
    expect(r.iterations).toHaveLength(3);
    for (const it of r.iterations) {
      expect(it.scenarios.map((s) => s.scenario)).toEqual([...SOAK_SCENARIOS]);
      const c = it.counts;
      expect(c.completed + c.cancelled + c.timedOut + c.failed).toBe(c.submitted);
      expect(it.latency.count).toBe(c.submitted);
    }
    const t = r.totals;
    expect(t.submitted).toBe(r.iterations.reduce((n, it) => n + it.counts.submitted, 0));
    for (const k of ["completed", "cancelled", "timedOut", "failed"] as const) expect(t[k]).toBeGreaterThan(0); // every outcome is exercised
  });

  it("feeds the telemetry hook every scenario report, every iteration report and (on request) every worker event", () => {
    const events: SoakTelemetry[] = [];
    const r = runSoak(asyncWorkerFactory(), {
      iterations: 2,
      seed: 3,
      telemetry: (e) => events.push(e),
      workerEvents: true,
    });
    expect(events.filter((e) => e.kind === "scenario")).toHaveLength(12);
    expect(events.filter((e) => e.kind === "iteration")).toHaveLength(2);
    const submitted = events.filter((e) => e.kind === "worker" && e.event.kind === "submitted").length;
    expect(submitted).toBe(r.totals.submitted);
  });

  it("reports a harness that cannot finish instead of hanging", () => {
    const stuck: WorkerFactory = (o) => {
      const w = new AsyncWorker(o);
      return Object.assign(Object.create(w) as AsyncWorker, {
        *shutdown(): Proc<void> {
          yield { what: "never", arm() {}, disarm() {} };
        },
      });
    };
    const r = runSoak(stuck, { iterations: 1, seed: 1, scenarios: ["concurrent-load"] });
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/soak did not finish: deadlock/);
  });
});

type Bug =
  | "over-limit"
  | "ignores-timeout"
  | "callback-on-cancel"
  | "lying-cancel"
  | "leaky-slot"
  | "drain-cancels"
  | "miscounts";

/** A worker with one planted bug, delegating everything else to AsyncWorker. */
class Broken implements AsyncWorkerLike {
  private readonly callbacks = new Map<number, (o: Outcome<never>) => void>();
  constructor(
    private readonly inner: AsyncWorker,
    private readonly bug: Bug,
  ) {}
  get name(): string {
    return this.inner.name;
  }
  get state(): AsyncWorkerLike["state"] {
    return this.inner.state;
  }
  get concurrency(): number {
    return this.inner.concurrency;
  }
  start(o: { concurrency?: number } = {}): void {
    this.inner.start(this.bug === "over-limit" ? { concurrency: (o.concurrency ?? this.inner.concurrency) + 1 } : o);
  }
  submit<T>(body: () => Proc<T>, options: SubmitOptions<T> = {}): WorkHandle<T> {
    const { timeoutUs, ...rest } = options;
    const h = this.inner.submit(body, this.bug === "ignores-timeout" || timeoutUs === undefined ? rest : options);
    if (options.onDone !== undefined) this.callbacks.set(h.id, options.onDone as (o: Outcome<never>) => void);
    return h;
  }
  cancel(handle: WorkHandle<unknown>, reason?: string): boolean {
    if (this.bug === "lying-cancel") return handle.outcome === null;
    const ok = this.inner.cancel(handle, reason);
    if (ok && this.bug === "callback-on-cancel")
      this.callbacks.get(handle.id)?.({ status: "cancelled", reason: "x", atUs: 0 });
    return ok;
  }
  shutdown(o: { mode: "drain" | "cancel" }): Proc<void> {
    return this.inner.shutdown(this.bug === "drain-cancels" ? { mode: "cancel" } : o);
  }
  stats(): WorkerStats {
    const s = this.inner.stats();
    if (this.bug === "leaky-slot" && s.state === "stopped") return { ...s, permitsInUse: 1 };
    if (this.bug === "miscounts") return { ...s, completed: s.completed + Math.floor(s.submitted / 7) };
    return s;
  }
}

const broken =
  (bug: Bug): WorkerFactory =>
  (o) =>
    new Broken(new AsyncWorker(bug === "over-limit" ? { ...o, concurrency: o.concurrency + 1 } : o), bug);

describe("the soak harness catches broken workers", () => {
  it.each<[Bug, string]>([
    ["over-limit", "concurrency never exceeds the limit"],
    ["ignores-timeout", "an overrunning task times out exactly at its deadline"],
    ["callback-on-cancel", "never after a cancel"],
    ["lying-cancel", "an accepted cancel always ends cancelled"],
    ["leaky-slot", "no leaked slots or resources"],
    ["drain-cancels", "drain lets every open task finish"],
    ["miscounts", "counts add up"],
  ])("a worker that is %s fails the check '%s'", (bug, check) => {
    const r = runSoak(broken(bug), { iterations: 2, seed: 1 });
    expect(r.ok).toBe(false);
    expect(
      r.problems.some((p) => p.includes(check)),
      r.problems.slice(0, 3).join("\n"),
    ).toBe(true);
  });
});

describe("soak properties over seeds", () => {
  it("jitter storm over 500 seeds: concurrency within the limit, no callback after cancel, one terminal state each, no leaked slots, counts add up, FIFO admission", () => {
    let tasks = 0;
    for (const seed of resolveSeeds({ first: 1, last: 500 })) {
      const r = runSoak(asyncWorkerFactory(), { iterations: 1, seed, scenarios: ["jitter-storm"] });
      expect(r.problems, `seed ${seed}`).toEqual([]);
      const checks = r.iterations[0]!.scenarios[0]!.checks.map((c) => c.name);
      expect(checks).toEqual(
        expect.arrayContaining([
          "concurrency never exceeds the limit",
          "every task ends in exactly one terminal state",
          "no leaked slots or resources",
          "counts add up",
          "tasks start in submission order",
        ]),
      );
      tasks += r.totals.submitted;
    }
    expect(tasks).toBeGreaterThan(0);
  });

  it("all six scenarios over 100 seeds hold every invariant", () => {
    for (const seed of resolveSeeds({ first: 1001, last: 1100 })) {
      const r = runSoak(asyncWorkerFactory(), { iterations: 1, seed });
      expect(r.problems, `seed ${seed}`).toEqual([]);
    }
  });
});
