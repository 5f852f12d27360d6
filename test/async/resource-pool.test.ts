// Unit tests of the ResourcePool and MemoryLedger (src/async): reuse, bounds, shutdown, exactly-once frees.

import { describe, expect, it } from "vitest";
import { ms, sleep, spawn, join, type Proc } from "../../src/sim/index.js";
import { PoolClosed, ResourcePool } from "../../src/async/resource-pool.js";
import { MemoryLedger } from "../../src/async/memory-ledger.js";
import { runOk } from "./run.js";

function pool(log: string[], maxSize = 2): ResourcePool<number> {
  return new ResourcePool<number>({
    name: "p",
    maxSize,
    create: function* (serial) {
      yield* sleep(ms(1));
      log.push(`create ${serial}`);
      return serial;
    },
    close: function* (r) {
      yield* sleep(ms(1));
      log.push(`close ${r}`);
    },
  });
}

describe("ResourcePool", () => {
  it("creates up to maxSize, then reuses the most recently returned resource", () => {
    const log: string[] = [];
    const used = runOk(function* () {
      const p = pool(log);
      const got: number[] = [];
      const borrow = (us: number) =>
        spawn(
          "b",
          p.use(function* (r) {
            got.push(r);
            yield* sleep(us);
          }),
        );
      const ts = [borrow(ms(5)), borrow(ms(3)), borrow(ms(1)), borrow(ms(1))];
      for (const t of ts) yield* join(t);
      yield* p.shutdown();
      return { got, stats: p.stats };
    });
    expect(used.got).toEqual([1, 2, 2, 2]); // b2 and b3 each take connection 2, the one just returned
    expect(used.stats).toEqual({ created: 2, reused: 2, closed: 2, leases: 4 });
  });

  it("shutdown closes idle resources at once and lent ones when they return, then refuses borrowing", () => {
    const log: string[] = [];
    const after = runOk(function* () {
      const p = pool(log);
      const long = spawn(
        "long",
        p.use(function* () {
          yield* sleep(ms(20));
        }),
      );
      yield* join(
        spawn(
          "short",
          p.use(function* () {
            yield* sleep(ms(1));
          }),
        ),
      );
      yield* p.shutdown();
      yield* join(long);
      try {
        yield* p.use(function* () {});
      } catch (error) {
        return error;
      }
      return null;
    });
    expect(log).toEqual(["create 1", "create 2", "close 2", "close 1"]);
    expect(after).toBeInstanceOf(PoolClosed);
  });

  it("regression: a borrower cancelled while its resource is being closed still lets shutdown finish", () => {
    const log: string[] = [];
    const done = runOk(function* () {
      const p = pool(log, 1);
      const b = spawn(
        "b",
        p.use(function* () {
          yield* sleep(ms(5));
        }),
        { handled: true },
      );
      yield* sleep(ms(2));
      const s = spawn("shutdown", p.shutdown());
      yield* sleep(ms(4)); // b returns at 6 ms and starts closing (1 ms, shielded)
      b.cancel("second cancel during the close");
      try {
        yield* join(b);
      } catch {
        // cancelled after the close finished
      }
      yield* join(s);
      return p.leasedCount === 0 && p.isClosed;
    });
    expect(done).toBe(true);
    expect(log).toEqual(["create 1", "close 1"]);
  });
});

describe("MemoryLedger", () => {
  it("frees a scoped allocation however the body ends, and flags double frees and leaks", () => {
    const ledger = new MemoryLedger(1000);
    runOk(function* (): Proc<void> {
      try {
        yield* ledger.withAllocation("t", 100, function* () {
          yield* sleep(1);
          throw new Error("x");
        });
      } catch {
        // expected
      }
    });
    expect(ledger.inUseBytes).toBe(0);
    const a = ledger.allocate("leaky", 10);
    expect(ledger.leaks()).toEqual([a]);
    ledger.free(a);
    ledger.free(a);
    expect(ledger.doubleFrees).toBe(1);
    expect(() => ledger.allocate("big", 2000)).toThrow(RangeError);
  });
});
