// Test scaffolding for the parts: run one root process in a fresh kernel and hand back
// what it returned (or threw), the kernel's final time and how the run stopped.

import { Kernel, type Proc, type RunOutcome } from "../../src/sim/index.js";

export interface Ran<T> {
  value: T | undefined;
  error: unknown;
  state: string;
  nowUs: number;
  outcome: RunOutcome;
  kernel: Kernel;
}

export function run<T>(body: () => Proc<T>): Ran<T> {
  const kernel = new Kernel();
  const task = kernel.spawn("test", body(), { parent: null, handled: true });
  task.onDone(() => kernel.stop());
  const outcome = kernel.run({ maxTimeUs: 1e13 });
  return { value: task.result, error: task.error, state: task.state, nowUs: kernel.now, outcome, kernel };
}

/** Like `run`, but fails the test if the process did not return normally. */
export function runOk<T>(body: () => Proc<T>): T {
  const r = run(body);
  if (r.state !== "done")
    throw new Error(
      `process ended ${r.state}: ${String(r.error)} (${r.outcome.failure?.message ?? "no kernel failure"})`,
    );
  return r.value as T;
}
