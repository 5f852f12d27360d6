// Task bodies shared by the spawn/* runner scenarios: each sleeps its duration, returns
// its index, and counts itself in a probe (active now, peak, start order, end times).

import { now, sleep, type Micros, type Proc } from "../../sim/index.js";
import type { ParallelTask } from "../../async/parallel-runner.js";

export interface Probe {
  active: number;
  peak: number;
  starts: number[];
  ends: Micros[];
}

export const newProbe = (): Probe => ({ active: 0, peak: 0, starts: [], ends: [] });

/** Tasks that sleep their duration and return their index; the probe counts them as they run. */
export function sleepers(durations: readonly Micros[], probe: Probe): ParallelTask<number>[] {
  return durations.map((d, i) => ({
    id: `agent-${i}`,
    run: function* (): Proc<number> {
      probe.starts.push(i);
      probe.peak = Math.max(probe.peak, ++probe.active);
      try {
        yield* sleep(d);
        return i;
      } finally {
        probe.active--;
        probe.ends[i] = now();
      }
    },
  }));
}
