// Unit tests of withTimeout, race and gather (src/sim/ops.ts).

import { describe, expect, it } from "vitest";
import {
  Cancelled,
  TimeoutError,
  gather,
  here,
  ms,
  race,
  scope,
  shield,
  sleep,
  spawn,
  withTimeout,
  type Proc,
  type Settled,
} from "../../src/sim/index.js";
import { texts, world, type World } from "./harness.js";

/** Sleeps, notes its end and returns `value`; notes "<name> finally" however it ends. */
function* worker<T>(w: World, name: string, durationUs: number, value: T): Proc<T> {
  try {
    yield* sleep(durationUs);
    w.note(`${name} done`);
    return value;
  } finally {
    w.note(`${name} finally`);
  }
}

function* failer(w: World, name: string, afterUs: number, message: string): Proc<never> {
  try {
    yield* sleep(afterUs);
    throw new Error(message);
  } finally {
    w.note(`${name} finally`);
  }
}

/** Runs `body` as the only process; returns what it returned or threw, with the time. */
function outcome<T>(w: World, body: Proc<T>): { ok?: T; error?: unknown; atUs?: number } {
  const res: { ok?: T; error?: unknown; atUs?: number } = {};
  w.spawn(
    "main",
    (function* () {
      try {
        res.ok = yield* body;
      } catch (e) {
        res.error = e;
      }
      res.atUs = w.kernel.now;
    })(),
  );
  const out = w.run();
  expect(out.failure).toBeNull();
  return res;
}

describe("withTimeout", () => {
  it("expiry throws TimeoutError at the deadline after the body's finally ran at the deadline", () => {
    const w = world();
    const r = outcome(w, withTimeout(worker(w, "body", ms(50), 1), ms(20), "fetch"));
    expect(r.error).toBeInstanceOf(TimeoutError);
    expect((r.error as TimeoutError).what).toBe("fetch");
    expect(r.atUs).toBe(ms(20));
    expect(w.log).toEqual([[ms(20), "body finally"]]);
    expect(w.kernel.now).toBe(ms(20)); // the body's abandoned sleep never fires
  });

  it("a body that completes in time returns its value, and the deadline timer is dropped", () => {
    const w = world();
    const r = outcome(w, withTimeout(worker(w, "body", ms(5), "value"), ms(20)));
    expect(r).toEqual({ ok: "value", atUs: ms(5) });
    expect(w.kernel.now).toBe(ms(5)); // nothing left scheduled at 20 ms
  });

  it("a body's own error passes through unchanged (not turned into a timeout)", () => {
    const w = world();
    const r = outcome(w, withTimeout(failer(w, "body", ms(3), "disk full"), ms(20)));
    expect((r.error as Error).message).toBe("disk full");
    expect(r.atUs).toBe(ms(3));
  });

  it("nested: the inner deadline expires first and the outer sees the inner TimeoutError", () => {
    const w = world();
    const r = outcome(w, withTimeout(withTimeout(worker(w, "body", ms(50), 1), ms(10), "inner"), ms(30), "outer"));
    expect((r.error as TimeoutError).what).toBe("inner");
    expect(r.atUs).toBe(ms(10));
  });

  it("nested: the outer deadline expires first, cancelling the inner body at the outer deadline", () => {
    const w = world();
    const r = outcome(w, withTimeout(withTimeout(worker(w, "body", ms(50), 1), ms(30), "inner"), ms(10), "outer"));
    expect((r.error as TimeoutError).what).toBe("outer");
    expect(r.atUs).toBe(ms(10));
    expect(w.log).toEqual([[ms(10), "body finally"]]);
    expect(w.kernel.now).toBe(ms(10));
  });

  it("nested: an inner timeout caught inside the outer body does not expire the outer", () => {
    const w = world();
    const r = outcome(
      w,
      withTimeout(
        (function* () {
          try {
            yield* withTimeout(sleep(ms(50)), ms(5), "inner");
          } catch (e) {
            if (!(e instanceof TimeoutError)) throw e;
          }
          yield* sleep(ms(2));
          return "recovered";
        })(),
        ms(30),
        "outer",
      ),
    );
    expect(r).toEqual({ ok: "recovered", atUs: ms(7) });
  });

  it("a body whose finally takes time delays the TimeoutError until the cleanup is done", () => {
    const w = world();
    const r = outcome(
      w,
      withTimeout(
        (function* () {
          try {
            yield* sleep(ms(50));
          } finally {
            yield* sleep(ms(4));
            w.note("cleaned");
          }
        })(),
        ms(10),
      ),
    );
    expect(r.error).toBeInstanceOf(TimeoutError);
    expect(w.log).toEqual([[ms(14), "cleaned"]]);
    expect(r.atUs).toBe(ms(14));
  });

  it("a shielded body finishes its section before the timeout takes effect", () => {
    const w = world();
    const r = outcome(
      w,
      withTimeout(
        (function* () {
          yield* shield(worker(w, "critical", ms(25), 0));
          w.note("after shield");
        })(),
        ms(10),
      ),
    );
    expect(r.error).toBeInstanceOf(TimeoutError);
    expect(r.atUs).toBe(ms(25));
    expect(texts(w.log)).toEqual(["critical done", "critical finally"]);
  });

  it("cancelling the caller cancels the body at once and the caller sees Cancelled, not a timeout", () => {
    const w = world();
    const task = w.spawn("caller", withTimeout(worker(w, "body", ms(50), 1), ms(20)), { handled: true });
    w.kernel.at(ms(3), () => task.cancel());
    w.run();
    expect(task.state).toBe("cancelled");
    expect(w.log).toEqual([[ms(3), "body finally"]]);
    expect(w.kernel.now).toBe(ms(3));
  });
});

