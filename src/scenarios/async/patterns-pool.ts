// async/resource-pool (ASYNC-11) and async/memory-cleanup (ASYNC-13): resources and
// memory taken by work that may fail or be cancelled must all come back.

import { kernelOf, ms, now, sleep, join, type Micros, type Proc, type Task } from "../../sim/index.js";
import { MemoryLedger } from "../../async/memory-ledger.js";
import { PoolClosed, ResourcePool } from "../../async/resource-pool.js";
import { defineScenario } from "../types.js";
import { integer } from "../option-spec.js";

function* waitEnd(task: Task<unknown>): Proc<void> {
  try {
    yield* join(task);
  } catch {
    // judged by the checks
  }
}

interface Conn {
  serial: number;
  open: boolean;
  uses: number;
}

/** A pool of fake database connections (5 ms to open, 2 ms to close) that logs misuse. */
function connectionPool(maxSize: number): {
  pool: ResourcePool<Conn>;
  conns: Conn[];
  problems: string[];
  closes: () => number;
} {
  const conns: Conn[] = [];
  const problems: string[] = [];
  let closes = 0;
  const pool = new ResourcePool<Conn>({
    name: "db",
    maxSize,
    create: function* (serial) {
      yield* sleep(ms(5));
      const c: Conn = { serial, open: true, uses: 0 };
      conns.push(c);
      return c;
    },
    close: function* (c) {
      yield* sleep(ms(2));
      if (!c.open) problems.push(`connection ${c.serial} closed twice`);
      c.open = false;
      closes++;
    },
  });
  return { pool, conns, problems, closes: () => closes };
}

export const resourcePool = defineScenario({
  id: "async/resource-pool",
  title: "A resource pool reuses resources and closes them on shutdown",
  description:
    "`borrowers` borrowers arrive at jittered instants and each borrows a connection from a pool of at most `maxSize` (connections take 5 ms to open and 2 ms to close); about one in six is cancelled while borrowing. " +
    "The pool must never create more than maxSize, must reuse (created < leases), must never lend a closed connection or one already lent, and on shutdown must close every connection it created exactly once — idle ones at once, borrowed ones when they come back — after which borrowing fails with PoolClosed.",
  covers: ["ASYNC-11"],
  options: { borrowers: 120, maxSize: 6 },
  schema: {
    borrowers: integer(1, 100_000, "borrowers arriving at jittered instants"),
    maxSize: integer(1, 10_000, "most connections the pool may hold"),
  },
  size: { formula: "borrowers", estimate: (o) => o.borrowers },
  shrinkable: { borrowers: 1, maxSize: 1 },
  setup(ctx) {
    const { borrowers, maxSize } = ctx.options;
    const rng = ctx.rng.fork("borrowers");
    const { pool, conns, problems, closes } = connectionPool(maxSize);
    let lent = 0;
    let peakLent = 0;
    const inUse = new Set<Conn>();
    function* borrower(i: number, atUs: Micros, holdUs: Micros): Proc<void> {
      yield* sleep(atUs);
      yield* pool.use(function* (c) {
        if (!c.open) problems.push(`borrower ${i} got closed connection ${c.serial}`);
        if (inUse.has(c)) problems.push(`borrower ${i} got connection ${c.serial} while lent out`);
        inUse.add(c);
        c.uses++;
        peakLent = Math.max(peakLent, ++lent);
        try {
          yield* sleep(holdUs);
        } finally {
          inUse.delete(c);
          lent--;
        }
      });
    }
    let afterShutdown: unknown = null;
    ctx.main(
      "pool",
      (function* () {
        const tasks: Task<void>[] = [];
        for (let i = 0; i < borrowers; i++) {
          const t = ctx.spawn(`borrower-${i}`, borrower(i, rng.int(0, ms(400)), rng.int(ms(1), ms(30))), {
            handled: true,
          });
          tasks.push(t);
          if (rng.chance(1, 6)) kernelOf().after(rng.int(0, ms(450)), () => t.cancel("borrower gave up"));
        }
        yield* sleep(ms(200)); // shut down mid-traffic: some connections are lent out right now
        const shut = ctx.spawn("shutdown", pool.shutdown(), { handled: true });
        for (const t of tasks) yield* waitEnd(t);
        yield* join(shut);
        try {
          yield* pool.use(function* () {});
        } catch (error) {
          afterShutdown = error;
        }
      })(),
    );
    ctx.check("never more than maxSize created or lent, and connections are reused", () => {
      if (pool.stats.created > maxSize || peakLent > maxSize)
        return `created ${pool.stats.created}, peak lent ${peakLent}, max ${maxSize}`;
      return pool.stats.reused > 0 && pool.stats.created < pool.stats.leases
        ? null
        : `created ${pool.stats.created} for ${pool.stats.leases} leases`;
    });
    ctx.check("no borrower got a closed or double-lent connection", () =>
      problems.length === 0 ? null : problems.slice(0, 3).join("; "),
    );
    ctx.check("shutdown closes every created connection exactly once", () =>
      closes() === conns.length && conns.every((c) => !c.open) && pool.idleCount === 0 && pool.leasedCount === 0
        ? null
        : `${closes()} closes for ${conns.length} connections; idle ${pool.idleCount}, lent ${pool.leasedCount}`,
    );
    ctx.check("borrowing after shutdown fails with PoolClosed", () =>
      afterShutdown instanceof PoolClosed ? null : `got ${String(afterShutdown)}`,
    );
    ctx.onFinish(() => {
      ctx.metric("created", pool.stats.created);
      ctx.metric("reused", pool.stats.reused);
      ctx.metric("leases", pool.stats.leases);
    });
  },
});

