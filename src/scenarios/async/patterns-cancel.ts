// async/cancel-cleanup (ASYNC-3, ASYNC-9), async/structured-cancel (ASYNC-8) and
// async/shield (ASYNC-10): what cancellation must leave behind.

import {
  Semaphore,
  isCancelled,
  kernelOf,
  ms,
  now,
  scope,
  shield,
  sleep,
  spawn,
  join,
  type Micros,
  type Proc,
  type Task,
} from "../../sim/index.js";
import { defineScenario } from "../types.js";
import { integer } from "../option-spec.js";

interface CleanupEntry {
  op: number;
  what: string;
  atUs: Micros;
}

/** An async context manager: enter, run the body, always exit (logging a cancellation). */
function* using<T>(
  input: { op: number; name: string; log: CleanupEntry[]; enter: () => Proc<void>; exit: () => void },
  body: () => Proc<T>,
): Proc<T> {
  const { op, name, log } = input;
  yield* input.enter();
  log.push({ op, what: `${name}_acquired`, atUs: now() });
  try {
    return yield* body();
  } catch (error) {
    if (isCancelled(error)) log.push({ op, what: `${name}_cancelled`, atUs: now() });
    throw error;
  } finally {
    input.exit();
    log.push({ op, what: `${name}_released`, atUs: now() });
  }
}

export const cancelCleanup = defineScenario({
  id: "async/cancel-cleanup",
  title: "Cancelled operations release their resources; scoped resources are cleaned up",
  description:
    "Each operation enters a connection context (a permit from a shared pool of `connections`), then a nested transaction context, then works. About half are cancelled from outside at a drawn instant — while queued for a connection, while holding it, or inside the transaction. " +
    "A cancelled operation must exit every context it entered exactly once, innermost first, at the cancel instant, logging `<name>_cancelled` (ASYNC-9); it must release its connection (ASYNC-3), and one cancelled while queued must enter nothing and take no permit. At the end every permit is back.",
  covers: ["ASYNC-3", "ASYNC-9"],
  options: { operations: 80, connections: 8 },
  schema: {
    operations: integer(1, 100_000, "operations, about half cancelled from outside"),
    connections: integer(1, 10_000, "permits in the shared connection pool"),
  },
  size: { formula: "operations", estimate: (o) => o.operations },
  shrinkable: { operations: 1, connections: 1 },
  setup(ctx) {
    const { operations, connections } = ctx.options;
    const pool = new Semaphore(connections, "connections");
    const log: CleanupEntry[] = [];
    const cancelAt: (Micros | null)[] = []; // when the cancel was sent
    const tasks: Task<void>[] = [];
    const rng = ctx.rng.fork("ops");
    let txOpen = 0;

    // Cancel plans by index, so every phase is hit: queued (an op behind the first
    // `connections` ones, cancelled within 2 ms while the first ones hold for at least
    // 6 ms), holding the connection, inside the transaction, at a random instant, or never.
    type Mode = "none" | "queued" | "in-conn" | "in-tx" | "random";
    const MODES: readonly Mode[] = ["none", "queued", "in-conn", "in-tx", "random", "none"];
    const cancelIn = (t: Task<unknown>, afterUs: Micros): void => {
      kernelOf().after(afterUs, () => {
        cancelAt[tasks.indexOf(t as Task<void>)] = now();
        t.cancel("caller gave up");
      });
    };

    function* operation(op: number, mode: Mode, workUs: Micros): Proc<void> {
      const me = tasks[op]!;
      yield* using({ op, name: "conn", log, enter: () => pool.acquire(), exit: () => pool.release() }, function* () {
        if (mode === "in-conn") cancelIn(me, rng.int(0, ms(1) - 1));
        yield* sleep(ms(1));
        yield* using(
          {
            op,
            name: "tx",
            log,
            enter: function* () {
              txOpen++;
            },
            exit: () => void txOpen--,
          },
          function* () {
            if (mode === "in-tx") cancelIn(me, rng.int(0, workUs - 1));
            yield* sleep(workUs);
          },
        );
      });
    }

    ctx.main(
      "ops",
      (function* () {
        for (let op = 0; op < operations; op++) {
          let mode = MODES[op % MODES.length]!;
          if (mode === "queued" && op < connections) mode = "random";
          cancelAt.push(null);
          const t = ctx.spawn(`op-${op}`, operation(op, mode, rng.int(ms(5), ms(60))), { handled: true });
          tasks.push(t);
          if (mode === "queued") cancelIn(t, rng.int(0, ms(2)));
          if (mode === "random") cancelIn(t, rng.int(0, ms(300)));
        }
        for (const t of tasks) yield* waitEnd(t);
      })(),
    );

    ctx.check("every entered context exits exactly once, innermost first, at the cancel instant", () => {
      for (let op = 0; op < operations; op++) {
        const problem = cleanupProblem(
          log.filter((e) => e.op === op),
          tasks[op]!,
          cancelAt[op] ?? null,
        );
        if (problem !== null) return `op ${op}: ${problem}`;
      }
      return null;
    });
    ctx.check("every connection permit is back and no transaction is open", () =>
      pool.availablePermits === connections && txOpen === 0
        ? null
        : `${connections - pool.availablePermits} permits held, ${txOpen} transactions open`,
    );
    ctx.check("the run cancelled operations in every phase", () => {
      const queued = tasks.filter((t, i) => t.state === "cancelled" && !log.some((e) => e.op === i)).length;
      const inTx = tasks.filter(
        (t, i) => t.state === "cancelled" && log.some((e) => e.op === i && e.what === "tx_cancelled"),
      ).length;
      const inConn = tasks.filter(
        (t, i) =>
          t.state === "cancelled" &&
          log.some((e) => e.op === i && e.what === "conn_cancelled") &&
          !log.some((e) => e.op === i && e.what === "tx_acquired"),
      ).length;
      return queued > 0 && inTx > 0 && inConn > 0
        ? null
        : `cancelled while queued ${queued}, holding the connection ${inConn}, inside the transaction ${inTx}`;
    });
    ctx.onFinish(() => ctx.metric("cancelled", tasks.filter((t) => t.state === "cancelled").length));
  },
});