describe("race", () => {
  it("returns the first finisher's index and value, cancelling the losers at that moment", () => {
    const w = world();
    const r = outcome(
      w,
      race([worker(w, "slow", ms(30), "s"), worker(w, "fast", ms(10), "f"), worker(w, "mid", ms(20), "m")]),
    );
    expect(r).toEqual({ ok: { index: 1, value: "f" }, atUs: ms(10) });
    expect(w.log).toEqual([
      [ms(10), "fast done"],
      [ms(10), "fast finally"],
      [ms(10), "slow finally"],
      [ms(10), "mid finally"],
    ]);
    expect(w.kernel.now).toBe(ms(10));
  });

  it("a failing winner's error is thrown and the others are cancelled", () => {
    const w = world();
    const r = outcome(w, race<string>([worker(w, "slow", ms(30), "s"), failer(w, "bad", ms(5), "lost the link")]));
    expect((r.error as Error).message).toBe("lost the link");
    expect(r.atUs).toBe(ms(5));
    expect(w.log).toEqual([
      [ms(5), "bad finally"],
      [ms(5), "slow finally"],
    ]);
  });

  it("cancelling the caller cancels every contestant", () => {
    const w = world();
    const task = w.spawn("caller", race([worker(w, "a", ms(30), 1), worker(w, "b", ms(40), 2)]), { handled: true });
    w.kernel.at(ms(2), () => task.cancel());
    w.run();
    expect(task.state).toBe("cancelled");
    expect(w.log).toEqual([
      [ms(2), "a finally"],
      [ms(2), "b finally"],
    ]);
  });
});

describe("gather", () => {
  it("fail-fast returns every value in input order when all succeed", () => {
    const w = world();
    const r = outcome(
      w,
      gather([worker(w, "a", ms(30), "A"), worker(w, "b", ms(10), "B"), worker(w, "c", ms(20), "C")]),
    );
    expect(r).toEqual({ ok: ["A", "B", "C"], atUs: ms(30) });
  });

  it("fail-fast throws the first failure and cancels the rest at that moment, even if a pending one comes first in input order", () => {
    const w = world();
    const r = outcome(
      w,
      gather<string>([
        worker(w, "slow", ms(50), "s"),
        failer(w, "early", ms(5), "early failure"),
        failer(w, "late", ms(8), "late failure"),
      ]),
    );
    expect((r.error as Error).message).toBe("early failure");
    expect(r.atUs).toBe(ms(5));
    expect(w.log).toEqual([
      [ms(5), "early finally"],
      [ms(5), "slow finally"],
      [ms(5), "late finally"],
    ]);
    expect(w.kernel.now).toBe(ms(5));
  });

  it("fail-fast reports the failure that happened first in time, not the first in input order", () => {
    const w = world();
    const r = outcome(w, gather<string>([failer(w, "second", ms(9), "at 9"), failer(w, "first", ms(4), "at 4")]));
    expect((r.error as Error).message).toBe("at 4");
  });

  it("settle-all waits for every outcome and reports them in input order", () => {
    const w = world();
    const r = outcome(
      w,
      gather<string>([worker(w, "a", ms(30), "A"), failer(w, "b", ms(5), "b broke"), worker(w, "c", ms(10), "C")], {
        mode: "settle-all",
      }),
    );
    expect(r.atUs).toBe(ms(30));
    const settled = r.ok as Settled<string>[];
    expect(settled.map((s) => (s.ok ? s.value : (s.error as Error).message))).toEqual(["A", "b broke", "C"]);
    expect(settled.map((s) => s.ok)).toEqual([true, false, true]);
  });

  it("an empty gather returns at once in both modes", () => {
    const w = world();
    const r = outcome(
      w,
      (function* () {
        return [yield* gather([]), yield* gather([], { mode: "settle-all" })];
      })(),
    );
    expect(r).toEqual({ ok: [[], []], atUs: 0 });
  });
});

