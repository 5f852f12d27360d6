// Unit tests of the kernel (src/sim/kernel.ts): timers, run control, input checks.

import { describe, expect, it } from "vitest";
import { Channel, Future, Kernel, Semaphore, sleep, ms, type TimerHandle } from "../../src/sim/index.js";
import { world } from "./harness.js";

describe("Kernel timers", () => {
  it("fires timers in time order and FIFO among equal times", () => {
    const k = new Kernel();
    const fired: string[] = [];
    k.at(20, () => fired.push("b@20"));
    k.at(10, () => fired.push("a@10"));
    for (const name of ["c", "d", "e"]) k.at(30, () => fired.push(`${name}@30`));
    k.at(20, () => fired.push("b2@20"));
    k.run();
    expect(fired).toEqual(["a@10", "b@20", "b2@20", "c@30", "d@30", "e@30"]);
  });

  it("a timer scheduled from a callback for the current time runs after the ones already due then", () => {
    const k = new Kernel();
    const fired: string[] = [];
    k.at(5, () => {
      fired.push("first");
      k.after(0, () => fired.push("scheduled-later"));
    });
    k.at(5, () => fired.push("second"));
    k.run();
    expect(fired).toEqual(["first", "second", "scheduled-later"]);
  });

  it("clamps a time in the past to now instead of moving the clock backwards", () => {
    const k = new Kernel();
    const seen: number[] = [];
    k.at(100, () => k.at(40, () => seen.push(k.now)));
    k.run();
    expect(seen).toEqual([100]);
  });

  it("a cancelled timer never fires, and cancelling twice reports false", () => {
    const k = new Kernel();
    const fired: string[] = [];
    const h = k.at(10, () => fired.push("cancelled"));
    k.at(20, () => fired.push("kept"));
    expect(k.cancel(h)).toBe(true);
    expect(k.cancel(h)).toBe(false);
    k.run();
    expect(fired).toEqual(["kept"]);
  });

  it("a stale handle cannot cancel the new timer that reuses its recycled slot", () => {
    const k = new Kernel();
    const fired: string[] = [];
    let stale: TimerHandle = -1;
    let fresh: TimerHandle = -1;
    stale = k.at(1, () => {
      // `stale` has fired, so its slot is free; the next timer takes it.
      fresh = k.after(5, () => fired.push("fresh"));
      expect(k.cancel(stale)).toBe(false);
    });
    k.at(2, () => expect(k.cancel(stale)).toBe(false));
    k.run();
    expect(fresh).not.toBe(-1);
    expect(fresh % 2 ** 24).toBe(stale % 2 ** 24); // the slot really was reused
    expect(fired).toEqual(["fresh"]);
  });

  it("a handle cancelled before its slot was recycled stays dead after the slot is reused", () => {
    const k = new Kernel();
    const fired: string[] = [];
    const old = k.at(1, () => fired.push("old"));
    k.cancel(old);
    k.at(2, () => {
      // The cancelled entry was skipped at t=1 and its slot freed; one of these takes it.
      const handles = ["r0", "r1", "r2"].map((name) => k.after(1, () => fired.push(name)));
      expect(handles.some((h) => h % 2 ** 24 === old % 2 ** 24)).toBe(true);
      expect(k.cancel(old)).toBe(false);
    });
    k.run();
    expect(fired).toEqual(["r0", "r1", "r2"]);
  });

  it("handles many live timers (slot table growth) and keeps FIFO among equal times", () => {
    const k = new Kernel();
    const fired: number[] = [];
    for (let i = 0; i < 5000; i++) k.at(7, () => fired.push(i));
    k.run();
    expect(fired).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });
});

