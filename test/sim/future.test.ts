// Unit tests of Future and SimEvent (src/sim).

import { describe, expect, it } from "vitest";
import { Future, SimEvent, ms, sleep } from "../../src/sim/index.js";
import { texts, world } from "./harness.js";

describe("Future", () => {
  it("resolve wakes every waiter with the value, at the resolve time", () => {
    const w = world();
    const f = new Future<number>("answer");
    for (const name of ["a", "b"])
      w.spawn(
        name,
        (function* () {
          w.note(`${name} ${yield* f.wait()}`);
        })(),
      );
    w.kernel.at(ms(4), () => f.resolve(42));
    w.run();
    expect(w.log).toEqual([
      [ms(4), "a 42"],
      [ms(4), "b 42"],
    ]);
  });

  it("reject throws the error in every waiter", () => {
    const w = world();
    const f = new Future<number>("answer");
    w.spawn(
      "a",
      (function* () {
        try {
          yield* f.wait();
        } catch (e) {
          w.note(`a ${(e as Error).message}`);
        }
      })(),
    );
    w.kernel.at(ms(1), () => f.reject(new Error("no")));
    w.run();
    expect(texts(w.log)).toEqual(["a no"]);
  });

  it("settles once: later resolve/reject calls return false and change nothing", () => {
    const f = new Future<string>();
    expect(f.isSettled).toBe(false);
    expect(f.resolve("first")).toBe(true);
    expect(f.resolve("second")).toBe(false);
    expect(f.reject(new Error("late"))).toBe(false);
    const w = world();
    w.spawn(
      "late",
      (function* () {
        yield* sleep(ms(2));
        w.note(yield* f.wait());
      })(),
    );
    w.run();
    expect(w.log).toEqual([[ms(2), "first"]]); // an already settled future does not wait
  });

  it("a cancelled waiter is dropped; the others still get the value", () => {
    const w = world();
    const f = new Future<string>();
    const quitter = w.spawn("quitter", f.wait());
    w.spawn(
      "stayer",
      (function* () {
        w.note(yield* f.wait());
      })(),
    );
    w.kernel.at(ms(1), () => quitter.cancel());
    w.kernel.at(ms(2), () => f.resolve("v"));
    w.run();
    expect(quitter.state).toBe("cancelled");
    expect(w.log).toEqual([[ms(2), "v"]]);
  });
});

describe("SimEvent", () => {
  it("set wakes every waiter; waiting on a set event returns at once; clear re-arms it", () => {
    const w = world();
    const ev = new SimEvent("ready");
    for (const name of ["a", "b"])
      w.spawn(
        name,
        (function* () {
          yield* ev.wait();
          w.note(`${name} woke`);
        })(),
      );
    w.kernel.at(ms(3), () => ev.set());
    w.spawn(
      "late",
      (function* () {
        yield* sleep(ms(5));
        yield* ev.wait();
        w.note("late passed");
        ev.clear();
        yield* ev.wait();
        w.note("late woke again");
      })(),
    );
    w.kernel.at(ms(9), () => ev.set());
    w.run();
    expect(w.log).toEqual([
      [ms(3), "a woke"],
      [ms(3), "b woke"],
      [ms(5), "late passed"],
      [ms(9), "late woke again"],
    ]);
  });

  it("a waiter on an event that is never set shows in the deadlock report", () => {
    const w = world();
    const ev = new SimEvent("go");
    w.spawn("waiter", ev.wait());
    const out = w.run();
    expect(out.failure?.processes).toEqual(["waiter (waiting on event go)"]);
  });
});

describe("SimEvent pulses", () => {
  it("a set followed at once by clear still releases everyone who was waiting", () => {
    const w = world();
    const ev = new SimEvent("pulse");
    for (const name of ["a", "b"])
      w.spawn(
        name,
        (function* () {
          yield* ev.wait();
          w.note(`${name} released`);
        })(),
      );
    w.kernel.at(ms(2), () => {
      ev.set();
      ev.clear();
    });
    const out = w.run();
    expect(out.failure).toBeNull();
    expect(w.log).toEqual([
      [ms(2), "a released"],
      [ms(2), "b released"],
    ]);
  });
});