describe("shield", () => {
  it("defers a cancel to the end of the shielded section, then throws Cancelled there", () => {
    const w = world();
    const task = w.spawn(
      "t",
      (function* () {
        try {
          yield* shield(worker(w, "critical", ms(20), 0));
          w.note("after shield (not reached)");
        } catch (e) {
          w.note(`caught ${(e as Error).name}`);
          throw e;
        }
      })(),
    );
    w.kernel.at(ms(5), () => task.cancel());
    w.run();
    expect(w.log).toEqual([
      [ms(20), "critical done"],
      [ms(20), "critical finally"],
      [ms(20), "caught Cancelled"],
    ]);
    expect(task.state).toBe("cancelled");
  });

  it("returns the body's value when no cancel arrived", () => {
    const w = world();
    const r = outcome(w, shield(worker(w, "critical", ms(3), "v")));
    expect(r).toEqual({ ok: "v", atUs: ms(3) });
  });

  it("nested shields defer the cancel to the end of the outermost one", () => {
    const w = world();
    const task = w.spawn(
      "t",
      (function* () {
        yield* shield(
          (function* () {
            yield* shield(sleep(ms(10)));
            w.note("inner ended");
            yield* sleep(ms(10));
            w.note("outer ending");
          })(),
        );
        w.note("not reached");
      })(),
    );
    w.kernel.at(ms(5), () => task.cancel());
    w.run();
    expect(w.log).toEqual([
      [ms(10), "inner ended"],
      [ms(20), "outer ending"],
    ]);
    expect(task.state).toBe("cancelled");
  });

  it("a cancel arriving after the shield ended acts at the next yield as usual", () => {
    const w = world();
    const task = w.spawn(
      "t",
      (function* () {
        yield* shield(sleep(ms(5)));
        w.note("shield over");
        yield* sleep(ms(50));
        w.note("not reached");
      })(),
    );
    w.kernel.at(ms(8), () => task.cancel());
    w.run();
    expect(w.log).toEqual([[ms(5), "shield over"]]);
    expect(task.state).toBe("cancelled");
    expect(w.kernel.now).toBe(ms(8));
  });
});

describe("scope", () => {
  it("waits for every child the body spawned before returning the body's value", () => {
    const w = world();
    const r = outcome(
      w,
      scope(function* (s) {
        s.spawn("a", worker(w, "a", ms(10), 1));
        s.spawn("b", worker(w, "b", ms(30), 2));
        yield* sleep(ms(5));
        return "body value";
      }),
    );
    expect(r).toEqual({ ok: "body value", atUs: ms(30) });
    expect(texts(w.log)).toEqual(["a done", "a finally", "b done", "b finally"]);
  });

  it("a failing child cancels its siblings and the body, and its error is rethrown in the parent", () => {
    const w = world();
    const r = outcome(
      w,
      scope(function* (s) {
        s.spawn("sibling", worker(w, "sibling", ms(50), 1));
        s.spawn("bad", failer(w, "bad", ms(7), "child failed"));
        try {
          yield* sleep(ms(100));
        } finally {
          w.note("body finally");
        }
      }),
    );
    expect((r.error as Error).message).toBe("child failed");
    expect(r.atUs).toBe(ms(7));
    expect(w.log).toEqual([
      [ms(7), "bad finally"],
      [ms(7), "sibling finally"],
      [ms(7), "body finally"],
    ]);
    expect(w.kernel.now).toBe(ms(7));
  });

  it("a child failing while the body already waits for the children is rethrown too", () => {
    const w = world();
    const r = outcome(
      w,
      scope(function* (s) {
        s.spawn("sibling", worker(w, "sibling", ms(50), 1));
        s.spawn("bad", failer(w, "bad", ms(7), "late child failure"));
        return "body done at once";
      }),
    );
    expect((r.error as Error).message).toBe("late child failure");
    expect(r.atUs).toBe(ms(7));
    expect(texts(w.log)).toEqual(["bad finally", "sibling finally"]);
  });

  it("a failing body cancels the children and its own error reaches the parent", () => {
    const w = world();
    const r = outcome(
      w,
      scope(function* (s) {
        s.spawn("child", worker(w, "child", ms(50), 1));
        yield* sleep(ms(4));
        throw new Error("body failed");
      }),
    );
    expect((r.error as Error).message).toBe("body failed");
    expect(w.log).toEqual([[ms(4), "child finally"]]);
  });

  it("cancelling the parent cancels the scope's body and children", () => {
    const w = world();
    const task = w.spawn(
      "parent",
      scope(function* (s) {
        s.spawn("child", worker(w, "child", ms(50), 1));
        yield* sleep(ms(40));
      }),
      { handled: true },
    );
    w.kernel.at(ms(6), () => task.cancel());
    w.run();
    expect(task.state).toBe("cancelled");
    expect(task.error).toBeInstanceOf(Cancelled);
    expect(w.log).toEqual([[ms(6), "child finally"]]);
  });

  it("the scope's children belong to the running task", () => {
    const w = world();
    w.spawn(
      "owner",
      scope(function* (s) {
        const child = s.spawn("child", sleep(1));
        w.note(`parent=${child.parent?.name} here=${here().name}`);
      }),
    );
    w.run();
    expect(texts(w.log)).toEqual(["parent=owner here=owner"]);
  });

  it("a child spawned outside any scope construct is cancelled when its parent returns", () => {
    const w = world();
    w.spawn(
      "parent",
      (function* () {
        spawn("bg", worker(w, "bg", ms(50), 1));
        yield* sleep(ms(2));
      })(),
    );
    w.run();
    expect(w.log).toEqual([[ms(2), "bg finally"]]);
  });
});

