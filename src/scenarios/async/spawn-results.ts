// spawn/* scenarios of the parallel runner's results (seed 004's spawn_parallel unit
// plan): empty and single inputs and a zero max_concurrent, exceptions and cancellation,
// input-order results and the progress callback.

import { Cancelled, isCancelled, ms, now, sleep, spawn, join, type Micros, type Proc } from "../../sim/index.js";
import { runParallel, type ParallelTask, type ProgressEvent } from "../../async/parallel-runner.js";
import { defineScenario } from "../types.js";
import { integer } from "../option-spec.js";
import { newProbe, sleepers } from "./spawn-sleepers.js";
import { checkRounds } from "./rounds.js";

export const spawnEdgeCases = defineScenario({
  id: "spawn/edge-cases",
  title: "Empty list, single task and max_concurrent of zero",
  description:
    "An empty task list returns an empty result list at once, not an error (SPAWN-16). A single task (of a drawn duration, under a drawn limit) needs no special handling: one result, in place, same fields as any other, ending when the task ends (SPAWN-17). " +
    "max_concurrent of 0, a negative number or a fraction is rejected with a RangeError naming maxConcurrent, before any task starts (SPAWN-20).",
  covers: ["SPAWN-16", "SPAWN-17", "SPAWN-20"],
  options: {},
  schema: {},
  setup(ctx) {
    const problems: string[] = [];
    let started = 0;
    const rng = ctx.rng.fork("edges");
    ctx.main(
      "edges",
      (function* () {
        const t0 = now();
        const empty = yield* runParallel([], { maxConcurrent: rng.int(1, 10) });
        if (!Array.isArray(empty.results) || empty.results.length !== 0 || now() !== t0 || empty.globalTimedOut)
          problems.push(`empty list: ${JSON.stringify(empty.results)} after ${now() - t0}us`);
        for (let k = 0; k < 5; k++) {
          const d = rng.int(1, ms(100));
          const t1 = now();
          const one = yield* runParallel(sleepers([d], newProbe()), {
            maxConcurrent: rng.int(1, 10),
            taskTimeoutUs: ms(200),
          });
          const r = one.results[0];
          if (
            one.results.length !== 1 ||
            r?.status !== "ok" ||
            r.output !== 0 ||
            r.exitCode !== 0 ||
            r.index !== 0 ||
            r.id !== "agent-0" ||
            now() !== t1 + d
          )
            problems.push(`single task of ${d}us: ${JSON.stringify(one.results)}`);
        }
        for (const bad of [0, -rng.int(1, 1000), rng.int(1, 9) + 0.5, Number.NaN]) {
          const tasks = [
            {
              id: "never",
              run: function* (): Proc<number> {
                started++;
                return 1;
              },
            },
          ];
          try {
            yield* runParallel(tasks, { maxConcurrent: bad });
            problems.push(`maxConcurrent=${bad} was accepted`);
          } catch (error) {
            if (!(error instanceof RangeError) || !error.message.includes("maxConcurrent"))
              problems.push(`maxConcurrent=${bad}: ${String(error)}`);
          }
        }
      })(),
    );
    ctx.check(
      "empty and single inputs behave like any other; a zero, negative or fractional max_concurrent is a clear RangeError",
      () => (problems.length === 0 ? null : problems.join("; ")),
    );
    ctx.check("a rejected call starts nothing", () => (started === 0 ? null : `${started} task(s) ran`));
  },
});

class RuntimeFailure extends Error {
  override readonly name = "RuntimeError";
}
class ValueFailure extends Error {
  override readonly name = "ValueError";
}

