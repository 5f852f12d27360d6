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

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Rounds of (bare, hold, processes) run back to back, after one warm-up round. On a
 * shared VM the machine's speed drifts; a ratio taken within one round cancels most of
 * that drift, and the median of the rounds' ratios is what we report.
 */
export function kernelBenchmarks(options: { events?: number; repeats?: number } = {}): BenchRow[] {
  const events = options.events ?? 3_000_000;
  const repeats = options.repeats ?? 5;
  const delays = makeDelays();
  const rows: BenchRow[] = [];
  for (const pending of [1_000, 100_000]) {
    const times = { bare: [] as number[], hold: [] as number[], procs: [] as number[] };
    for (let round = 0; round <= repeats; round++) {
      const bare = time(() => bareHoldLoop(pending, events, delays));
      const hold = kernelHold(pending, events, delays);
      const procs = kernelProcesses(pending, events, delays);
      if (round === 0) continue; // warm-up
      times.bare.push(bare);
      times.hold.push(hold);
      times.procs.push(procs);
    }
    const ratio = (kernel: number[]) => median(kernel.map((k, i) => times.bare[i]! / k));
    const row = (name: string, samples: number[], r: number | null): BenchRow => {
      const wallMs = median(samples);
      return {
        name,
        pending,
        events,
        wallMs: Math.round(wallMs * 10) / 10,
        eventsPerSec: Math.round(events / (wallMs / 1000)),
        ratioToBare: r === null ? null : Math.round(r * 100) / 100,
      };
    };
    rows.push(
      row("bare typed-array loop", times.bare, null),
      row("kernel hold model (timers, trace on)", times.hold, ratio(times.hold)),
      row("kernel generator processes (trace on)", times.procs, ratio(times.procs)),
    );
  }
  return rows;
}
