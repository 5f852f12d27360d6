// Unit tests of generator processes (src/sim/process.ts): cancellation, structure, failures, misuse.

import { describe, expect, it } from "vitest";
import { Cancelled, Future, here, join, ms, now, sleep, spawn, type Proc, type Task } from "../../src/sim/index.js";
import { texts, world } from "./harness.js";

describe("Task cancellation", () => {
  it("cancelling a sleeping task throws Cancelled at its yield point, runs finally at the cancel time, and skips the rest", () => {
    const w = world();
    const task = w.spawn(
      "sleeper",
      (function* () {
        try {
          yield* sleep(ms(100));
          w.note("woke");
        } finally {
          w.note("finally");
        }
      })(),
    );
    w.kernel.at(ms(30), () => task.cancel("test"));
    const out = w.run();
    expect(w.log).toEqual([[ms(30), "finally"]]);
    expect(task.state).toBe("cancelled");
    expect(task.error).toBeInstanceOf(Cancelled);
    // The abandoned sleep never fires: the clock stops at the cancel time.
    expect(out.nowUs).toBe(ms(30));
    expect(out.failure).toBeNull();
  });

  it("a finally block may yield: cleanup takes virtual time and then the task ends cancelled", () => {
    const w = world();
    const task = w.spawn(
      "cleaner",
      (function* () {
        try {
          yield* sleep(ms(100));
        } finally {
          w.note("cleanup start");
          yield* sleep(ms(5));
          w.note("cleanup end");
        }
      })(),
    );
    w.kernel.at(ms(10), () => task.cancel());
    w.run();
    expect(w.log).toEqual([
      [ms(10), "cleanup start"],
      [ms(15), "cleanup end"],
    ]);
    expect(task.state).toBe("cancelled");
  });

  it("a task may catch Cancelled and carry on (cancellation is a request, not a kill)", () => {
    const w = world();
    const task = w.spawn(
      "stubborn",
      (function* () {
        try {
          yield* sleep(ms(100));
        } catch (e) {
          w.note(`caught ${(e as Error).name}`);
        }
        yield* sleep(ms(1));
        return "done anyway";
      })(),
    );
    w.kernel.at(ms(2), () => task.cancel());
    w.run();
    expect(w.log).toEqual([[ms(2), "caught Cancelled"]]);
    expect(task.state).toBe("done");
    expect(task.result).toBe("done anyway");
  });

  it("a task cancelled before it starts never runs its body", () => {
    const w = world();
    const task = w.spawn(
      "never",
      (function* () {
        w.note("ran");
        yield* sleep(1);
      })(),
    );
    task.cancel();
    w.run();
    expect(w.log).toEqual([]);
    expect(task.state).toBe("cancelled");
  });

  it("cancelling a finished task is a no-op", () => {
    const w = world();
    const task = w.spawn(
      "quick",
      (function* () {
        yield* sleep(1);
        return 5;
      })(),
    );
    w.kernel.at(10, () => task.cancel());
    w.run();
    expect(task.state).toBe("done");
    expect(task.result).toBe(5);
  });

  it("a task that cancels itself is interrupted at its next yield, not in the middle of a step", () => {
    const w = world();
    const task = w.spawn(
      "self",
      (function* () {
        try {
          here().cancel("self");
          w.note("same step continues");
          yield* sleep(ms(1));
          w.note("not reached");
        } finally {
          w.note("finally");
        }
      })(),
    );
    w.run();
    expect(texts(w.log)).toEqual(["same step continues", "finally"]);
    expect(task.state).toBe("cancelled");
    expect(w.kernel.now).toBe(0);
  });

  it("interrupt throws an arbitrary error into the task, which fails with it", () => {
    const w = world();
    const task = w.spawn("victim", sleep(ms(50)), { handled: true });
    w.kernel.at(ms(5), () => task.interrupt(new Error("boom")));
    const out = w.run();
    expect(task.state).toBe("failed");
    expect((task.error as Error).message).toBe("boom");
    expect(out.failure).toBeNull(); // handled: someone said they would look
  });
});

