// spawn/* scenarios of the parallel runner's concurrency control (seed 004's
// spawn_parallel unit plan): the max_concurrent bound and serial slot, the global
// timeout, very high concurrency and the parallel speed-up. A spawned "agent" here is a
// task body in virtual time.

import { kernelOf, ms, now, sec, type Micros } from "../../sim/index.js";
import { predictFifo } from "../../async/soak/predict.js";
import { runParallel, type ParallelReport } from "../../async/parallel-runner.js";
import { defineScenario } from "../types.js";
import { duration, integer } from "../option-spec.js";
import { newProbe, sleepers } from "./spawn-sleepers.js";
import { checkRounds } from "./rounds.js";

export const spawnMaxConcurrent = defineScenario({
  id: "spawn/max-concurrent",
  title: "Active tasks never exceed max_concurrent; max_concurrent=1 runs serially in order",
  description:
    "Each round runs `tasks` tasks of drawn durations with a drawn max_concurrent (1–8). The tasks count themselves: the active count must never exceed the limit and must reach min(limit, tasks) (SPAWN-10). " +
    "Every round also runs the same tasks with max_concurrent=1, which must start them strictly in input order, each exactly when the previous one ended (SPAWN-21).",
  covers: ["SPAWN-10", "SPAWN-21"],
  options: { rounds: 30, tasks: 24 },
  schema: {
    rounds: integer(1, 100_000, "rounds, each with a drawn max_concurrent"),
    tasks: integer(1, 10_000, "tasks in each round"),
  },
  size: { formula: "rounds × tasks", estimate: (o) => o.rounds * o.tasks },
  shrinkable: { rounds: 1, tasks: 1 },
  setup(ctx) {
    const { rounds, tasks } = ctx.options;
    checkRounds(
      ctx,
      {
        rounds: rounds,
        check: "active tasks never exceed max_concurrent, reach it, and max_concurrent=1 is serial in input order",
      },
      function* (round, rng, problems) {
        const durations = Array.from({ length: tasks }, () => rng.int(ms(1), ms(50)));
        const max = rng.int(1, 8);
        const p = newProbe();
        const t0 = now();
        const r = yield* runParallel(sleepers(durations, p), { maxConcurrent: max });
        if (p.peak > max || p.peak !== Math.min(max, tasks) || r.peakActive !== p.peak)
          problems.push(`round ${round}: peak ${p.peak} (runner says ${r.peakActive}), limit ${max}`);
        const want = predictFifo(
          durations.map((d) => ({ submitAtUs: t0, holdUs: d })),
          max,
        );
        if (want.some((w, i) => r.results[i]!.startedAtUs !== w.startUs))
          problems.push(`round ${round}: starts differ from the FIFO schedule`);
        const s = newProbe();
        const s0 = now();
        const serial = yield* runParallel(sleepers(durations, s), { maxConcurrent: 1 });
        let at = s0;
        for (const [i, res] of serial.results.entries()) {
          if (s.starts[i] !== i || res.startedAtUs !== at)
            problems.push(
              `round ${round}: serial task ${i} started at ${res.startedAtUs}, expected ${at} (start order ${s.starts.slice(0, 5).join(",")})`,
            );
          at += durations[i]!;
        }
        if (s.peak !== 1) problems.push(`round ${round}: serial peak ${s.peak}`);
      },
    );
  },
});

