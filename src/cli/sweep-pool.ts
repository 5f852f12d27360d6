// The pool of sweep worker threads. Workers run the compiled code in dist/ (from the
// CLI and from tests alike), pull batches of seeds as they finish the last one, and
// stream one outcome per seed back. Each worker has a heap limit (resourceLimits), so a
// seed that runs out of memory kills only its worker: it becomes an `oom` outcome. A seed
// past the wall-clock limit becomes a `hang` outcome; a worker that dies otherwise blames
// its seed with an exception outcome. Either way the rest of the dead worker's batch goes
// back in the queue and a fresh worker takes over: one bad seed never sinks the sweep.
// stop() (Ctrl-C) terminates every worker; seeds still running are simply not reported.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { violationSignature } from "../repro/signature.js";
import { exceptionOutcome, type SeedOutcome } from "../repro/sweep-summary.js";
import { unfinishedMessage } from "../repro/unfinished.js";
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
  /** Heap limit of each worker thread, in MB (null: Node's default). */
  memoryMb: number | null;
  /** Aborting terminates every worker; the promise then resolves with what was reported. */
  signal?: AbortSignal;
  /** The worker script; tests substitute one that crashes, hangs or runs out of memory. */
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

/** An outcome for a seed that left no run: past its wall-clock or memory limit. */
export function unfinishedOutcome(seed: number, verdict: "hang" | "oom", limit: number): SeedOutcome {
  const message = unfinishedMessage(
    verdict === "hang" ? { verdict, wallTimeoutMs: limit } : { verdict, memoryMb: limit },
  );
  const violation = { check: verdict, message, nodes: [] };
  return {
    seed,
    verdict,
    events: 0,
    virtualTimeUs: 0,
    traceHash: "",
    signature: violationSignature(violation),
    ...violation,
  };
}

class Pool {
  private readonly batchSize: number;
  private readonly requeued: number[] = [];
  private readonly workers = new Set<Worker>();
  private live = 0;
  private stopped = false;

  constructor(
    private readonly options: PoolOptions,
    private readonly workerPath: string,
    private readonly resolve: () => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.batchSize = Math.max(1, Math.min(32, Math.ceil(options.total / (options.threads * 16))));
  }

  start(): void {
    this.options.signal?.addEventListener("abort", () => this.stop(), { once: true });
    if (this.options.signal?.aborted) this.stopped = true;
    for (let i = 0; i < Math.max(1, Math.min(this.options.threads, this.options.total)); i++) this.spawnIfWork();
    if (this.live === 0) this.resolve();
  }

  /** Ends the sweep where it stands: every worker is terminated, nothing more is reported. */
  private stop(): void {
    this.stopped = true;
    for (const w of this.workers) void w.terminate();
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
    const first = this.stopped ? [] : this.nextBatch();
    if (first.length === 0) return;
    this.live++;
    this.spawn(first);
  }

  private spawn(first: number[]): void {
    let pending: number[] = [];
    let blame: ((seed: number) => SeedOutcome) | null = null;
    let watchdog: NodeJS.Timeout | undefined;
    const { memoryMb, seedTimeoutMs } = this.options;
    const limits = memoryMb === null ? {} : { resourceLimits: { maxOldGenerationSizeMb: memoryMb } };
    const worker = new Worker(this.workerPath, { workerData: this.options.setup, ...limits });
    this.workers.add(worker);
    const arm = (): void => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        blame = (seed) => unfinishedOutcome(seed, "hang", seedTimeoutMs);
        void worker.terminate();
      }, seedTimeoutMs);
    };
    const send = (seeds: number[]): void => {
      pending = [...seeds];
      arm();
      worker.postMessage({ seeds } satisfies ToWorker);
    };
    worker.on("message", (msg: FromWorker) => this.onMessage(worker, msg, () => pending, send, arm));
    worker.on("error", (error: Error & { code?: string }) => {
      blame ??=
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? (seed) => unfinishedOutcome(seed, "oom", memoryMb ?? 0)
          : (seed) => exceptionOutcome(seed, `worker crashed: ${error.message}`);
    });
    worker.on("exit", () => {
      clearTimeout(watchdog);
      this.workers.delete(worker);
      this.live--;
      // The seed it was running takes the blame; the rest of its batch runs elsewhere.
      const [culprit, ...rest] = pending;
      if (culprit !== undefined && !this.stopped) {
        this.options.onOutcome(blame?.(culprit) ?? exceptionOutcome(culprit, "worker exited unexpectedly"));
        this.requeued.unshift(...rest);
      }
      this.spawnIfWork();
      if (this.live === 0) this.resolve();
    });
    send(first);
  }

  private onMessage(
    worker: Worker,
    msg: FromWorker,
    pending: () => number[],
    send: (seeds: number[]) => void,
    arm: () => void,
  ): void {
    if ("fatal" in msg) {
      this.stop();
      this.reject(new PoolError(msg.fatal));
      return;
    }
    if (this.stopped) return;
    pending().shift();
    this.options.onOutcome(msg.outcome);
    arm();
    if (pending().length > 0) return;
    const more = this.nextBatch();
    if (more.length > 0) send(more);
    else void worker.terminate();
  }
}
