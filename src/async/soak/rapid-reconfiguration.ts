// SOAK-5 rapid reconfiguration: one worker is cycled many times — start with a drawn
// concurrency, take a burst, shut down (drain or cancel) at a drawn instant, restart
// with another concurrency. Every cycle must tear down cleanly: no slot or resource
// left held, every task of the cycle ended, submissions refused once shutdown began,
// drain lets everything finish, cancel ends the cycle at the shutdown instant.

import { Histogram } from "../histogram.js";
import { ms, now, sleep, spawn, join, type Proc } from "../../sim/index.js";
import { WorkerNotRunning, type AsyncWorkerLike } from "../worker-types.js";
import { commonChecks } from "./checks.js";
import { makeWorker, type SoakEnv } from "./env.js";
import { addCounts, emptyCounts, type ScenarioReport, type SoakCheck } from "./report.js";
import { SoakTracker } from "./tracker.js";

interface CycleResult {
  checks: SoakCheck[];
  tracker: SoakTracker;
}

export function* rapidReconfiguration(env: SoakEnv): Proc<ScenarioReport> {
  const rng = env.rng;
  const cycles = rng.int(4, 10);
  const worker = makeWorker(env, "rapid-reconfiguration", rng.int(1, 8));
  const results: CycleResult[] = [];
  let maxLimit = 0;
  for (let cycle = 0; cycle < cycles; cycle++) {
    const limit = rng.int(1, 8);
    maxLimit = Math.max(maxLimit, limit);
    results.push(yield* runCycle({ env, worker, limit, cycle }));
  }
  const counts = emptyCounts();
  const latency = new Histogram();
  for (const r of results) {
    addCounts(counts, r.tracker.counts());
    latency.merge(r.tracker.latency);
  }
  return {
    scenario: "rapid-reconfiguration",
    iteration: env.iteration,
    counts,
    latency,
    checks: mergeChecks(results.map((r) => r.checks)),
    peakRunning: Math.max(...results.map((r) => r.tracker.peakRunning)),
    concurrencyLimit: maxLimit,
  };
}

function* runCycle(input: { env: SoakEnv; worker: AsyncWorkerLike; limit: number; cycle: number }): Proc<CycleResult> {
  const { env, worker, limit, cycle } = input;
  const rng = env.rng;
  worker.start({ concurrency: limit });
  const statsBefore = worker.stats();
  const tracker = new SoakTracker();
  const taskCount = rng.int(1, limit * 3);
  for (let index = 0; index < taskCount; index++)
    tracker.submit(worker, { index, durationUs: rng.int(ms(1), ms(50)), fails: rng.chance(1, 8) });
  const mode = rng.pick(["drain", "cancel"] as const);
  yield* sleep(rng.int(0, ms(60)));
  const shutdownAtUs = now();
  const openAtShutdown = tracker.records.filter((r) => r.handle.outcome === null);
  const stopper = spawn(`reconfigure-${cycle}-shutdown`, worker.shutdown({ mode }));
  yield* sleep(0); // let the shutdown begin, then try to sneak a task in
  let refused = false;
  try {
    worker.submit(function* () {
      return 0;
    });
  } catch (error) {
    refused = error instanceof WorkerNotRunning;
  }
  yield* join(stopper);
  const stoppedAtUs = now();
  yield* tracker.awaitAll();
  const latest = Math.max(
    shutdownAtUs,
    ...tracker.records.map((r) => r.handle.outcome?.atUs ?? Number.POSITIVE_INFINITY),
  );
  const checks: SoakCheck[] = [
    ...commonChecks({ tracker, worker, limit, statsBefore, counts: tracker.counts() }),
    {
      name: "the worker is stopped after shutdown",
      problem: worker.state === "stopped" ? null : `state ${worker.state}`,
    },
    {
      name: "submissions are refused once shutdown has begun",
      problem: refused ? null : "a submit during shutdown was accepted",
    },
    mode === "drain"
      ? {
          name: "drain lets every open task finish and stops when the last one ends",
          problem: drainProblem(
            openAtShutdown.map((r) => r.handle.outcome?.status ?? "open"),
            stoppedAtUs,
            latest,
          ),
        }
      : {
          name: "cancel stops at the shutdown instant, cancelling every open task",
          // A task whose body ended at that very instant, before the shutdown ran, may finish.
          problem: cancelProblem(
            openAtShutdown
              .filter((r) => r.handle.outcome?.atUs !== shutdownAtUs || r.handle.outcome.status === "cancelled")
              .map((r) => r.handle.outcome?.status ?? "open"),
            stoppedAtUs,
            shutdownAtUs,
          ),
        },
  ];
  return {
    checks: checks.map((c) => ({
      name: c.name,
      problem: c.problem === null ? null : `cycle ${cycle} (limit ${limit}, ${mode}): ${c.problem}`,
    })),
    tracker,
  };
}

function drainProblem(statuses: string[], stoppedAtUs: number, latestEndUs: number): string | null {
  const cut = statuses.filter((s) => s === "cancelled" || s === "open");
  if (cut.length > 0) return `${cut.length} open task(s) were cut short by a drain`;
  return stoppedAtUs === latestEndUs ? null : `stopped at ${stoppedAtUs}, last task ended at ${latestEndUs}`;
}

function cancelProblem(statuses: string[], stoppedAtUs: number, shutdownAtUs: number): string | null {
  const survivors = statuses.filter((s) => s !== "cancelled");
  if (survivors.length > 0)
    return `${survivors.length} open task(s) were not cancelled (${survivors.slice(0, 3).join(", ")})`;
  return stoppedAtUs === shutdownAtUs ? null : `shutdown began at ${shutdownAtUs} but stopped at ${stoppedAtUs}`;
}

/** One check per name; the problems of every cycle joined. */
function mergeChecks(perCycle: SoakCheck[][]): SoakCheck[] {
  const byName = new Map<string, string[]>();
  for (const checks of perCycle) {
    for (const c of checks) {
      const list = byName.get(c.name) ?? [];
      if (c.problem !== null) list.push(c.problem);
      byName.set(c.name, list);
    }
  }
  return [...byName].map(([name, problems]) => ({
    name,
    problem: problems.length === 0 ? null : problems.slice(0, 3).join(" | "),
  }));
}