/** A contestant whose cleanup takes `cleanupUs` of virtual time after it is cancelled. */
function* slowCleanup(w: World, name: string, workUs: number, cleanupUs: number): Proc<string> {
  try {
    yield* sleep(workUs);
    return name;
  } finally {
    yield* sleep(cleanupUs);
    w.note(`${name} cleaned`);
  }
}

describe("no child outlives the construct that spawned it", () => {
  it("race waits for a cancelled loser's cleanup, so the caller returning cannot cut that cleanup short", () => {
    const w = world();
    const r = outcome(w, race([slowCleanup(w, "loser", ms(50), ms(5)), worker(w, "winner", ms(10), "winner")]));
    expect(r.ok).toEqual({ index: 1, value: "winner" });
    expect(r.atUs).toBe(ms(15));
    expect(w.log).toContainEqual([ms(15), "loser cleaned"]);
  });

  it("gather fail-fast waits for the cancelled siblings' cleanup before throwing", () => {
    const w = world();
    const r = outcome(w, gather<string>([slowCleanup(w, "sibling", ms(50), ms(5)), failer(w, "bad", ms(10), "bad")]));
    expect((r.error as Error).message).toBe("bad");
    expect(r.atUs).toBe(ms(15));
    expect(w.log).toContainEqual([ms(15), "sibling cleaned"]);
  });

  it("a failing scope waits for the cancelled siblings' cleanup before rethrowing", () => {
    const w = world();
    const r = outcome(
      w,
      scope(function* (s) {
        s.spawn("sibling", slowCleanup(w, "sibling", ms(50), ms(5)));
        s.spawn("bad", failer(w, "bad", ms(10), "bad"));
        yield* sleep(ms(100));
      }),
    );
    expect((r.error as Error).message).toBe("bad");
    expect(r.atUs).toBe(ms(15));
    expect(w.log).toContainEqual([ms(15), "sibling cleaned"]);
  });

  it("withTimeout waits for the body's cleanup when its caller is cancelled", () => {
    const w = world();
    let endedAt = -1;
    const task = w.spawn(
      "caller",
      (function* () {
        try {
          yield* withTimeout(slowCleanup(w, "body", ms(50), ms(5)), ms(30));
        } finally {
          endedAt = w.kernel.now;
        }
      })(),
      { handled: true },
    );
    w.kernel.at(ms(2), () => task.cancel());
    w.run();
    expect(task.state).toBe("cancelled");
    expect(w.log).toEqual([[ms(7), "body cleaned"]]);
    expect(endedAt).toBe(ms(7));
  });

  it("a caller cancelled while waiting for the losers' cleanup still ends cancelled, after the cleanup", () => {
    const w = world();
    const task = w.spawn("caller", race([slowCleanup(w, "loser", ms(50), ms(5)), worker(w, "winner", ms(10), "w")]), {
      handled: true,
    });
    w.kernel.at(ms(12), () => task.cancel());
    w.run();
    expect(task.state).toBe("cancelled");
    expect(w.log).toContainEqual([ms(15), "loser cleaned"]);
    expect(w.kernel.now).toBe(ms(15));
  });
});

describe("degenerate inputs", () => {
  it("race of no processes throws at once instead of spinning forever", () => {
    const w = world();
    const r = outcome(w, race([]));
    expect(r.error).toBeInstanceOf(RangeError);
    expect(r.atUs).toBe(0);
  });

  it("a zero timeout throws TimeoutError at once and the body never gets past its first yield", () => {
    const w = world();
    let finished = false;
    const r = outcome(
      w,
      withTimeout(
        (function* () {
          yield* sleep(1);
          finished = true;
        })(),
        0,
      ),
    );
    expect(r.error).toBeInstanceOf(TimeoutError);
    expect(r.atUs).toBe(0);
    expect(finished).toBe(false);
  });
});