export const spawnGlobalTimeout = defineScenario({
  id: "spawn/global-timeout",
  title: "Global timeout = task timeout × 1.5 returns partial results without raising",
  description:
    "Each round runs slow agents (each under the per-task timeout, but too many for the slots) with a drawn task timeout T. The run must stop exactly at 1.5·T and return, not throw: tasks finished by then keep their results, the rest are marked unfinished (exit code −1), and nothing is still running afterwards. " +
    "A control round whose tasks all fit within 1.5·T must return every result with no timeout flagged.",
  covers: ["SPAWN-11"],
  options: { rounds: 20, tasks: 10, maxConcurrent: 2 },
  schema: {
    rounds: integer(1, 100_000, "rounds run one after the other"),
    tasks: integer(1, 10_000, "slow tasks in each round"),
    maxConcurrent: integer(1, 10_000, "tasks running at once"),
  },
  size: { formula: "rounds × tasks", estimate: (o) => o.rounds * o.tasks },
  limits: { maxTimeUs: sec(86_400) }, // task timeouts up to the plan's 300 s
  shrinkable: { rounds: 1 },
  setup(ctx) {
    const { rounds, tasks, maxConcurrent } = ctx.options;
    checkRounds(
      ctx,
      { rounds, check: "the run returns partial results at exactly 1.5 × the task timeout without raising" },
      function* (round, rng, problems) {
        const taskTimeoutUs = rng.int(ms(100), ms(300_000)); // up to the plan's 300 s agents
        const durations = Array.from({ length: tasks }, () =>
          rng.int(Math.round(taskTimeoutUs / 2), taskTimeoutUs - 1),
        );
        const p = newProbe();
        const t0 = now();
        let report: ParallelReport<number>;
        try {
          report = yield* runParallel(sleepers(durations, p), { maxConcurrent, taskTimeoutUs });
        } catch (error) {
          problems.push(`round ${round}: raised ${String(error)}`);
          return;
        }
        const globalUs = Math.round((taskTimeoutUs * 3) / 2);
        if (report.globalTimeoutUs !== globalUs || !report.globalTimedOut || now() !== t0 + globalUs)
          problems.push(
            `round ${round}: global ${report.globalTimeoutUs}, timed out ${report.globalTimedOut}, returned at +${now() - t0}us (want ${globalUs})`,
          );
        for (const r of report.results) {
          const finished = p.ends[r.index] !== undefined && p.ends[r.index]! - t0 < globalUs;
          if (finished ? r.status !== "ok" || r.output !== r.index : r.status !== "unfinished" || r.exitCode !== -1)
            problems.push(`round ${round}: task ${r.index} ${r.status}`);
        }
        if (p.active !== 0) problems.push(`round ${round}: ${p.active} task(s) still running`);
        const ok = yield* runParallel(sleepers(durations.slice(0, maxConcurrent), newProbe()), {
          maxConcurrent,
          taskTimeoutUs,
        });
        if (ok.globalTimedOut || ok.succeeded !== Math.min(maxConcurrent, tasks))
          problems.push(`round ${round}: control run timed out or lost results`);
      },
    );
  },
});

export const spawnHighConcurrency = defineScenario({
  id: "spawn/high-concurrency",
  title: "100+ and 1,000+ tasks complete efficiently",
  description:
    "Runs 100 tasks (limit 10), 1,000 tasks (limit 100) and `bigTasks` tasks (limit 1000) of drawn durations. Every task must complete with its own result, the schedule must match the FIFO prediction (no task waits while a slot is free), " +
    "and the kernel must spend a bounded number of events per task (at most `maxEventsPerTask`): the runner's cost grows linearly, not quadratically.",
  covers: ["SPAWN-18"],
  options: { bigTasks: 5000, maxEventsPerTask: 8 },
  schema: {
    bigTasks: integer(1, 100_000, "tasks in the largest run (limit 1,000)"),
    maxEventsPerTask: integer(1, 1_000, "kernel events a task may cost"),
  },
  size: { formula: "bigTasks", estimate: (o) => o.bigTasks },
  shrinkable: { bigTasks: 100 },
  setup(ctx) {
    const { bigTasks, maxEventsPerTask } = ctx.options;
    const problems: string[] = [];
    ctx.main(
      "scale",
      (function* () {
        for (const [count, limit] of [
          [100, 10],
          [1000, 100],
          [bigTasks, 1000],
        ] as const) {
          const rng = ctx.rng.fork(`scale-${count}`);
          const durations = Array.from({ length: count }, () => rng.int(ms(1), ms(100)));
          const events0 = kernelOf().events;
          const t0 = now();
          const r = yield* runParallel(sleepers(durations, newProbe()), { maxConcurrent: limit });
          const events = kernelOf().events - events0;
          const want = predictFifo(
            durations.map((d) => ({ submitAtUs: t0, holdUs: d })),
            limit,
          );
          if (r.succeeded !== count || r.results.some((x, i) => x.output !== i))
            problems.push(`${count} tasks: ${r.succeeded} succeeded`);
          if (want.some((w, i) => r.results[i]!.endedAtUs !== w.endUs))
            problems.push(`${count} tasks: schedule differs from FIFO`);
          if (events > maxEventsPerTask * count)
            problems.push(`${count} tasks: ${events} events (${(events / count).toFixed(1)} per task)`);
          ctx.metric(`eventsPerTask.${count}`, Math.round((events / count) * 100) / 100);
        }
      })(),
    );
    ctx.check("every task completes on the FIFO schedule with bounded events per task", () =>
      problems.length === 0 ? null : problems.slice(0, 1000).join("; "),
    );
  },
});

