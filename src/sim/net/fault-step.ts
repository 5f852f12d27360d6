// A fault schedule is plain data: a list of steps, each at a virtual millisecond. The
// schedule a run actually applied (scripted steps and random draws alike) is part of its
// RunResult, so a repro file can replay it exactly and `simctl shrink` can minimise it
// (drop steps, shorten `durationMs`, move `atMs` earlier).

export interface FaultStep {
  /** Virtual time in whole milliseconds from the start of the run. */
  atMs: number;
  /** partition, heal, clog, unclog, crash, restart, pause, resume, clock-offset, ... */
  action: string;
  /** For faults that undo themselves (clog for a while, pause for a while). */
  durationMs?: number;
  /** Action-specific fields: nodes, from/to sets, dcs, rates, offsets. JSON values only. */
  [field: string]: unknown;
}
