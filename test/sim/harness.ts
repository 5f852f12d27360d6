// Shared scaffolding for kernel tests: build a kernel, spawn root processes, run it,
// and keep a log of (virtual time, text) lines that the assertions read.

import {
  Kernel,
  type Proc,
  type RunLimits,
  type RunOutcome,
  type SpawnOptions,
  type Task,
} from "../../src/sim/index.js";

export interface World {
  kernel: Kernel;
  /** `[atUs, text]` entries in the order they happened. */
  log: [number, string][];
  /** Appends `text` at the current virtual time. */
  note(text: string): void;
  spawn<T>(name: string, proc: Proc<T>, options?: SpawnOptions): Task<T>;
  run(limits?: RunLimits): RunOutcome;
}

export function world(): World {
  const kernel = new Kernel();
  const log: [number, string][] = [];
  return {
    kernel,
    log,
    note: (text) => log.push([kernel.now, text]),
    spawn: (name, proc, options = {}) => kernel.spawn(name, proc, { parent: null, ...options }),
    run: (limits = {}) => kernel.run(limits),
  };
}

/** The texts of a log, dropping times. */
export function texts(log: readonly [number, string][]): string[] {
  return log.map(([, text]) => text);
}

/** A generator that yields nothing and returns `value` (for procs that end at once). */
export function* value<T>(v: T): Proc<T> {
  return v;
}
