// The pool of sweep worker threads. Workers run the compiled code in dist/ (from the
// CLI and from tests alike), pull batches of seeds as they finish the last one, and
// stream one outcome per seed back. If a worker dies, or a seed runs past the wall-clock
// limit, the seed it was running becomes a grouped failure, the rest of its batch goes
// back in the queue and a fresh worker takes over: one bad seed never sinks the sweep.

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
  /** Wall-clock limit for one seed, in ms. */
  seedTimeoutMs: number;
  /** The worker script; tests substitute one that crashes or hangs. */
  workerPath?: string;
}

export class PoolError extends Error {
  override readonly name = "PoolError";
}

export function runPool(options: PoolOptions): Promise<void> {
  const workerPath = options.workerPath ?? WORKER_PATH;
  if (!existsSync(workerPath))
    return Promise.reject(new PoolError(`sweep workers need the compiled CLI (${workerPath}): run npm run build`));
  return new Promise((resolve, reject) => new Pool(options, workerPath, resolve, reject).start());
}

class Pool {
  private readonly batchSize: number;
  private readonly requeued: number[] = [];
  private live = 0;
  private fatal = false;

  constructor(
    private readonly options: PoolOptions,
    private readonly workerPath: string,
    private readonly resolve: () => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.batchSize = Math.max(1, Math.min(32, Math.ceil(options.total / (options.threads * 16))));
  }

  start(): void {
    for (let i = 0; i < Math.max(1, Math.min(this.options.threads, this.options.total)); i++) this.spawnIfWork();
    if (this.live === 0) this.resolve();
  }

  private nextBatch(): number[] {
    const seeds = this.requeued.splice(0, this.batchSize);
    while (seeds.length < this.batchSize) {
      const r = this.options.seeds.next();
      if (r.done) break;
      seeds.push(r.value);
    }
    return seeds;
  }

  private spawnIfWork(): void {
    const first = this.fatal ? [] : this.nextBatch();
    if (first.length === 0) return;
    this.live++;
    this.spawn(first);
  }

  private spawn(first: number[]): void {
    let pending: number[] = [];
    let blame: string | null = null;
    let watchdog: NodeJS.Timeout | undefined;
    const worker = new Worker(this.workerPath, { workerData: this.options.setup });
    const arm = (): void => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        blame = `seed ran longer than the ${Math.round(this.options.seedTimeoutMs / 1000)} s wall-clock limit (hung?)`;
        void worker.terminate();
      }, this.options.seedTimeoutMs);
    };
    const send = (seeds: number[]): void => {
      pending = [...seeds];
      arm();
      worker.postMessage({ seeds } satisfies ToWorker);
    };
    worker.on("message", (msg: FromWorker) => {
      if ("fatal" in msg) {
        this.fatal = true;
        pending = [];
        void worker.terminate();
        this.reject(new PoolError(msg.fatal));
        return;
      }
      pending.shift();
      this.options.onOutcome(msg.outcome);
      arm();
      if (pending.length > 0) return;
      const more = this.fatal ? [] : this.nextBatch();
      if (more.length > 0) send(more);
      else void worker.terminate();
    });
    worker.on("error", (error) => (blame = `worker crashed: ${error.message}`));
    worker.on("exit", () => {
      clearTimeout(watchdog);
      this.live--;
      // The seed it was running takes the blame; the rest of its batch runs elsewhere.
      const [culprit, ...rest] = pending;
      if (culprit !== undefined) {
        this.options.onOutcome(exceptionOutcome(culprit, blame ?? "worker exited unexpectedly"));
        this.requeued.unshift(...rest);
      }
      this.spawnIfWork();
      if (this.live === 0 && !this.fatal) this.resolve();
    });
    send(first);
  }
}