describe("Task structure and failures", () => {
  it("join returns the child's result at the time the child finishes", () => {
    const w = world();
    w.spawn(
      "parent",
      (function* () {
        const child = spawn(
          "child",
          (function* () {
            yield* sleep(ms(7));
            return 42;
          })(),
        );
        const v = yield* join(child);
        w.note(`got ${v}`);
      })(),
    );
    w.run();
    expect(w.log).toEqual([[ms(7), "got 42"]]);
  });

  it("a child's error reaches the parent that joins it, and the run does not fail", () => {
    const w = world();
    const parent = w.spawn(
      "parent",
      (function* () {
        const child = spawn(
          "child",
          (function* () {
            yield* sleep(ms(3));
            throw new Error("child broke");
          })(),
          { handled: true },
        );
        try {
          yield* join(child);
        } catch (e) {
          w.note(`caught ${(e as Error).message}`);
        }
      })(),
    );
    const out = w.run();
    expect(w.log).toEqual([[ms(3), "caught child broke"]]);
    expect(parent.state).toBe("done");
    expect(out.failure).toBeNull();
  });

  it("joining a cancelled child throws Cancelled in the parent", () => {
    const w = world();
    w.spawn(
      "parent",
      (function* () {
        const child = spawn("child", sleep(ms(10)));
        w.kernel.after(ms(2), () => child.cancel("because"));
        try {
          yield* join(child);
        } catch (e) {
          w.note(`${(e as Error).name}: ${(e as Error).message}`);
        }
      })(),
    );
    w.run();
    expect(w.log).toEqual([[ms(2), "Cancelled: because"]]);
  });

  it("an unjoined failing process fails the run, naming the process and the error", () => {
    const w = world();
    w.spawn("healthy", sleep(ms(50)));
    w.spawn(
      "worker-3",
      (function* () {
        yield* sleep(ms(4));
        throw new TypeError("bad job");
      })(),
    );
    const out = w.run();
    expect(out.stop).toBe("failed");
    expect(out.failure?.kind).toBe("failed");
    expect(out.failure?.processes).toEqual(["worker-3"]);
    expect(out.failure?.message).toBe('process "worker-3" failed: TypeError: bad job');
    expect(out.failure?.atUs).toBe(ms(4));
    expect(out.nowUs).toBe(ms(4)); // the run stops at the failure
  });

  it("a failing child that its parent never joins fails the run too", () => {
    const w = world();
    w.spawn(
      "parent",
      (function* () {
        spawn(
          "orphan",
          (function* () {
            yield* sleep(1);
            throw new Error("nobody listens");
          })(),
        );
        yield* sleep(ms(10));
      })(),
    );
    const out = w.run();
    expect(out.failure?.processes).toEqual(["orphan"]);
  });

  it("a failure observed only through onDone (not joined) still fails the run", () => {
    const w = world();
    const task = w.spawn(
      "main",
      (function* () {
        yield* sleep(1);
        throw new Error("main broke");
      })(),
    );
    let observed = false;
    task.onDone(() => (observed = true));
    const out = w.run();
    expect(observed).toBe(true);
    expect(out.failure?.message).toBe('process "main" failed: Error: main broke');
  });

  it("when a parent ends, its running children are cancelled and their finally blocks run then", () => {
    const w = world();
    let child: Task<void> | null = null;
    w.spawn(
      "parent",
      (function* () {
        child = spawn(
          "child",
          (function* () {
            try {
              yield* sleep(ms(100));
            } finally {
              w.note("child finally");
            }
          })(),
        );
        yield* sleep(ms(5));
        w.note("parent returns");
      })(),
    );
    const out = w.run();
    expect(w.log).toEqual([
      [ms(5), "parent returns"],
      [ms(5), "child finally"],
    ]);
    expect(child!.state).toBe("cancelled");
    expect(out.nowUs).toBe(ms(5));
  });

  it("tasks woken at the same time resume in the order they were woken (FIFO)", () => {
    const w = world();
    const f = new Future<void>("go");
    for (const name of ["a", "b", "c", "d"]) {
      w.spawn(
        name,
        (function* () {
          yield* f.wait();
          w.note(name);
        })(),
      );
    }
    w.kernel.at(ms(1), () => f.resolve());
    w.run();
    expect(texts(w.log)).toEqual(["a", "b", "c", "d"]);
  });

  it("now() and here() report the running task's view", () => {
    const w = world();
    w.spawn(
      "observer",
      (function* () {
        yield* sleep(ms(3));
        w.note(`${here().name} at ${now()}`);
      })(),
    );
    w.run();
    expect(texts(w.log)).toEqual([`observer at ${ms(3)}`]);
    expect(() => here()).toThrow(/not inside a simulation process/);
  });

  it("a sleep of a fractional or negative duration is rounded to whole microseconds, never negative", () => {
    const w = world();
    w.spawn(
      "odd",
      (function* (): Proc<void> {
        yield* sleep(2.6);
        w.note("a");
        yield* sleep(-5);
        w.note("b");
      })(),
    );
    w.run();
    expect(w.log).toEqual([
      [3, "a"],
      [3, "b"],
    ]);
  });
});

describe("misuse", () => {
  it("yielding a generator instead of delegating to it (yield instead of yield*) fails that process with a hint, not the whole kernel", () => {
    const w = world();
    let cleaned = false;
    w.spawn(
      "forgetful",
      (function* (): Proc<void> {
        try {
          yield sleep(ms(1)) as unknown as number; // the classic slip: `yield` for `yield*`
        } finally {
          cleaned = true;
        }
      })(),
    );
    const out = w.run();
    expect(out.stop).toBe("failed");
    expect(out.failure?.processes).toEqual(["forgetful"]);
    expect(out.failure?.message).toMatch(/TypeError: .*yield\*/);
    expect(cleaned).toBe(true);
  });

  it("yielding null or a string fails the process the same way", () => {
    for (const bad of [null, "soon"]) {
      const w = world();
      w.spawn(
        "odd",
        (function* (): Proc<void> {
          yield bad as unknown as number;
        })(),
      );
      const out = w.run();
      expect(out.failure?.message).toMatch(/process "odd" failed: TypeError/);
    }
  });
});
