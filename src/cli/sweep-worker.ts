// A sweep worker thread: loads the compiled scenarios, then runs the batches of seeds
// the pool sends, posting each seed's outcome as soon as it has one (so the pool always
// knows which seed is running, should this thread die or hang). Exceptions inside a
// seed become outcomes (runSeed); only a failure to start is reported as fatal.

import { parentPort, workerData } from "node:worker_threads";
import { findScenario, type RunRequest } from "../scenarios/index.js";
import { runSeed } from "../repro/run-seed.js";
import type { SeedOutcome } from "../repro/sweep-summary.js";

export interface WorkerSetup {
  scenario: string;
  base: Omit<RunRequest, "seed" | "traceListener">;
  /** Report each seed's coverage marks (sweep --coverage). */
  coverage?: boolean;
}

export type ToWorker = { seeds: number[] };
export type FromWorker = { outcome: SeedOutcome } | { fatal: string };

const port = parentPort;
if (port !== null) {
  const setup = workerData as WorkerSetup;
  const scenario = findScenario(setup.scenario);
  if (scenario === undefined) {
    port.postMessage({
      fatal: `worker: unknown scenario ${setup.scenario} (is dist/ stale? run npm run build)`,
    } satisfies FromWorker);
  } else {
    port.on("message", (msg: ToWorker) => {
      for (const seed of msg.seeds)
        port.postMessage({
          outcome: runSeed(scenario, setup.base, seed, setup.coverage === true),
        } satisfies FromWorker);
    });
  }
}