describe("Kernel run control", () => {
  it("maxEvents turns into a liveness failure naming the event budget", () => {
    const w = world();
    w.spawn(
      "ticker",
      (function* () {
        for (;;) yield* sleep(ms(1));
      })(),
    );
    const out = w.run({ maxEvents: 10 });
    expect(out.stop).toBe("liveness");
    expect(out.events).toBe(10);
    expect(out.failure?.kind).toBe("liveness");
    expect(out.failure?.message).toMatch(/event budget exhausted.*max-events 10/);
  });

  it("maxTimeUs turns into a liveness failure naming the time budget, and no event past it fires", () => {
    const w = world();
    let last = 0;
    w.spawn(
      "ticker",
      (function* () {
        for (;;) {
          yield* sleep(ms(1));
          last = w.kernel.now;
        }
      })(),
    );
    const out = w.run({ maxTimeUs: ms(5) });
    expect(out.stop).toBe("liveness");
    expect(out.failure?.message).toMatch(/virtual time budget exhausted.*00:00:00\.006000.*00:00:00\.005000/);
    expect(last).toBe(ms(5));
    expect(out.nowUs).toBe(ms(5));
  });

  it("a queue that drains within budget is not a liveness failure", () => {
    const w = world();
    w.spawn("short", sleep(ms(3)));
    const out = w.run({ maxEvents: 2, maxTimeUs: ms(3) });
    expect(out.stop).toBe("drained");
    expect(out.failure).toBeNull();
  });

  it("an empty queue while processes wait is a deadlock listing each process and what it waits for", () => {
    const w = world();
    const sem = new Semaphore(0, "db-pool");
    const ch = new Channel<number>(1, "block", "jobs");
    const never = new Future<void>("reply");
    w.spawn("acquirer", sem.acquire());
    w.spawn("receiver", ch.recv());
    w.spawn("replier", never.wait());
    w.spawn("finisher", sleep(ms(1)));
    const out = w.run();
    expect(out.stop).toBe("deadlock");
    expect(out.failure?.processes).toEqual([
      "acquirer (waiting on acquire db-pool)",
      "receiver (waiting on recv on jobs)",
      "replier (waiting on future reply)",
    ]);
    expect(out.failure?.message).toContain("3 process(es) wait");
    expect(out.failure?.atUs).toBe(ms(1));
  });

  it("daemons waiting forever are not a deadlock", () => {
    const w = world();
    const ch = new Channel<number>(1, "block", "inbox");
    w.spawn("server", ch.recv(), { daemon: true });
    w.spawn("client", sleep(ms(2)));
    const out = w.run();
    expect(out.stop).toBe("drained");
    expect(out.failure).toBeNull();
  });

  it("a deadlock report names only the non-daemon waiters", () => {
    const w = world();
    const ch = new Channel<number>(1, "block", "inbox");
    w.spawn("server", ch.recv(), { daemon: true });
    w.spawn("stuck", ch.recv());
    const out = w.run();
    expect(out.stop).toBe("deadlock");
    expect(out.failure?.processes).toEqual(["stuck (waiting on recv on inbox)"]);
  });

  it("stop() ends the run after the current event", () => {
    const k = new Kernel();
    const fired: number[] = [];
    k.at(1, () => fired.push(1));
    k.at(2, () => {
      fired.push(2);
      k.stop();
    });
    k.at(3, () => fired.push(3));
    const out = k.run();
    expect(out.stop).toBe("stopped");
    expect(fired).toEqual([1, 2]);
  });
});

describe("Kernel input checks", () => {
  it("refuses a NaN time instead of letting it corrupt the clock and the queue order", () => {
    const k = new Kernel();
    expect(() => k.at(Number.NaN, () => {})).toThrow(RangeError);
    expect(() => k.after(Number.NaN, () => {})).toThrow(RangeError);
    const fired: number[] = [];
    k.at(3, () => fired.push(k.now));
    k.run();
    expect(fired).toEqual([3]);
  });

  it("keeps a trace checkpoint every 1024 events by default", () => {
    const k = new Kernel();
    for (let i = 0; i < 3000; i++) k.at(i, () => {});
    k.run();
    expect(k.trace.count).toBe(3000);
    expect(k.trace.checkpoints()).toHaveLength(2);
  });
});
