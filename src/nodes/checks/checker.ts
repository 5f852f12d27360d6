// What every global checker of a cluster run is: it watches node events (src/nodes/events.ts)
// and host state changes one by one, keeps incremental state (small, per-job records dropped
// when they cannot matter any more, and at the latest by forgetJob), reports a violation the
// moment one happens, and may add end-of-run obligations. Checkers live outside the nodes: they never read node fields,
// only events and, at the end of a run, `view()` snapshots.

import type { EmitDetail } from "../../sim/index.js";
import type { GateConfig, ManagerConfig, WorkerConfig } from "../config.js";

export type ViolationSink = (check: string, message: string, nodes: string[]) => void;

export type HostState = "up" | "down" | "paused";

/** What the checkers know of the run's configuration, from the scenario (never from the nodes). */
export interface CheckerContext {
  readonly sink: ViolationSink;
  readonly gate: GateConfig;
  readonly manager: ManagerConfig;
  readonly worker: WorkerConfig;
  /** Configured voters per election group ("global" for the gates, the DC name for its managers). */
  readonly groupSizes: ReadonlyMap<string, number>;
  /** The role of each node id. */
  readonly roles: ReadonlyMap<string, string>;
}

/** A read-only snapshot of a node's per-job state (see each node's `view()`), for end-of-run checks. */
export interface PerJobView {
  /** Per-job entries that must be gone once every job is over and past its retention, by structure. */
  readonly perJob: Readonly<Record<string, readonly string[]>>;
  /** Cores a worker has in use, and the cores of the runs it holds (workers only). */
  readonly coresInUse?: number;
  readonly runCores?: number;
}

export interface EndOfRun {
  nowUs: number;
  /** The run healed and had its liveness budget: every obligation must hold by now. */
  settled: boolean;
  /** Every job was deleted after its retention before the run ended (the scenario waited for it). */
  cleanedUp: boolean;
  isUp(node: string): boolean;
  /** The node's per-job view, or null while it is down. */
  viewOf(node: string): PerJobView | null;
}

export interface Checker {
  observe(node: string, kind: string, d: EmitDetail, atUs: number): void;
  host?(node: string, state: HostState, atUs: number): void;
  finish?(end: EndOfRun): void;
  /** Why the run has not converged yet (liveness), or null. */
  pending?(): string | null;
  /**
   * The job ended everywhere a while ago (checked-jobs.ts: its window passed with no event
   * about it): drop whatever is kept for it. A later event about it starts afresh. This is
   * what bounds a checker's memory by the jobs in flight, whatever faults the run had.
   */
  forgetJob?(job: string): void;
}

export function str(d: EmitDetail, key: string): string {
  const v = d[key];
  return typeof v === "string" ? v : String(v);
}

export function num(d: EmitDetail, key: string): number {
  const v = d[key];
  return typeof v === "number" ? v : Number(v);
}

/** ⌊n/2⌋ + 1: computed here, not taken from the nodes, so a node's own arithmetic is checked. */
export function majorityOf(n: number): number {
  return Math.floor(n / 2) + 1;
}

export function inner<K, V>(map: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let m = map.get(key);
  if (m === undefined) {
    m = new Map();
    map.set(key, m);
  }
  return m;
}