export const spawnExceptions = defineScenario({
  id: "spawn/exceptions",
  title: "Exceptions become failed results; cancellation propagates",
  description:
    "Agents throw RuntimeError-, ValueError- and TypeError-like exceptions at drawn instants among succeeding ones. Each exception must become a failed result in its own position with the exception's text as the error and exit code −1, and never abort the others. " +
    "Cancellation is different: when one agent ends cancelled by itself the run must re-raise the cancellation and cancel its siblings at that instant; when the caller of the run is cancelled, the cancellation reaches the caller and every agent is cancelled then too.",
  covers: ["SPAWN-19"],
  options: { rounds: 20, tasks: 12 },
  schema: {
    rounds: integer(1, 100_000, "rounds run one after the other"),
    tasks: integer(1, 10_000, "agents in each round"),
  },
  size: { formula: "rounds × tasks", estimate: (o) => o.rounds * o.tasks },
  shrinkable: { rounds: 1, tasks: 2 },
  setup(ctx) {
    const { rounds, tasks } = ctx.options;
    checkRounds(
      ctx,
      { rounds: rounds, check: "exceptions become failed results (text kept, exit −1) and cancellation propagates" },
      function* (round, rng, problems) {
        const kinds = Array.from({ length: tasks }, () => rng.pick(["ok", "ok", "runtime", "value", "type"] as const));
        const list: ParallelTask<string>[] = kinds.map((k, i) => ({
          id: `agent-${i}`,
          run: function* (): Proc<string> {
            yield* sleep(rng.int(ms(1), ms(30)));
            if (k === "runtime") throw new RuntimeFailure(`agent ${i} crashed`);
            if (k === "value") throw new ValueFailure(`bad value from ${i}`);
            if (k === "type") throw new TypeError(`agent ${i} got the wrong type`);
            return `out-${i}`;
          },
        }));
        const r = yield* runParallel(list, { maxConcurrent: 4 });
        r.results.forEach((res, i) => {
          const k = kinds[i]!;
          const want =
            k === "runtime"
              ? `agent ${i} crashed`
              : k === "value"
                ? `bad value from ${i}`
                : k === "type"
                  ? `agent ${i} got the wrong type`
                  : null;
          if (
            want === null
              ? res.status !== "ok" || res.output !== `out-${i}`
              : res.status !== "failed" || res.error !== want || res.exitCode !== -1 || res.success
          )
            problems.push(`round ${round} task ${i} (${k}): ${JSON.stringify(res)}`);
        });
        problems.push(...(yield* cancellationRound(round, rng.int(ms(5), ms(20)))));
      },
    );
  },
});

/**
 * A task that cancels itself makes the run re-raise; cancelling the caller reaches the caller. Both cancel every
 * sibling at that instant.
 */
function* cancellationRound(round: number, atUs: Micros): Proc<string[]> {
  const out: string[] = [];
  const ended: Micros[] = [];
  const mk = (selfCancel: boolean): ParallelTask<number>[] =>
    Array.from({ length: 4 }, (_, i) => ({
      id: `c${i}`,
      run: function* (): Proc<number> {
        try {
          yield* sleep(i === 0 && selfCancel ? atUs : ms(500));
          if (i === 0 && selfCancel) throw new Cancelled("agent cancelled itself");
          return i;
        } finally {
          ended[i] = now();
        }
      },
    }));
  const t0 = now();
  try {
    yield* runParallel(mk(true), { maxConcurrent: 4 });
    out.push(`round ${round}: a self-cancelled agent did not re-raise`);
  } catch (error) {
    if (!isCancelled(error) || now() !== t0 + atUs || ended.some((e) => e !== t0 + atUs))
      out.push(
        `round ${round}: self-cancel gave ${String(error)} at +${now() - t0}us; siblings ended ${ended.map((e) => e - t0).join(",")}`,
      );
  }
  ended.length = 0;
  const t1 = now();
  const caller = spawn("caller", runParallel(mk(false), { maxConcurrent: 4 }), { handled: true });
  yield* sleep(atUs);
  caller.cancel("user pressed stop");
  try {
    yield* join(caller);
    out.push(`round ${round}: the cancelled caller returned`);
  } catch (error) {
    if (!isCancelled(error) || ended.length !== 4 || ended.some((e) => e !== t1 + atUs))
      out.push(
        `round ${round}: caller cancel gave ${String(error)}; agents ended ${ended.map((e) => e - t1).join(",")}`,
      );
  }
  return out;
}

