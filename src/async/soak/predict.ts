// The schedule a FIFO, work-conserving worker must produce, computed without the
// runtime: each task, in submission order, takes the slot that frees first (never
// before it was submitted, never before the task ahead of it started). Soak scenarios
// whose draws fix every duration compare each task's real start and end with this.

export interface PlannedRun {
  submitAtUs: number;
  /** How long the task holds its slot (its body time, cut by a timeout or a cancel). */
  holdUs: number;
}

export interface PredictedRun {
  startUs: number;
  endUs: number;
}

export function predictFifo(runs: readonly PlannedRun[], slots: number): PredictedRun[] {
  const free: number[] = Array.from({ length: slots }, () => 0);
  const out: PredictedRun[] = [];
  let lastStart = 0;
  for (const run of runs) {
    let best = 0;
    for (let s = 1; s < free.length; s++) if (free[s]! < free[best]!) best = s;
    const startUs = Math.max(run.submitAtUs, free[best]!, lastStart);
    const endUs = startUs + run.holdUs;
    free[best] = endUs;
    lastStart = startUs;
    out.push({ startUs, endUs });
  }
  return out;
}
