// Unit tests of runParallel (src/async/parallel-runner.ts): order of results, limits, task and global timeouts.

import { describe, expect, it } from "vitest";
import { Cancelled, TimeoutError, isCancelled, ms, sleep, type Proc } from "../../src/sim/index.js";
import {
  globalTimeoutFor,
  runParallel,
  type ParallelTask,
  type ProgressEvent,
} from "../../src/async/parallel-runner.js";
import { run, runOk } from "./run.js";

function task(id: string, us: number, outcome: "ok" | Error = "ok"): ParallelTask<string> {
  return {
    id,
    *run(): Proc<string> {
      yield* sleep(us);
      if (outcome !== "ok") throw outcome;
      return `${id}-out`;
    },
  };
}

describe("runParallel", () => {
  it("keeps input order whatever the completion order, with failures in place", () => {
    const r = runOk(() =>
      runParallel([task("a", 30), task("b", 10, new Error("b broke")), task("c", 20)], { maxConcurrent: 3 }),
    );
    expect(r.results.map((x) => [x.id, x.status, x.output, x.error, x.exitCode])).toEqual([
      ["a", "ok", "a-out", null, 0],
      ["b", "failed", null, "b broke", -1],
      ["c", "ok", "c-out", null, 0],
    ]);
    expect(r.elapsedUs).toBe(30);
  });

  it("rejects maxConcurrent of 0, negative or fractional at call time with a clear message", () => {
    for (const bad of [0, -3, 2.5])
      expect(() => runParallel([], { maxConcurrent: bad })).toThrow(/maxConcurrent must be a positive integer/);
  });

  it("an empty list returns an empty result list at once", () => {
    const r = runOk(() => runParallel([], { maxConcurrent: 1 }));
    expect(r.results).toEqual([]);
    expect(r.elapsedUs).toBe(0);
  });

  it("per-task timeouts are failed results; the global timeout (1.5 x task timeout) returns partial results without throwing", () => {
    expect(globalTimeoutFor({ maxConcurrent: 1, taskTimeoutUs: ms(300) })).toBe(ms(450));
    const r = runOk(() =>
      runParallel([task("fast", ms(50)), task("hung", ms(500)), task("queued1", ms(90)), task("queued2", ms(90))], {
        maxConcurrent: 2,
        taskTimeoutUs: ms(100),
      }),
    );
    expect(r.globalTimedOut).toBe(true);
    expect(r.elapsedUs).toBe(ms(150));
    expect(r.results.map((x) => x.status)).toEqual(["ok", "timed-out", "ok", "unfinished"]);
    expect(r.results[1]!.error).toMatch(/timed out/);
  });

  it("a task's own TimeoutError is a plain failure, not the runner's timeout", () => {
    const r = runOk(() =>
      runParallel([task("t", 1, new TimeoutError("inner", 5))], { maxConcurrent: 1, taskTimeoutUs: ms(10) }),
    );
    expect(r.results[0]!.status).toBe("failed");
  });

  it("a task ending cancelled by itself makes the run re-raise and cancels its siblings", () => {
    const r = run(() =>
      runParallel([task("self", 5, new Cancelled("own")), task("long", ms(100))], { maxConcurrent: 2 }),
    );
    expect(isCancelled(r.error)).toBe(true);
    expect(r.nowUs).toBe(5);
  });

  it("progress: one start and one ending per task with totals; a throwing callback is counted and ignored", () => {
    const events: ProgressEvent[] = [];
    const r = runOk(() =>
      runParallel([task("a", 3), task("b", 1, new Error("x"))], {
        maxConcurrent: 1,
        onProgress: (e) => {
          events.push(e);
          throw new Error("ui");
        },
      }),
    );
    expect(events.map((e) => `${e.index}/${e.total}:${e.id}:${e.status}@${e.atUs}`)).toEqual([
      "0/2:a:started@0",
      "0/2:a:completed@3",
      "1/2:b:started@3",
      "1/2:b:failed@4",
    ]);
    expect(r.progressErrors).toBe(4);
    expect(r.succeeded + r.failed).toBe(2);
  });

  it("never runs more than maxConcurrent at once and reaches it", () => {
    let active = 0;
    let peak = 0;
    const tasks = Array.from(
      { length: 20 },
      (_, i): ParallelTask<number> => ({
        id: `${i}`,
        *run() {
          peak = Math.max(peak, ++active);
          yield* sleep((i % 5) + 1);
          active--;
          return i;
        },
      }),
    );
    const r = runOk(() => runParallel(tasks, { maxConcurrent: 4 }));
    expect(peak).toBe(4);
    expect(r.peakActive).toBe(4);
  });
});
