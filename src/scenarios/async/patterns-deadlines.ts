// async/nested-deadline (ASYNC-6) and async/partial-results (ASYNC-7).

import { ms, now, sleep, type Micros, type Proc } from "../../sim/index.js";
import { Deadline, DeadlineExceeded } from "../../async/deadline.js";
import { runParallel } from "../../async/parallel-runner.js";
import { defineScenario } from "../types.js";
import { integer } from "../option-spec.js";
import { checkRounds } from "./rounds.js";

export const nestedDeadline = defineScenario({
  id: "async/nested-deadline",
  title: "Nested operations inherit the outer deadline",
  description:
    "Each trial makes a chain of `depth` nested calls. Every level narrows the deadline it inherited with its own budget (drawn, often larger than what is left), does a little work, and calls the next; the innermost call would run far too long. " +
    "The chain must stop with DeadlineExceeded exactly at the earliest deadline along the path, naming the level that set it (the outermost one when inner budgets are looser), and every level must be unwound at that instant — no nested call outlives the outer deadline.",
  covers: ["ASYNC-6"],
  options: { trials: 50, depth: 5 },
  schema: {
    trials: integer(1, 100_000, "chains of nested calls"),
    depth: integer(1, 1_000, "nested calls in each chain"),
  },
  size: { formula: "trials × depth", estimate: (o) => o.trials * o.depth },
  shrinkable: { trials: 1, depth: 1 },
  setup(ctx) {
    const { trials, depth } = ctx.options;
    const problems: string[] = [];
    let outerBinding = 0;
    ctx.main(
      "trials",
      (function* () {
        for (let trial = 0; trial < trials; trial++) {
          const rng = ctx.rng.fork(`trial-${trial}`);
          const budgets = Array.from({ length: depth }, () => rng.int(ms(5), ms(200)));
          const workUs = Array.from({ length: depth }, () => rng.int(0, ms(3)));
          const enteredAt: (Micros | null)[] = budgets.map(() => null);
          const exitedAt: (Micros | null)[] = budgets.map(() => null);
          // The expected binding deadline: level k narrows at t_k = t0 + sum(work before k).
          const t0 = now();
          let bindAt = Number.POSITIVE_INFINITY;
          let bindLevel = -1;
          let elapsed = 0;
          for (let k = 0; k < depth; k++) {
            const at = t0 + elapsed + budgets[k]!;
            if (at < bindAt) {
              bindAt = at;
              bindLevel = k;
            }
            elapsed += workUs[k]!;
          }
          function* level(k: number, inherited: Deadline | null): Proc<void> {
            const d =
              inherited === null ? Deadline.after(budgets[k]!, "level-0") : inherited.narrow(budgets[k]!, `level-${k}`);
            enteredAt[k] = now();
            try {
              yield* d.run(
                (function* () {
                  yield* sleep(workUs[k]!);
                  if (k + 1 < depth) yield* level(k + 1, d);
                  else yield* sleep(ms(10_000));
                })(),
                `level ${k}`,
              );
            } finally {
              exitedAt[k] = now();
            }
          }
          try {
            yield* level(0, null);
            problems.push(`trial ${trial}: the chain completed`);
          } catch (error) {
            if (!(error instanceof DeadlineExceeded)) problems.push(`trial ${trial}: ${String(error)}`);
            else if (now() !== bindAt || error.origin !== `level-${bindLevel}`)
              problems.push(
                `trial ${trial}: stopped at +${now() - t0}us by ${error.origin}, expected +${bindAt - t0}us by level-${bindLevel}`,
              );
            else if (enteredAt.some((e, k) => e !== null && exitedAt[k] !== bindAt))
              problems.push(`trial ${trial}: levels exited at ${exitedAt.join(",")}, deadline ${bindAt}`);
          }
          if (bindLevel === 0) outerBinding++;
        }
      })(),
    );
    ctx.check("the chain stops exactly at the earliest inherited deadline, which names its level", () =>
      problems.length === 0 ? null : problems.slice(0, 3).join("; "),
    );
    ctx.check("some trials were bound by the outermost deadline", () =>
      outerBinding > 0 ? null : "the outer deadline never bound",
    );
  },
});

export const partialResults = defineScenario({
  id: "async/partial-results",
  title: "A batch that times out returns the results completed so far",
  description:
    "Each round runs a batch of `operations` operations (drawn durations, up to `maxConcurrent` at once) under a batch timeout drawn so that some finish and some do not. " +
    "The batch must return (not throw) exactly at the timeout, with every operation that finished by then carrying its own result in its own position, every other one marked unfinished, and the unfinished ones cancelled at that instant.",
  covers: ["ASYNC-7"],
  options: { rounds: 30, operations: 20, maxConcurrent: 5 },
  schema: {
    rounds: integer(1, 100_000, "batches run one after the other"),
    operations: integer(1, 100_000, "operations in each batch"),
    maxConcurrent: integer(1, 100_000, "operations of a batch running at once"),
  },
  size: { formula: "rounds × operations", estimate: (o) => o.rounds * o.operations },
  shrinkable: { rounds: 1, operations: 1, maxConcurrent: 1 },
  setup(ctx) {
    const { rounds, operations, maxConcurrent } = ctx.options;
    let partial = 0;
    checkRounds(
      ctx,
      {
        rounds: rounds,
        check:
          "a timed-out batch returns at the timeout with the finished results in place and the rest marked unfinished",
      },
      function* (round, rng, problems) {
        const durations = Array.from({ length: operations }, () => rng.int(ms(1), ms(100)));
        const timeoutUs = rng.int(ms(20), ms(250));
        const endedAt: (Micros | null)[] = durations.map(() => null);
        const t0 = now();
        const tasks = durations.map((d, i) => ({
          id: `op${i}`,
          run: function* (): Proc<number> {
            try {
              yield* sleep(d);
              return i * i;
            } finally {
              endedAt[i] = now();
            }
          },
        }));
        const report = yield* runParallel(tasks, { maxConcurrent, globalTimeoutUs: timeoutUs });
        const deadline = t0 + timeoutUs;
        const finished = report.results.filter((r) => r.status === "ok");
        if (report.globalTimedOut !== finished.length < operations)
          problems.push(
            `round ${round}: globalTimedOut=${report.globalTimedOut} with ${finished.length}/${operations} done`,
          );
        if (report.globalTimedOut && now() !== deadline)
          problems.push(`round ${round}: returned at +${now() - t0}us, timeout ${timeoutUs}us`);
        report.results.forEach((r, i) => {
          const doneInTime = r.endedAtUs !== null && r.endedAtUs <= deadline;
          if (r.index !== i) problems.push(`round ${round}: result ${i} is op ${r.index}`);
          else if (
            r.status === "ok"
              ? !doneInTime || r.output !== i * i
              : !unfinishedFits(r.status, r.startedAtUs, endedAt[i] ?? null, deadline)
          )
            problems.push(`round ${round} op ${i}: ${r.status} ended ${endedAt[i]}`);
        });
        if (report.globalTimedOut) partial++;
      },
    );
    ctx.check("some rounds returned partial results", () => (partial > 0 ? null : "no round timed out"));
    ctx.onFinish(() => ctx.metric("partialRounds", partial));
  },
});

/** An unfinished operation either never started or was cancelled exactly at the deadline. */
function unfinishedFits(
  status: string,
  startedAtUs: Micros | null,
  endedAtUs: Micros | null,
  deadline: Micros,
): boolean {
  if (status !== "unfinished") return false;
  return startedAtUs === null ? endedAtUs === null : endedAtUs === deadline;
}