export const spawnResultOrder = defineScenario({
  id: "spawn/result-order",
  title: "Results match input order whatever the completion order",
  description:
    "Each round runs agents with drawn durations (so completion order is shuffled) of which some fail. results[i] must be agent i's own result — its id, its index, its output or its error — in input order, with failures keeping their position; the round must actually have completed out of order.",
  covers: ["SPAWN-22"],
  options: { rounds: 30, tasks: 16 },
  schema: {
    rounds: integer(1, 100_000, "rounds run one after the other"),
    tasks: integer(1, 10_000, "agents in each round"),
  },
  size: { formula: "rounds × tasks", estimate: (o) => o.rounds * o.tasks },
  shrinkable: { rounds: 1, tasks: 2 },
  setup(ctx) {
    const { rounds, tasks } = ctx.options;
    let shuffled = 0;
    checkRounds(
      ctx,
      { rounds: rounds, check: "results[i] is agent i's own result, failures in place" },
      function* (round, rng, problems) {
        const completion: number[] = [];
        const fails = Array.from({ length: tasks }, () => rng.chance(1, 4));
        const list: ParallelTask<string>[] = fails.map((f, i) => ({
          id: `agent-${i}`,
          run: function* (): Proc<string> {
            yield* sleep(rng.int(ms(1), ms(100)));
            completion.push(i);
            if (f) throw new Error(`agent ${i} failed`);
            return `result-${i}`;
          },
        }));
        const r = yield* runParallel(list, { maxConcurrent: tasks });
        r.results.forEach((res, i) => {
          const ok =
            res.index === i &&
            res.id === `agent-${i}` &&
            (fails[i] ? res.status === "failed" && res.error === `agent ${i} failed` : res.output === `result-${i}`);
          if (!ok) problems.push(`round ${round}: position ${i} holds ${JSON.stringify(res)}`);
        });
        if (completion.some((c, k) => c !== k)) shuffled++;
      },
    );
    ctx.check("completion order differed from input order", () =>
      shuffled > 0 ? null : "every round completed in input order",
    );
  },
});

export const spawnProgress = defineScenario({
  id: "spawn/progress",
  title: "Progress callback: start and completion per task with correct totals",
  description:
    "Runs `tasks` agents (some failing) with a progress callback that throws on every third call. The run must not abort; every task must report exactly one 'started' then exactly one ending ('completed' or 'failed') with its own index and id, every event must carry total = tasks and the current virtual time, and the runner must count the swallowed callback errors exactly.",
  covers: ["SPAWN-23"],
  options: { rounds: 20, tasks: 15 },
  schema: {
    rounds: integer(1, 100_000, "rounds run one after the other"),
    tasks: integer(2, 10_000, "agents in each round"),
  },
  size: { formula: "rounds × tasks", estimate: (o) => o.rounds * o.tasks },
  shrinkable: { rounds: 1, tasks: 1 },
  setup(ctx) {
    const { rounds, tasks } = ctx.options;
    checkRounds(
      ctx,
      {
        rounds: rounds,
        check: "one start and one ending per task, correct totals, and a throwing callback never aborts the run",
      },
      function* (round, rng, problems) {
        const events: ProgressEvent[] = [];
        let calls = 0;
        let thrown = 0;
        const fails = Array.from({ length: tasks }, () => rng.chance(1, 4));
        const list: ParallelTask<number>[] = fails.map((f, i) => ({
          id: `agent-${i}`,
          run: function* (): Proc<number> {
            yield* sleep(rng.int(ms(1), ms(50)));
            if (f) throw new Error("boom");
            return i;
          },
        }));
        const r = yield* runParallel(list, {
          maxConcurrent: 4,
          onProgress: (e) => {
            events.push({ ...e });
            if (e.atUs !== now()) problems.push(`round ${round}: event at ${e.atUs} delivered at ${now()}`);
            if (++calls % 3 === 0) {
              thrown++;
              throw new Error("progress UI crashed");
            }
          },
        });
        if (r.succeeded + r.failed !== tasks || r.progressErrors !== thrown)
          problems.push(
            `round ${round}: ${r.succeeded}+${r.failed} results, ${r.progressErrors} callback errors counted for ${thrown} thrown`,
          );
        for (let i = 0; i < tasks; i++) {
          const mine = events.filter((e) => e.index === i);
          const want = fails[i] ? "failed" : "completed";
          if (
            mine.length !== 2 ||
            mine[0]!.status !== "started" ||
            mine[1]!.status !== want ||
            mine.some((e) => e.id !== `agent-${i}` || e.total !== tasks)
          )
            problems.push(`round ${round} task ${i}: events ${JSON.stringify(mine)}`);
        }
      },
    );
  },
});
