// Unit tests of Semaphore, Lock and Channel (src/sim/sync.ts).

import { describe, expect, it } from "vitest";
import { Channel, ChannelClosed, Lock, Rng, Semaphore, ms, sleep, type Proc, type Task } from "../../src/sim/index.js";
import { texts, world } from "./harness.js";

describe("Semaphore", () => {
  it("serves waiters in arrival order (FIFO), one permit at a time", () => {
    const w = world();
    const sem = new Semaphore(1, "s");
    const names = ["a", "b", "c", "d", "e"];
    names.forEach((name, i) => {
      w.spawn(
        name,
        (function* () {
          yield* sleep(i); // arrive in order a, b, c, ...
          yield* sem.acquire();
          w.note(`${name} got`);
          yield* sleep(ms(10));
          sem.release();
        })(),
      );
    });
    w.run();
    expect(texts(w.log)).toEqual(["a got", "b got", "c got", "d got", "e got"]);
    expect(w.log.map(([t]) => t)).toEqual([0, ms(10), ms(20), ms(30), ms(40)]);
  });

  it("a newcomer cannot jump the queue while a released permit is on its way to the first waiter", () => {
    const w = world();
    const sem = new Semaphore(1, "s");
    w.spawn(
      "holder",
      (function* () {
        yield* sem.acquire();
        yield* sleep(ms(5));
        sem.release();
        // Same instant, before the waiter has resumed: the permit is already promised.
        w.note(`newcomer tryAcquire=${sem.tryAcquire()}`);
      })(),
    );
    w.spawn(
      "waiter",
      (function* () {
        yield* sleep(1);
        yield* sem.acquire();
        w.note("waiter got");
        sem.release();
      })(),
    );
    w.run();
    expect(texts(w.log)).toEqual(["newcomer tryAcquire=false", "waiter got"]);
    expect(sem.availablePermits).toBe(1);
  });

  it("under a storm of random holds and cancellations the bound is never exceeded and every permit comes back", () => {
    const w = world();
    const permits = 5;
    const sem = new Semaphore(permits, "pool");
    const rng = Rng.fromSeed(77);
    let holding = 0;
    let peak = 0;
    let grants = 0;
    const tasks: Task<void>[] = [];
    for (let i = 0; i < 300; i++) {
      const arrive = rng.int(0, ms(50));
      const hold = rng.int(0, ms(3));
      tasks.push(
        w.spawn(
          `p${i}`,
          (function* (): Proc<void> {
            yield* sleep(arrive);
            yield* sem.acquire();
            holding++;
            grants++;
            peak = Math.max(peak, holding);
            try {
              yield* sleep(hold);
            } finally {
              holding--;
              sem.release();
            }
          })(),
        ),
      );
    }
    // Cancel a third of them at random moments: waiting, holding or already finished.
    for (let i = 0; i < 100; i++) {
      const victim = tasks[rng.int(0, tasks.length - 1)]!;
      w.kernel.at(rng.int(0, ms(60)), () => victim.cancel("storm"));
    }
    const out = w.run();
    expect(out.failure).toBeNull();
    expect(peak).toBe(permits); // contended enough to reach the bound, never past it
    expect(grants).toBeGreaterThan(150);
    expect(holding).toBe(0);
    expect(sem.availablePermits).toBe(permits);
    expect(sem.waiting).toBe(0);
  });

  it("a waiter cancelled after being granted a permit but before resuming passes the permit on", () => {
    const w = world();
    const sem = new Semaphore(1, "s");
    let first: Task<void> | null = null;
    w.spawn(
      "holder",
      (function* () {
        yield* sem.acquire();
        yield* sleep(ms(5));
        sem.release(); // grants the permit to `first` (its wake is scheduled, not run yet)
        first!.cancel("cancelled while the grant was in flight");
      })(),
    );
    first = w.spawn(
      "first",
      (function* () {
        yield* sleep(1);
        yield* sem.acquire();
        w.note("first got (wrong)");
      })(),
    );
    w.spawn(
      "second",
      (function* () {
        yield* sleep(2);
        yield* sem.acquire();
        w.note("second got");
        sem.release();
      })(),
    );
    w.run();
    expect(w.log).toEqual([[ms(5), "second got"]]);
    expect(first.state).toBe("cancelled");
    expect(sem.availablePermits).toBe(1);
  });

  it("a granted permit cancelled with no one else waiting returns to the pool", () => {
    const w = world();
    const sem = new Semaphore(1, "s");
    let waiter: Task<void> | null = null;
    w.spawn(
      "holder",
      (function* () {
        yield* sem.acquire();
        yield* sleep(ms(1));
        sem.release();
        waiter!.cancel();
      })(),
    );
    waiter = w.spawn(
      "waiter",
      (function* () {
        yield* sleep(1);
        yield* sem.acquire();
      })(),
    );
    w.run();
    expect(sem.availablePermits).toBe(1);
    expect(sem.tryAcquire()).toBe(true);
  });

  it("withPermit releases the permit however the body ends", () => {
    const w = world();
    const sem = new Semaphore(2, "s");
    w.spawn("ok", sem.withPermit(sleep(ms(1))));
    w.spawn(
      "fails",
      sem.withPermit(
        (function* (): Proc<void> {
          yield* sleep(ms(2));
          throw new Error("x");
        })(),
      ),
      { handled: true },
    );
    const cancelled = w.spawn("cancelled", sem.withPermit(sleep(ms(10))));
    w.kernel.at(ms(3), () => cancelled.cancel());
    w.run();
    expect(sem.availablePermits).toBe(2);
  });

  it("refuses a release beyond its permits and a bad permit count", () => {
    const sem = new Semaphore(1, "s");
    expect(() => sem.release()).toThrow(/released more than acquired/);
    expect(() => new Semaphore(-1)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow(RangeError);
  });
});

describe("Lock", () => {
  it("withLock records the holding task while held and clears it after, even when the body throws", () => {
    const w = world();
    const lock = new Lock("l");
    const seen: string[] = [];
    w.spawn(
      "first",
      (function* () {
        yield* lock.withLock(
          (function* () {
            seen.push(`inside: ${lock.holder?.name ?? "none"}`);
            yield* sleep(ms(1));
            throw new Error("boom");
          })(),
        );
      })(),
      { handled: true },
    );
    w.spawn(
      "second",
      (function* () {
        yield* sleep(1);
        yield* lock.withLock(
          (function* () {
            seen.push(`inside: ${lock.holder?.name ?? "none"}`);
          })(),
        );
        seen.push(`after: ${lock.holder?.name ?? "none"} locked=${lock.locked}`);
      })(),
    );
    w.run();
    expect(seen).toEqual(["inside: first", "inside: second", "after: none locked=false"]);
  });
  it("grants the lock in arrival order and excludes everyone else meanwhile", () => {
    const w = world();
    const lock = new Lock("db");
    let inside = 0;
    let maxInside = 0;
    for (const [i, name] of ["a", "b", "c", "d"].entries()) {
      w.spawn(
        name,
        (function* () {
          yield* sleep(i);
          yield* lock.withLock(
            (function* () {
              inside++;
              maxInside = Math.max(maxInside, inside);
              w.note(name);
              yield* sleep(ms(3));
              inside--;
            })(),
          );
        })(),
      );
    }
    w.run();
    expect(texts(w.log)).toEqual(["a", "b", "c", "d"]);
    expect(maxInside).toBe(1);
    expect(lock.locked).toBe(false);
  });

  it("acquire records the holder and release clears it; releasing an unlocked lock throws", () => {
    const w = world();
    const lock = new Lock("l");
    const t = w.spawn(
      "owner",
      (function* (): Proc<void> {
        yield* lock.acquire(w.kernel.current);
        w.note(`holder=${lock.holder?.name} locked=${lock.locked}`);
        lock.release();
        w.note(`holder=${String(lock.holder)} locked=${lock.locked}`);
      })(),
    );
    w.run();
    expect(t.state).toBe("done");
    expect(texts(w.log)).toEqual(["holder=owner locked=true", "holder=null locked=false"]);
    expect(() => lock.release()).toThrow();
  });
});

describe("Channel", () => {
  it("block: a sender waits while the channel is full and items arrive in FIFO order", () => {
    const w = world();
    const ch = new Channel<number>(2, "block", "q");
    w.spawn(
      "producer",
      (function* () {
        for (let i = 0; i < 5; i++) {
          yield* ch.send(i);
          w.note(`sent ${i}`);
        }
      })(),
    );
    w.spawn(
      "consumer",
      (function* () {
        yield* sleep(ms(10));
        for (let i = 0; i < 5; i++) {
          const v = yield* ch.recv();
          w.note(`got ${v}`);
          yield* sleep(ms(1));
        }
      })(),
    );
    w.run();
    const got = w.log.filter(([, t]) => t.startsWith("got")).map(([, t]) => t);
    expect(got).toEqual(["got 0", "got 1", "got 2", "got 3", "got 4"]);
    // The first two fit at once; the third waits until the consumer makes room at 10 ms.
    expect(w.log.filter(([, t]) => t.startsWith("sent")).map(([at]) => at)).toEqual([0, 0, ms(10), ms(11), ms(12)]);
  });

  it("drop-oldest evicts the head, drop-newest discards the newcomer, reject refuses it; each counts drops", () => {
    const oldest = new Channel<number>(2, "drop-oldest");
    const newest = new Channel<number>(2, "drop-newest");
    const reject = new Channel<number>(2, "reject");
    const results = [oldest, newest, reject].map((ch) => [1, 2, 3, 4].map((i) => ch.offer(i)));
    expect(results).toEqual([
      ["queued", "queued", "dropped-oldest", "dropped-oldest"],
      ["queued", "queued", "dropped-newest", "dropped-newest"],
      ["queued", "queued", "rejected", "rejected"],
    ]);
    const contents = [oldest, newest, reject].map((ch) => {
      const w = world();
      const got: number[] = [];
      w.spawn(
        "drain",
        (function* () {
          while (ch.length > 0) got.push(yield* ch.recv());
        })(),
      );
      w.run();
      return got;
    });
    expect(contents).toEqual([
      [3, 4],
      [1, 2],
      [1, 2],
    ]);
    expect([oldest.dropped, newest.dropped, reject.dropped]).toEqual([2, 2, 2]);
  });

  it("non-block policies never make send wait", () => {
    const w = world();
    const ch = new Channel<number>(1, "drop-newest");
    w.spawn(
      "sender",
      (function* () {
        const r = [yield* ch.send(1), yield* ch.send(2)];
        w.note(r.join(","));
      })(),
    );
    w.run();
    expect(w.log).toEqual([[0, "queued,dropped-newest"]]);
  });

  it("an offer to a waiting receiver is delivered directly", () => {
    const w = world();
    const ch = new Channel<string>(1, "reject");
    w.spawn(
      "rx",
      (function* () {
        w.note(`got ${yield* ch.recv()}`);
      })(),
    );
    w.kernel.at(ms(4), () => w.note(`offer -> ${ch.offer("x")}`));
    w.run();
    expect(w.log).toEqual([
      [ms(4), "offer -> delivered"],
      [ms(4), "got x"],
    ]);
  });

  it("close wakes waiting receivers with ChannelClosed, lets buffered items drain first, and refuses sends", () => {
    const w = world();
    const ch = new Channel<number>(4, "block", "q");
    w.spawn(
      "waiting-rx",
      (function* () {
        try {
          yield* ch.recv();
        } catch (e) {
          w.note(`waiting-rx: ${(e as Error).name}`);
        }
      })(),
    );
    w.kernel.at(ms(1), () => ch.close());
    w.run();
    expect(w.log).toEqual([[ms(1), "waiting-rx: ChannelClosed"]]);

    const ch2 = new Channel<number>(4, "block", "q2");
    ch2.offer(1);
    ch2.offer(2);
    ch2.close();
    expect(ch2.isClosed).toBe(true);
    expect(() => ch2.offer(3)).toThrow(ChannelClosed);
    const w2 = world();
    w2.spawn(
      "drain",
      (function* () {
        w2.note(`got ${yield* ch2.recv()}`);
        w2.note(`got ${yield* ch2.recv()}`);
        try {
          yield* ch2.recv();
        } catch (e) {
          w2.note((e as Error).name);
        }
      })(),
    );
    w2.run();
    expect(texts(w2.log)).toEqual(["got 1", "got 2", "ChannelClosed"]);
  });

  it("close wakes a sender blocked on a full channel with ChannelClosed", () => {
    const w = world();
    const ch = new Channel<number>(1, "block", "q");
    ch.offer(0);
    w.spawn(
      "sender",
      (function* () {
        try {
          yield* ch.send(1);
        } catch (e) {
          w.note((e as Error).name);
        }
      })(),
    );
    w.kernel.at(ms(2), () => ch.close());
    w.run();
    expect(w.log).toEqual([[ms(2), "ChannelClosed"]]);
  });

  it("an item handed to a receiver that is cancelled before resuming goes to the next receiver", () => {
    const w = world();
    const ch = new Channel<string>(2, "block", "q");
    const first = w.spawn("first", ch.recv());
    w.spawn(
      "second",
      (function* () {
        yield* sleep(1);
        w.note(`second got ${yield* ch.recv()}`);
      })(),
    );
    w.kernel.at(ms(3), () => {
      ch.offer("item"); // handed to `first`, whose wake is scheduled
      first.cancel();
    });
    const out = w.run();
    expect(first.state).toBe("cancelled");
    expect(w.log).toEqual([[ms(3), "second got item"]]);
    expect(out.failure).toBeNull();
  });

  it("an item handed to a cancelled receiver with no other receiver stays first in line", () => {
    const w = world();
    const ch = new Channel<string>(2, "block", "q");
    const rx = w.spawn("rx", ch.recv());
    w.kernel.at(ms(1), () => {
      ch.offer("a"); // handed to rx
      rx.cancel();
      ch.offer("b"); // buffered behind "a"
    });
    w.spawn(
      "later",
      (function* () {
        yield* sleep(ms(2));
        w.note(`${yield* ch.recv()}${yield* ch.recv()}`);
      })(),
    );
    w.run();
    expect(texts(w.log)).toEqual(["ab"]);
  });

  it("a cancelled blocked sender passes the freed space on to the next sender", () => {
    const w = world();
    const ch = new Channel<string>(1, "block", "q");
    ch.offer("x");
    const s1 = w.spawn("s1", ch.send("from s1"));
    w.spawn(
      "s2",
      (function* () {
        yield* sleep(1);
        yield* ch.send("from s2");
        w.note("s2 sent");
      })(),
    );
    w.spawn(
      "taker",
      (function* () {
        yield* sleep(ms(1));
        w.note(`took ${yield* ch.recv()}`); // frees space: s1 is granted it
        s1.cancel(); // ...and cancelled before it resumes
      })(),
    );
    w.run();
    expect(texts(w.log)).toEqual(["took x", "s2 sent"]);
    expect(ch.length).toBe(1);
  });

  it("rejects a capacity below one", () => {
    expect(() => new Channel(0)).toThrow(RangeError);
  });
});

describe("Channel senders", () => {
  it("blocked senders are served in arrival order: a newcomer cannot overtake a sender that space was freed for", () => {
    const w = world();
    const ch = new Channel<string>(1, "block", "q");
    ch.offer("x");
    w.spawn("early", ch.send("early")); // blocks: the channel is full
    w.spawn(
      "consumer",
      (function* () {
        yield* sleep(ms(5));
        yield* ch.recv(); // frees the slot and promises it to "early"
        yield* sleep(ms(1));
        const got = [yield* ch.recv(), yield* ch.recv()];
        w.note(got.join(","));
      })(),
    );
    // Wakes at the same instant, after the consumer freed the slot but before "early" resumed.
    w.spawn(
      "late",
      (function* () {
        yield* sleep(ms(5));
        w.note(`late: ${yield* ch.send("late")}`);
      })(),
    );
    const out = w.run();
    expect(out.failure).toBeNull();
    expect(texts(w.log)).toEqual(["late: delivered", "early,late"]);
  });

  it("offer() does not take a slot promised to a blocked sender", () => {
    const w = world();
    const ch = new Channel<string>(1, "block", "q");
    ch.offer("x");
    w.spawn("blocked", ch.send("blocked"));
    w.spawn(
      "consumer",
      (function* () {
        yield* sleep(ms(1));
        yield* ch.recv();
        w.note(`offer: ${ch.offer("intruder")}`);
        w.note(`next: ${yield* ch.recv()}`);
      })(),
    );
    w.run();
    expect(texts(w.log)).toEqual(["offer: rejected", "next: blocked"]);
  });

  it("a sender handing its item straight to a waiting receiver passes the unused space on (no sender left blocked on an empty channel)", () => {
    const w = world();
    const ch = new Channel<string>(1, "block", "q");
    ch.offer("x");
    w.spawn("a", ch.send("a"));
    w.spawn(
      "c",
      (function* () {
        yield* sleep(1);
        yield* ch.send("c");
      })(),
    );
    w.spawn(
      "reader",
      (function* () {
        yield* sleep(ms(1));
        const got: string[] = [];
        for (let i = 0; i < 3; i++) got.push(yield* ch.recv());
        w.note(got.join(","));
      })(),
    );
    const out = w.run();
    expect(out.failure).toBeNull();
    expect(texts(w.log)).toEqual(["x,a,c"]);
  });

  it("a sender granted space and cancelled before resuming passes that space to the next sender", () => {
    const w = world();
    const ch = new Channel<string>(1, "block", "q");
    ch.offer("x");
    const first = w.spawn("first", ch.send("first"));
    w.spawn(
      "second",
      (function* () {
        yield* sleep(1);
        yield* ch.send("second");
      })(),
    );
    w.spawn(
      "reader",
      (function* () {
        yield* sleep(ms(1));
        const got = [yield* ch.recv()];
        first.cancel(); // granted the freed space, not resumed yet
        got.push(yield* ch.recv());
        w.note(got.join(","));
      })(),
    );
    const out = w.run();
    expect(out.failure).toBeNull();
    expect(first.state).toBe("cancelled");
    expect(texts(w.log)).toEqual(["x,second"]);
    expect(ch.length).toBe(0);
  });

  it("under a storm of blocked senders and slow receivers every item arrives once, each sender's items in order", () => {
    const w = world();
    const ch = new Channel<[number, number]>(3, "block", "q");
    const rng = Rng.fromSeed(31);
    const received: [number, number][] = [];
    for (let s = 0; s < 6; s++) {
      w.spawn(
        `s${s}`,
        (function* () {
          for (let i = 0; i < 40; i++) {
            yield* sleep(rng.int(0, 300));
            yield* ch.send([s, i]);
          }
        })(),
      );
    }
    for (let r = 0; r < 2; r++) {
      w.spawn(
        `r${r}`,
        (function* () {
          for (;;) {
            received.push(yield* ch.recv());
            yield* sleep(rng.int(0, 500));
          }
        })(),
        { daemon: true },
      );
    }
    const out = w.run();
    expect(out.failure).toBeNull();
    expect(received).toHaveLength(240);
    for (let s = 0; s < 6; s++)
      expect(received.filter(([x]) => x === s).map(([, i]) => i)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});