/** What is wrong with one operation's cleanup log, if anything. */
function cleanupProblem(mine: readonly CleanupEntry[], task: Task<unknown>, cancelAt: Micros | null): string | null {
  const what = mine.map((e) => e.what);
  const entered = what.filter((w) => w.endsWith("_acquired")).map((w) => w.replace("_acquired", ""));
  const released = what.filter((w) => w.endsWith("_released")).map((w) => w.replace("_released", ""));
  if (released.join() !== [...entered].reverse().join()) return `entered [${entered}] released [${released}]`;
  if (task.state === "done") return null;
  if (task.state !== "cancelled") return `ended ${task.state}`;
  const late = mine.find((e) => (e.what.endsWith("_released") || e.what.endsWith("_cancelled")) && e.atUs !== cancelAt);
  if (late !== undefined) return `${late.what} at ${late.atUs}, cancelled at ${cancelAt}`;
  return entered.length > 0 && !what.includes(`${entered[entered.length - 1]}_cancelled`)
    ? "no cancellation logged"
    : null;
}

/** Waits for a task to end without rethrowing its error. */
function* waitEnd(task: Task<unknown>): Proc<void> {
  try {
    yield* join(task);
  } catch {
    // The outcome is judged by the checks.
  }
}

interface Member {
  name: string;
  depth: number;
  endedAtUs: Micros | null;
  how: "finished" | "cancelled" | null;
}

export const structuredCancel = defineScenario({
  id: "async/structured-cancel",
  title: "Cancelling a parent cancels its children and grandchildren",
  description:
    "A parent task starts `children` children, half through a scope (nursery) and half as plain child spawns, and each child starts `grandchildren` grandchildren the same two ways; everyone sleeps far longer than the run. " +
    "The parent is cancelled from outside at a drawn instant. Every descendant must be cancelled at that instant (its finally runs then), none may still be alive afterwards, and the parent must not end before all its descendants have.",
  covers: ["ASYNC-8"],
  options: { trials: 20, children: 4, grandchildren: 3 },
  schema: {
    trials: integer(1, 100_000, "parent tasks cancelled, one trial each"),
    children: integer(1, 1_000, "children of each parent"),
    grandchildren: integer(1, 1_000, "children of each child"),
  },
  size: {
    formula: "trials × children × (1 + grandchildren)",
    estimate: (o) => o.trials * o.children * (1 + o.grandchildren),
  },
  shrinkable: { trials: 1, children: 1, grandchildren: 0 },
  setup(ctx) {
    const { trials, children, grandchildren } = ctx.options;
    const problems: string[] = [];
    ctx.main(
      "trials",
      (function* () {
        for (let trial = 0; trial < trials; trial++) {
          const members: Member[] = [];
          const track = (name: string, depth: number): Member => {
            const m: Member = { name, depth, endedAtUs: null, how: null };
            members.push(m);
            return m;
          };
          function* sleeper(m: Member, spawnKids: number): Proc<void> {
            try {
              yield* scope(function* (s) {
                for (let k = 0; k < spawnKids; k++) {
                  const kid = track(`${m.name}.${k}`, m.depth + 1);
                  if (k % 2 === 0) s.spawn(kid.name, sleeper(kid, m.depth === 0 ? grandchildren : 0));
                  else spawn(kid.name, sleeper(kid, m.depth === 0 ? grandchildren : 0), { handled: true });
                }
                yield* sleep(ms(60_000));
              });
              m.how = "finished";
            } catch (error) {
              if (isCancelled(error)) m.how = "cancelled";
              throw error;
            } finally {
              m.endedAtUs = now();
            }
          }
          const root = track(`trial${trial}`, 0);
          const parent = spawn(root.name, sleeper(root, children), { handled: true });
          const cancelAt = now() + ctx.rng.fork(`trial-${trial}`).int(1, ms(500));
          yield* sleep(cancelAt - now());
          parent.cancel("user abort");
          yield* waitEnd(parent);
          const bad = members.filter((m) => m.how !== "cancelled" || m.endedAtUs !== cancelAt);
          if (bad.length > 0)
            problems.push(
              `trial ${trial}: ${bad.length} member(s) not cancelled at ${cancelAt}: ${bad
                .slice(0, 2)
                .map((m) => `${m.name} ${m.how}@${m.endedAtUs}`)
                .join(", ")}`,
            );
          const alive = [...kernelOf().live].filter(
            (t) => t.name === `trial${trial}` || t.name.startsWith(`trial${trial}.`),
          );
          if (alive.length > 0)
            problems.push(`trial ${trial}: ${alive.length} task(s) still alive after the parent ended`);
          if (members.length !== 1 + children + children * grandchildren)
            problems.push(`trial ${trial}: tree has ${members.length} members`);
        }
      })(),
    );
    ctx.check("every descendant is cancelled at the parent's cancel instant and none outlives it", () =>
      problems.length === 0 ? null : problems.slice(0, 3).join("; "),
    );
  },
});

