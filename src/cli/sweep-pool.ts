// The pool of sweep worker threads. Workers run the compiled code in dist/ (from the
// CLI and from tests alike), pull batches of seeds as they finish the last one, and
// stream outcomes back. A worker that dies turns its unfinished seeds into grouped
// "exception" failures and is replaced, so one bad seed never crashes the sweep.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { exceptionOutcome, type SeedOutcome } from "../repro/sweep-summary.js";
import type { FromWorker, ToWorker, WorkerSetup } from "./sweep-worker.js";

/** dist/cli/sweep-worker.js, found the same way from src/cli (tests) and dist/cli. */
export const WORKER_PATH = fileURLToPath(new URL("../../dist/cli/sweep-worker.js", import.meta.url));

export interface PoolOptions {
  threads: number;
  setup: WorkerSetup;
  seeds: Iterator<number>;
  total: number;
  onOutcome: (outcome: SeedOutcome) => void;
}

export class PoolError extends Error {
  override readonly name = "PoolError";
}

export function runPool(options: PoolOptions): Promise<void> {
  if (!existsSync(WORKER_PATH)) return Promise.reject(new PoolError(`sweep workers need the compiled CLI (${WORKER_PATH}): run npm run build`));
  const batch = Math.max(1, Math.min(32, Math.ceil(options.total / (options.threads * 16))));
  const threads = Math.max(1, Math.min(options.threads, options.total));
  return new Promise((resolve, reject) => {
    let live = 0;
    let failed = false;
    const next = (): number[] => {
      const seeds: number[] = [];
      for (let r = options.seeds.next(); !r.done; r = options.seeds.next()) {
        seeds.push(r.value);
        if (seeds.length >= batch) break;
      }
      return seeds;
    };
    const start = (): void => {
      const first = next();
      if (first.length === 0) return;
      live++;
      let pending = first;
      const worker = new Worker(WORKER_PATH, { workerData: options.setup });
      const send = (seeds: number[]): void => {
        pending = seeds;
        worker.postMessage({ seeds } satisfies ToWorker);
      };
      worker.on("message", (msg: FromWorker) => {
        if ("fatal" in msg) {
          failed = true;
          void worker.terminate();
          reject(new PoolError(msg.fatal));
          return;
        }
        for (const o of msg.outcomes) options.onOutcome(o);
        const more = failed ? [] : next();
        if (more.length > 0) send(more);
        else {
          pending = [];
          void worker.terminate();
        }
      });
      worker.on("error", (error) => {
        // The seeds in flight get the blame; the pool goes on with a fresh worker.
        for (const seed of pending) options.onOutcome(exceptionOutcome(seed, new Error(`worker crashed: ${error.message}`)));
        pending = [];
      });
      worker.on("exit", () => {
        live--;
        if (pending.length > 0) for (const seed of pending) options.onOutcome(exceptionOutcome(seed, new Error("worker exited unexpectedly")));
        pending = [];
        if (!failed) start();
        if (live === 0 && !failed) resolve();
      });
      send(first);
    };
    for (let i = 0; i < threads; i++) start();
    if (live === 0) resolve();
  });
}
