// Unit tests of the AsyncWorker (src/async/async-worker.ts): concurrency limit, FIFO slots, timeouts, cancellation,
// shutdown.

import { describe, expect, it } from "vitest";
import {
  type Cancelled,
  TimeoutError,
  isCancelled,
  ms,
  now,
  shield,
  sleep,
  spawn,
  join,
  type Proc,
} from "../../src/sim/index.js";
import { AsyncWorker } from "../../src/async/async-worker.js";
import { WorkerNotRunning, type Outcome } from "../../src/async/worker-types.js";
import { runOk } from "./run.js";

function worker(concurrency: number): AsyncWorker {
  const w = new AsyncWorker({ name: "w", concurrency, recordEvents: true });
  return w;
}

function* work<T>(us: number, value: T): Proc<T> {
  yield* sleep(us);
  return value;
}

describe("AsyncWorker", () => {
  it("runs at most `concurrency` tasks at once and admits them in submission order", () => {
    const starts: [number, number][] = [];
    runOk(function* () {
      const w = worker(2);
      w.start();
      const hs = [30, 10, 10, 10].map((d, i) =>
        w.submit(function* () {
          starts.push([i, now()]);
          return yield* work(ms(d), i);
        }),
      );
      for (const h of hs) yield* h.result();
      yield* w.shutdown({ mode: "drain" });
      expect(w.peakActive).toBe(2);
    });
    expect(starts).toEqual([
      [0, 0],
      [1, 0],
      [2, ms(10)],
      [3, ms(20)],
    ]);
  });

  it("times a task out exactly at start + timeout, unwinding its body then; the slot goes to the next task at once", () => {
    const seen: string[] = [];
    runOk(function* () {
      const w = worker(1);
      w.start();
      const slow = w.submit(
        function* () {
          try {
            yield* sleep(ms(100));
          } finally {
            seen.push(`unwound@${now()}`);
          }
        },
        { timeoutUs: ms(20) },
      );
      const next = w.submit(function* () {
        seen.push(`next@${now()}`);
      });
      const o = yield* slow.settled();
      expect(o.status).toBe("timed-out");
      expect(o.atUs).toBe(ms(20));
      yield* next.result();
      try {
        yield* slow.result();
      } catch (error) {
        seen.push(error instanceof TimeoutError ? "TimeoutError" : String(error));
      }
      yield* w.shutdown({ mode: "drain" });
    });
    expect(seen).toEqual([`unwound@${ms(20)}`, `next@${ms(20)}`, "TimeoutError"]);
  });

  it("a cancelled task never runs its callback, even when the cancel lands at its completion instant", () => {
    const callbacks: string[] = [];
    runOk(function* () {
      const w = worker(4);
      w.start();
      const onDone = (o: Outcome<number>) => callbacks.push(o.status);
      const a = w.submit(() => work(ms(10), 1), { onDone });
      const b = w.submit(() => work(ms(10), 2), { onDone, timeoutUs: ms(50) }); // completes through a child task: a wake hop to race
      const c = w.submit(() => work(ms(10), 3), { onDone });
      yield* sleep(0); // let the bodies arm their sleeps first, so at 10 ms they wake before us
      yield* sleep(ms(10));
      expect(w.cancel(a)).toBe(false); // a already completed in this instant, before us
      expect(w.cancel(c)).toBe(false);
      expect(w.cancel(b)).toBe(true); // b's body ended but its task has not resumed yet
      expect(w.cancel(b)).toBe(false); // a second cancel is refused
      yield* b.settled();
      yield* c.settled();
      expect(b.outcome?.status).toBe("cancelled");
      yield* w.shutdown({ mode: "drain" });
    });
    expect(callbacks).toEqual(["completed", "completed"]);
  });

  it("a body that swallows its cancellation still ends cancelled, without callback", () => {
    let called = 0;
    const status = runOk(function* () {
      const w = worker(1);
      w.start();
      const h = w.submit(
        function* () {
          try {
            yield* sleep(ms(10));
          } catch {
            return "swallowed";
          }
          return "done";
        },
        { onDone: () => called++ },
      );
      yield* sleep(ms(5));
      w.cancel(h);
      const o = yield* h.settled();
      yield* w.shutdown({ mode: "drain" });
      return o.status;
    });
    expect(status).toBe("cancelled");
    expect(called).toBe(0);
  });

  it("a shielded body finishes its critical section before the cancel takes effect", () => {
    const r = runOk(function* () {
      const w = worker(1);
      w.start();
      let committed = -1;
      const h = w.submit(function* () {
        yield* shield(
          (function* () {
            yield* sleep(ms(10));
            committed = now();
          })(),
        );
        yield* sleep(ms(10));
      });
      yield* sleep(ms(2));
      w.cancel(h);
      const o = yield* h.settled();
      yield* w.shutdown({ mode: "drain" });
      return { o, committed };
    });
    expect(r.committed).toBe(ms(10));
    expect(r.o).toMatchObject({ status: "cancelled", atUs: ms(10) });
  });

  it("a failing task's error reaches result() unchanged and the worker keeps running", () => {
    const boom = new Error("boom");
    const r = runOk(function* () {
      const w = worker(1);
      w.start();
      const bad = w.submit(function* (): Proc<void> {
        yield* sleep(1);
        throw boom;
      });
      const good = w.submit(() => work(ms(1), "fine"));
      let caught: unknown;
      try {
        yield* bad.result();
      } catch (error) {
        caught = error;
      }
      const v = yield* good.result();
      yield* w.shutdown({ mode: "drain" });
      return { caught, v, stats: w.stats() };
    });
    expect(r.caught).toBe(boom);
    expect(r.v).toBe("fine");
    expect(r.stats).toMatchObject({ submitted: 2, completed: 1, failed: 1, active: 0, queued: 0, permitsInUse: 0 });
  });

  it("shutdown(drain) finishes queued work and refuses new work; shutdown(cancel) cancels it at that instant", () => {
    const r = runOk(function* () {
      const w = worker(1);
      w.start();
      const hs = [0, 1, 2].map((i) => w.submit(() => work(ms(10), i)));
      const stopping = spawn("stop", w.shutdown({ mode: "drain" }));
      yield* sleep(0);
      expect(() => w.submit(() => work(1, 9))).toThrow(WorkerNotRunning);
      yield* join(stopping);
      const drainedAt = now();
      const drained = hs.map((h) => h.outcome?.status);
      w.start({ concurrency: 3 }); // a new run with another concurrency
      const more = [0, 1, 2, 3].map((i) => w.submit(() => work(ms(10), i)));
      yield* sleep(ms(5));
      yield* w.shutdown({ mode: "cancel" });
      return { drainedAt, drained, cancelledAt: now(), more: more.map((h) => h.outcome?.status), stats: w.stats() };
    });
    expect(r.drainedAt).toBe(ms(30));
    expect(r.drained).toEqual(["completed", "completed", "completed"]);
    expect(r.cancelledAt).toBe(ms(35));
    expect(r.more).toEqual(["cancelled", "cancelled", "cancelled", "cancelled"]);
    expect(r.stats).toMatchObject({ state: "stopped", concurrency: 3, permitsInUse: 0, active: 0, queued: 0 });
  });

  it("a task cancelled before it ever started ends cancelled and takes no slot", () => {
    const r = runOk(function* () {
      const w = worker(1);
      w.start();
      const h = w.submit(() => work(ms(10), 1));
      w.cancel(h, "changed my mind");
      const o = yield* h.settled();
      try {
        yield* h.result();
      } catch (error) {
        return {
          o,
          cancelled: isCancelled(error) && (error as Cancelled).reason === "changed my mind",
          stats: w.stats(),
        };
      }
      return null;
    });
    expect(r?.o).toMatchObject({ status: "cancelled", reason: "changed my mind", atUs: 0 });
    expect(r?.cancelled).toBe(true);
    expect(r?.stats.permitsInUse).toBe(0);
  });

  it("records one lifecycle event per step and exactly one terminal event per task", () => {
    const w = runOk(function* () {
      const w = worker(2);
      w.start();
      const a = w.submit(() => work(ms(1), 1), { onDone: () => {} });
      const b = w.submit(() => work(ms(5), 2));
      yield* sleep(ms(2));
      w.cancel(b);
      yield* a.settled();
      yield* w.shutdown({ mode: "drain" });
      return w;
    });
    const kinds = w.events.map((e) => `${e.taskId}:${e.kind}`);
    expect(kinds).toEqual([
      "-1:start",
      "1:submitted",
      "2:submitted",
      "1:started",
      "2:started",
      "1:completed",
      "1:callback",
      "2:cancel-requested",
      "2:cancelled",
      "-1:shutdown",
      "-1:stopped",
    ]);
  });

  it("rejects a concurrency that is not a positive integer", () => {
    expect(() => new AsyncWorker({ name: "x", concurrency: 0 })).toThrow(RangeError);
    expect(() => new AsyncWorker({ name: "x", concurrency: 1.5 })).toThrow(RangeError);
  });
});