export const shieldCritical = defineScenario({
  id: "async/shield",
  title: "A shielded critical operation survives cancellation of its caller",
  description:
    "Each trial's caller does some work, then a critical commit inside `shield`, then follow-up work; it is cancelled at a drawn instant inside the commit. " +
    "The commit must complete at its natural end, the caller must then end cancelled exactly at that instant, and the follow-up must never run. " +
    "An unshielded twin cancelled at the same moment must have its commit cut short at the cancel instant (the contrast that shows the shield is what protects it).",
  covers: ["ASYNC-10"],
  options: { trials: 40 },
  schema: {
    trials: integer(1, 100_000, "callers cancelled inside a shielded commit"),
  },
  shrinkable: { trials: 1 },
  setup(ctx) {
    const problems: string[] = [];
    ctx.main(
      "trials",
      (function* () {
        for (let trial = 0; trial < ctx.options.trials; trial++) {
          const rng = ctx.rng.fork(`trial-${trial}`);
          const preUs = rng.int(ms(1), ms(20));
          const commitUs = rng.int(ms(2), ms(50));
          const intoUs = rng.int(1, commitUs - 1);
          const shielded = { committedAtUs: null as Micros | null, followUp: false };
          const bare = { committedAtUs: null as Micros | null, followUp: false };
          const t0 = now();
          const a = spawn(`shielded-${trial}`, caller(preUs, commitUs, shielded, true), { handled: true });
          const b = spawn(`bare-${trial}`, caller(preUs, commitUs, bare, false), { handled: true });
          yield* sleep(preUs + intoUs);
          a.cancel("caller cancelled");
          b.cancel("caller cancelled");
          const cancelAt = now();
          yield* waitEnd(a);
          const aEnded = now();
          yield* waitEnd(b);
          const commitEnd = t0 + preUs + commitUs;
          if (shielded.committedAtUs !== commitEnd)
            problems.push(`trial ${trial}: shielded commit at ${shielded.committedAtUs}, expected ${commitEnd}`);
          if (a.state !== "cancelled" || aEnded !== commitEnd || shielded.followUp)
            problems.push(
              `trial ${trial}: shielded caller ${a.state} at ${aEnded}, follow-up ran=${shielded.followUp}`,
            );
          if (bare.committedAtUs !== null || b.state !== "cancelled" || bare.followUp)
            problems.push(`trial ${trial}: unshielded twin committed=${bare.committedAtUs} state=${b.state}`);
          if (cancelAt >= commitEnd) problems.push(`trial ${trial}: cancel came after the commit`);
        }
      })(),
    );
    ctx.check("the shielded commit completes and the caller is cancelled right after it", () =>
      problems.length === 0 ? null : problems.slice(0, 3).join("; "),
    );
  },
});

function* caller(
  preUs: Micros,
  commitUs: Micros,
  state: { committedAtUs: Micros | null; followUp: boolean },
  useShield: boolean,
): Proc<void> {
  yield* sleep(preUs);
  const commit = (function* (): Proc<void> {
    yield* sleep(commitUs);
    state.committedAtUs = now();
  })();
  if (useShield) yield* shield(commit);
  else yield* commit;
  yield* sleep(ms(1));
  state.followUp = true;
}
