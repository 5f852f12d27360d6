// Finding where two runs part ways. Checkpoint hashes (one per `every` records) narrow
// it to a window; the window's records, captured by rerunning with a trace listener,
// name the first event that differs on each side.

import { formatTime, type TraceRecord } from "../sim/index.js";
import { runScenario, type RunRequest, type ScenarioDef } from "../scenarios/index.js";

export interface TraceSummary {
  traceHash: string;
  checkpoints: readonly string[];
}

/** Records [from, to) of the trace; the first checkpoint index that differs (-1: none). */
export interface Window {
  checkpoint: number;
  from: number;
  to: number;
}

/** Null when the two traces are identical; otherwise the first window that differs. */
export function divergentWindow(a: TraceSummary, b: TraceSummary, every: number): Window | null {
  if (
    a.traceHash === b.traceHash &&
    a.checkpoints.length === b.checkpoints.length &&
    a.checkpoints.every((c, i) => c === b.checkpoints[i])
  )
    return null;
  const common = Math.min(a.checkpoints.length, b.checkpoints.length);
  for (let i = 0; i < common; i++) {
    if (a.checkpoints[i] !== b.checkpoints[i]) return { checkpoint: i, from: i * every, to: (i + 1) * every };
  }
  // Every shared checkpoint agrees: the difference lies after the last one.
  return { checkpoint: -1, from: common * every, to: (common + 1) * every };
}

/** Reruns `request` and keeps the records of [from, to). */
export function captureWindow(scenario: ScenarioDef, request: RunRequest, window: Window): TraceRecord[] {
  const records: TraceRecord[] = [];
  runScenario(scenario, {
    ...request,
    traceListener: (r) => {
      if (r.index >= window.from && r.index < window.to) records.push(r);
    },
  });
  return records;
}

export type DifferenceShape = "changed" | "extra" | "missing";

export interface Difference {
  index: number;
  a: TraceRecord | null;
  b: TraceRecord | null;
  /** extra: b has an event a lacks; missing: b lacks a's event; changed: both differ. */
  shape: DifferenceShape;
}

/** The first position where the two record lists differ, or null if they agree. */
export function firstDifference(a: readonly TraceRecord[], b: readonly TraceRecord[]): Difference | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x !== null && y !== null && sameRecord(x, y)) continue;
    const index = x?.index ?? y!.index;
    if (x === null) return { index, a: null, b: y, shape: "extra" };
    if (y === null) return { index, a: x, b: null, shape: "missing" };
    // One event inserted or dropped shows as the rest of the window shifted by one.
    const next = b[i + 1];
    const nextA = a[i + 1];
    if (next !== undefined && sameRecord(x, next)) return { index, a: x, b: y, shape: "extra" };
    if (nextA !== undefined && sameRecord(nextA, y)) return { index, a: x, b: y, shape: "missing" };
    return { index, a: x, b: y, shape: "changed" };
  }
  return null;
}

export function sameRecord(x: TraceRecord, y: TraceRecord): boolean {
  return (
    x.atUs === y.atUs &&
    x.seq === y.seq &&
    x.kind === y.kind &&
    x.node === y.node &&
    x.peer === y.peer &&
    x.type === y.type &&
    x.digest === y.digest
  );
}

/** `#4411 at 00:00:01.011484 seq 4402 node dc1-mgr-2 kind msg.recv type JobAssign peer gate-1`. */
export function describeRecord(r: TraceRecord | null): string {
  if (r === null) return "(no event: the run had ended)";
  const parts = [
    `#${r.index}`,
    `at ${formatTime(r.atUs)}`,
    `seq ${r.seq}`,
    `node ${r.node || "-"}`,
    `kind ${r.kind || "-"}`,
    `type ${r.type || "-"}`,
  ];
  if (r.peer !== "") parts.push(`peer ${r.peer}`);
  parts.push(`digest ${r.digest.toString(16).padStart(8, "0")}`);
  return parts.join(" ");
}

export function describeShape(d: Difference, aName: string, bName: string): string {
  switch (d.shape) {
    case "extra":
      return `${bName} has an event ${aName} does not`;
    case "missing":
      return `${bName} lacks an event ${aName} has`;
    case "changed":
      return "the events differ";
  }
}
