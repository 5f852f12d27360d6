// async/backpressure (ASYNC-4), async/resource-pool (ASYNC-11), async/lock-fairness
// (ASYNC-12) and async/memory-cleanup (ASYNC-13).

import { Lock, Semaphore, kernelOf, ms, now, sleep, join, type Micros, type Proc, type Task } from "../../sim/index.js";
import { MemoryLedger } from "../../nodes/parts/memory-ledger.js";
import { PoolClosed, ResourcePool } from "../../nodes/parts/resource-pool.js";
import { predictFifo } from "../../nodes/parts/soak/predict.js";
import { defineScenario } from "../types.js";

function* waitEnd(task: Task<unknown>): Proc<void> {
  try {
    yield* join(task);
  } catch {
    // judged by the checks
  }
}

export const backpressure = defineScenario({
  id: "async/backpressure",
  title: "A semaphore bounds concurrent operations",
  description:
    "`operations` operations arrive at jittered instants and each runs inside `Semaphore(maxConcurrent)`. The number running at once, counted by the operations themselves, must never exceed the bound and must reach it; " +
    "waiting operations are admitted in arrival order the moment a permit frees, so every start and end matches the FIFO schedule computed without the runtime; all permits come back.",
  covers: ["ASYNC-4"],
  options: { operations: 300, maxConcurrent: 10 },
  shrinkable: { operations: 1, maxConcurrent: 1 },
  setup(ctx) {
    const { operations, maxConcurrent } = ctx.options;
    const rng = ctx.rng.fork("ops");
    const sem = new Semaphore(maxConcurrent, "backpressure");
    let arrive = 0;
    const plans = Array.from({ length: operations }, () => ({ submitAtUs: (arrive += rng.int(0, ms(2))), holdUs: rng.int(ms(1), ms(40)) }));
    const runs: { startUs: number; endUs: number }[] = [];
    let running = 0;
    let peak = 0;
    function* op(i: number): Proc<void> {
      yield* sleep(plans[i]!.submitAtUs);
      yield* sem.withPermit((function* () {
        running++;
        peak = Math.max(peak, running);
        const startUs = now();
        yield* sleep(plans[i]!.holdUs);
        runs[i] = { startUs, endUs: now() };
        running--;
      })());
    }
    ctx.main("ops", (function* () {
      const tasks = plans.map((_, i) => ctx.spawn(`op-${i}`, op(i)));
      for (const t of tasks) yield* join(t);
    })());
    ctx.check("never more than maxConcurrent at once, and the bound is reached", () => (peak <= maxConcurrent && peak === Math.min(maxConcurrent, operations) ? null : `peak ${peak}, bound ${maxConcurrent}`));
    ctx.check("admission is FIFO and work-conserving (schedule matches the prediction)", () => {
      const want = predictFifo(plans, maxConcurrent);
      const bad = want.findIndex((w, i) => runs[i]?.startUs !== w.startUs || runs[i]?.endUs !== w.endUs);
      return bad < 0 ? null : `op ${bad} ran ${runs[bad]?.startUs}..${runs[bad]?.endUs}, expected ${want[bad]!.startUs}..${want[bad]!.endUs}`;
    });
    ctx.check("every permit is back", () => (sem.availablePermits === maxConcurrent ? null : `${maxConcurrent - sem.availablePermits} permits held`));
    ctx.onFinish(() => ctx.metric("peakConcurrent", peak));
  },
});

interface Conn {
  serial: number;
  open: boolean;
  uses: number;
}

