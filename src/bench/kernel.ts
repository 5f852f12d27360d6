// Kernel benchmarks: (a) a timer-only hold model and (b) generator processes, each with
// trace hashing on (it always is), at 1,000 and 100,000 pending events, reported as a
// ratio to the bare loop measured in the same run.

import { performance } from "node:perf_hooks";
import { Kernel } from "../sim/kernel.js";
import type { Proc } from "../sim/process.js";
import { bareHoldLoop } from "./bare-loop.js";

export interface BenchRow {
  name: string;
  pending: number;
  events: number;
  wallMs: number;
  eventsPerSec: number;
  ratioToBare: number | null;
}

/** Integer delays (µs) drawn once from a fixed LCG, shared by every loop so they do the same work. */
export function makeDelays(count = 65536): Float64Array {
  const delays = new Float64Array(count);
  let x = 12345;
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    delays[i] = 1 + (x % 1000);
  }
  return delays;
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export function kernelHold(pending: number, events: number, delays: Float64Array): number {
  return time(() => {
    const kernel = new Kernel();
    const mask = delays.length - 1;
    let n = 0;
    const tick = (): void => {
      kernel.after(delays[n++ & mask]!, tick);
    };
    for (let i = 0; i < pending; i++) kernel.after(delays[i & mask]!, tick);
    kernel.run({ maxEvents: events });
  });
}

export function kernelProcesses(pending: number, events: number, delays: Float64Array): number {
  return time(() => {
    const kernel = new Kernel();
    const mask = delays.length - 1;
    let n = 0;
    function* holder(): Proc<void> {
      for (;;) yield delays[n++ & mask]!;
    }
    for (let i = 0; i < pending; i++) kernel.spawn(`p${i}`, holder(), { daemon: true, parent: null });
    kernel.run({ maxEvents: events });
  });
}

/** Best of `repeats` (the least disturbed run), after one warm-up. */
function best(repeats: number, fn: () => number): number {
  fn();
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeats; i++) min = Math.min(min, fn());
  return min;
}

export function kernelBenchmarks(options: { events?: number; repeats?: number } = {}): BenchRow[] {
  const events = options.events ?? 3_000_000;
  const repeats = options.repeats ?? 3;
  const delays = makeDelays();
  const rows: BenchRow[] = [];
  for (const pending of [1_000, 100_000]) {
    const bare = best(repeats, () => time(() => bareHoldLoop(pending, events, delays)));
    const hold = best(repeats, () => kernelHold(pending, events, delays));
    const procs = best(repeats, () => kernelProcesses(pending, events, delays));
    const row = (name: string, wallMs: number, base: number | null): BenchRow => ({
      name,
      pending,
      events,
      wallMs: Math.round(wallMs * 10) / 10,
      eventsPerSec: Math.round(events / (wallMs / 1000)),
      ratioToBare: base === null ? null : Math.round((base / wallMs) * 100) / 100,
    });
    rows.push(row("bare typed-array loop", bare, null), row("kernel hold model (timers, trace on)", hold, bare), row("kernel generator processes (trace on)", procs, bare));
  }
  return rows;
}