export const spawnSpeedup = defineScenario({
  id: "spawn/speedup",
  title: "Parallel execution takes under 50% of serial time",
  description:
    "First the plan's figures: ten 100 ms agents take exactly 1,000 ms of virtual time serially (max_concurrent=1), exactly 200 ms with max_concurrent=5 (two batches) and 100 ms with 10. " +
    "Then `jitteredRounds` rounds of `tasks` agents whose durations are drawn around `taskMs` (± `jitterMs`): each run must take exactly its FIFO makespan, and the max_concurrent=5 run under half the serial time.",
  covers: ["SPAWN-25"],
  options: { tasks: 10, taskMs: 100, jitterMs: 50, jitteredRounds: 10 },
  schema: {
    tasks: integer(1, 10_000, "agents in each jittered round"),
    taskMs: duration("1ms", "1h", "mean agent duration in the jittered rounds"),
    jitterMs: duration("0ms", "1h", "largest deviation from taskMs"),
    jitteredRounds: integer(0, 10_000, "jittered rounds after the plan's fixed figures"),
  },
  size: { formula: "jitteredRounds × tasks", estimate: (o) => o.jitteredRounds * o.tasks },
  shrinkable: { tasks: 2, jitteredRounds: 0 },
  setup(ctx) {
    const { tasks, taskMs, jitterMs, jitteredRounds } = ctx.options;
    const rng = ctx.rng.fork("durations");
    const plan = Array.from({ length: 10 }, () => ms(100));
    const rounds = [
      plan,
      ...Array.from({ length: jitteredRounds }, () =>
        Array.from({ length: tasks }, () => rng.jitter(ms(taskMs), ms(jitterMs))),
      ),
    ];
    const took: Record<number, Micros>[] = [];
    ctx.main(
      "timing",
      (function* () {
        for (const durations of rounds) {
          const row: Record<number, Micros> = {};
          for (const max of [1, 5, 10]) {
            const t0 = now();
            yield* runParallel(sleepers(durations, newProbe()), { maxConcurrent: max });
            row[max] = now() - t0;
          }
          took.push(row);
        }
      })(),
    );
    ctx.check("the plan's ten 100 ms agents take 1,000 / 200 / 100 ms at max_concurrent 1 / 5 / 10", () => {
      const t = took[0];
      return t?.[1] === ms(1000) && t[5] === ms(200) && t[10] === ms(100) ? null : `took ${JSON.stringify(t)}`;
    });
    ctx.check("every run takes exactly its FIFO makespan", () => {
      for (const [r, durations] of rounds.entries()) {
        for (const max of [1, 5, 10]) {
          const want = Math.max(
            ...predictFifo(
              durations.map((d) => ({ submitAtUs: 0, holdUs: d })),
              max,
            ).map((p) => p.endUs),
          );
          if (took[r]?.[max] !== want) return `round ${r} max ${max}: took ${took[r]?.[max]}us, expected ${want}us`;
        }
      }
      return null;
    });
    ctx.check("parallel (max 5) takes under 50% of serial time", () => {
      const bad = took.findIndex((t) => !(t[5]! * 2 < t[1]!));
      return bad < 0 ? null : `round ${bad}: parallel ${took[bad]![5]}us vs serial ${took[bad]![1]}us`;
    });
    ctx.onFinish(() => {
      for (const [max, us] of Object.entries(took[0] ?? {})) ctx.metric(`elapsedMs.max${max}`, us / 1000);
    });
  },
});