export const resourcePool = defineScenario({
  id: "async/resource-pool",
  title: "A resource pool reuses resources and closes them on shutdown",
  description:
    "`borrowers` borrowers arrive at jittered instants and each borrows a connection from a pool of at most `maxSize` (connections take 5 ms to open and 2 ms to close); about one in six is cancelled while borrowing. " +
    "The pool must never create more than maxSize, must reuse (created < leases), must never lend a closed connection or one already lent, and on shutdown must close every connection it created exactly once — idle ones at once, borrowed ones when they come back — after which borrowing fails with PoolClosed.",
  covers: ["ASYNC-11"],
  options: { borrowers: 120, maxSize: 6 },
  shrinkable: { borrowers: 1, maxSize: 1 },
  setup(ctx) {
    const { borrowers, maxSize } = ctx.options;
    const rng = ctx.rng.fork("borrowers");
    const conns: Conn[] = [];
    const problems: string[] = [];
    let lent = 0;
    let peakLent = 0;
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
    ctx.main("pool", (function* () {
      const tasks: Task<void>[] = [];
      for (let i = 0; i < borrowers; i++) {
        const t = ctx.spawn(`borrower-${i}`, borrower(i, rng.int(0, ms(400)), rng.int(ms(1), ms(30))), { handled: true });
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
    })());
    ctx.check("never more than maxSize created or lent, and connections are reused", () => {
      if (pool.stats.created > maxSize || peakLent > maxSize) return `created ${pool.stats.created}, peak lent ${peakLent}, max ${maxSize}`;
      return pool.stats.reused > 0 && pool.stats.created < pool.stats.leases ? null : `created ${pool.stats.created} for ${pool.stats.leases} leases`;
    });
    ctx.check("no borrower got a closed or double-lent connection", () => (problems.length === 0 ? null : problems.slice(0, 3).join("; ")));
    ctx.check("shutdown closes every created connection exactly once", () =>
      closes === conns.length && conns.every((c) => !c.open) && pool.idleCount === 0 && pool.leasedCount === 0 ? null : `${closes} closes for ${conns.length} connections; idle ${pool.idleCount}, lent ${pool.leasedCount}`,
    );
    ctx.check("borrowing after shutdown fails with PoolClosed", () => (afterShutdown instanceof PoolClosed ? null : `got ${String(afterShutdown)}`));
    ctx.onFinish(() => {
      ctx.metric("created", pool.stats.created);
      ctx.metric("reused", pool.stats.reused);
      ctx.metric("leases", pool.stats.leases);
    });
  },
});

export const lockFairness = defineScenario({
  id: "async/lock-fairness",
  title: "Lock waiters are served fairly (FIFO)",
  description:
    "`contenders` tasks arrive at distinct jittered instants and each takes a Lock `rounds` times, holding it for a drawn time and re-queuing after a think time. " +
    "Holders never overlap, every request is granted, and each grant goes to the longest-waiting requester: requests are granted in exactly the order they were made (ties impossible: arrivals are distinct).",
  covers: ["ASYNC-12"],
  options: { contenders: 40, rounds: 5 },
  shrinkable: { contenders: 2, rounds: 1 },
  setup(ctx) {
    const { contenders, rounds } = ctx.options;
    const rng = ctx.rng.fork("lock");
    const lock = new Lock("shared");
    const requests: { who: number; atUs: Micros; seq: number }[] = [];
    const grants: number[] = []; // request index in grant order
    let holders = 0;
    let overlap = 0;
    let seq = 0;
    function* contender(who: number, startUs: Micros): Proc<void> {
      yield* sleep(startUs);
      for (let r = 0; r < rounds; r++) {
        const req = requests.push({ who, atUs: now(), seq: seq++ }) - 1;
        yield* lock.acquire();
        grants.push(req);
        if (++holders > 1) overlap++;
        try {
          yield* sleep(rng.int(1, ms(3)));
        } finally {
          holders--;
          lock.release();
        }
        yield* sleep(rng.int(1, ms(2)));
      }
    }
    ctx.main("contention", (function* () {
      const starts = rng.shuffle(Array.from({ length: contenders }, (_, i) => i * 7 + 1)); // distinct arrival instants
      const tasks = starts.map((s, who) => ctx.spawn(`contender-${who}`, contender(who, s)));
      for (const t of tasks) yield* join(t);
    })());
    ctx.check("holders never overlap", () => (overlap === 0 ? null : `${overlap} overlapping grants`));
    ctx.check("every request is granted (no starvation)", () => (grants.length === contenders * rounds ? null : `${grants.length}/${contenders * rounds} granted`));
    ctx.check("grants follow request order (FIFO)", () => {
      const bad = grants.findIndex((g, i) => i > 0 && requests[g]!.seq < requests[grants[i - 1]!]!.seq);
      return bad < 0 ? null : `request ${grants[bad]} (contender ${requests[grants[bad]!]!.who}) overtook an earlier one`;
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
    ctx.main("work", (function* () {
      for (let i = 0; i < tasks; i++) {
        const steps = rng.int(1, 6);
        const failAt = rng.chance(1, 4) ? rng.int(1, steps) : null;
        const t = ctx.spawn(`task-${i}`, work(i, steps, failAt), { handled: true });
        handles.push(t);
        if (rng.chance(1, 4)) kernelOf().after(rng.int(0, ms(40)), () => t.cancel("abandoned"));
      }
      for (const t of handles) yield* waitEnd(t);
    })());
    ctx.check("every allocation is freed exactly once and nothing is in use", () => {
      const leaks = ledger.leaks();
      if (leaks.length > 0) return `${leaks.length} leaked, first by ${leaks[0]!.owner}`;
      if (ledger.doubleFrees > 0) return `${ledger.doubleFrees} double frees`;
      return ledger.inUseBytes === 0 && ledger.frees === ledger.allocations ? null : `${ledger.inUseBytes} B in use, ${ledger.frees}/${ledger.allocations} freed`;
    });
    ctx.check("a cancelled task frees its last allocation at the instant it ends", () => {
      const bad = handles.findIndex((t, i) => t.state === "cancelled" && lastFreeAt.has(`task-${i}`) && lastFreeAt.get(`task-${i}`) !== endedAt[i]);
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