class WorkFailed extends Error {}

export const memoryCleanup = defineScenario({
  id: "async/memory-cleanup",
  title: "Allocations made by cancelled or failed tasks are freed",
  description:
    "`tasks` tasks allocate buffers in steps (each held in a scoped allocation) while working; about a quarter fail part-way and a quarter are cancelled at a drawn instant. " +
    "Every allocation must be freed exactly once whatever the ending (no leak, no double free), memory in use returns to zero, the peak stays within the ledger's limit, and a failed or cancelled task frees at the instant it ends.",
  covers: ["ASYNC-13"],
  options: { tasks: 100, limitKb: 16384 },
  schema: {
    tasks: integer(1, 100_000, "tasks allocating buffers while they work"),
    limitKb: integer(64, 16_777_216, "the memory ledger's limit, in KiB"),
  },
  size: { formula: "tasks", estimate: (o) => o.tasks },
  shrinkable: { tasks: 1 },
  setup(ctx) {
    const { tasks, limitKb } = ctx.options;
    const rng = ctx.rng.fork("mem");
    const lastFreeAt = new Map<string, Micros>();
    const ledger = new MemoryLedger(limitKb * 1024, (a) => lastFreeAt.set(a.owner, now()));
    const endedAt: (Micros | null)[] = [];
    let failed = 0;
    function* allocateSteps(i: number, steps: number, failAt: number | null): Proc<void> {
      if (steps === 0) return;
      yield* ledger.withAllocation(`task-${i}`, rng.int(1, 64) * 1024, function* () {
        yield* sleep(rng.int(ms(1), ms(10)));
        if (failAt === steps) throw new WorkFailed(`task ${i} failed`);
        yield* allocateSteps(i, steps - 1, failAt);
      });
    }
    function* work(i: number, steps: number, failAt: number | null): Proc<void> {
      try {
        yield* allocateSteps(i, steps, failAt);
      } catch (error) {
        if (!(error instanceof WorkFailed)) throw error;
        failed++;
      } finally {
        endedAt[i] = now();
      }
    }
    const handles: Task<void>[] = [];
    ctx.main(
      "work",
      (function* () {
        for (let i = 0; i < tasks; i++) {
          const steps = rng.int(1, 6);
          const failAt = rng.chance(1, 4) ? rng.int(1, steps) : null;
          const t = ctx.spawn(`task-${i}`, work(i, steps, failAt), { handled: true });
          handles.push(t);
          if (rng.chance(1, 4)) kernelOf().after(rng.int(0, ms(40)), () => t.cancel("abandoned"));
        }
        for (const t of handles) yield* waitEnd(t);
      })(),
    );
    ctx.check("every allocation is freed exactly once and nothing is in use", () => {
      const leaks = ledger.leaks();
      if (leaks.length > 0) return `${leaks.length} leaked, first by ${leaks[0]!.owner}`;
      if (ledger.doubleFrees > 0) return `${ledger.doubleFrees} double frees`;
      return ledger.inUseBytes === 0 && ledger.frees === ledger.allocations
        ? null
        : `${ledger.inUseBytes} B in use, ${ledger.frees}/${ledger.allocations} freed`;
    });
    ctx.check("a cancelled task frees its last allocation at the instant it ends", () => {
      const bad = handles.findIndex(
        (t, i) => t.state === "cancelled" && lastFreeAt.has(`task-${i}`) && lastFreeAt.get(`task-${i}`) !== endedAt[i],
      );
      return bad < 0 ? null : `task ${bad} last freed at ${lastFreeAt.get(`task-${bad}`)}, ended at ${endedAt[bad]}`;
    });
    ctx.check("the run had failed and cancelled tasks", () => {
      const cancelled = handles.filter((t) => t.state === "cancelled").length;
      return cancelled > 0 && failed > 0 ? null : `cancelled ${cancelled}, failed ${failed}`;
    });
    ctx.onFinish(() => {
      ctx.metric("allocations", ledger.allocations);
      ctx.metric("peakKb", Math.round(ledger.peakBytes / 1024));
    });
  },
});
