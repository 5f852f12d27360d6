// A gate's per-job state (PROTOCOL.md §3.3 gate side, §5.5, §5.16) and its replica form
// for peer gates (§5.13).

import type { GateJobReplica, JobFinalResult, JobOutcome, JobSpec, NodeId } from "../messages.js";

export type DcDispatchState = "dispatching" | "accepted" | "failed" | "reported";

export interface DcState {
  readonly dc: string;
  state: DcDispatchState;
  /** `jobDcManagers[job][dc]`: the DC's job leader once accepted. */
  manager: NodeId | null;
  /** The DC job leader's fence token; a transfer must carry a higher one. */
  managerFenceToken: number;
  result: JobFinalResult | null;
  /** The result was acked by an earlier leader gate and only reported to us (adoption). */
  inherited: boolean;
  lastProgressSequence: number;
  // Dispatch attempt cursor (§5.5).
  order: NodeId[];
  index: number;
  attempt: number;
  redirects: number;
  pending: NodeId | null;
  timer: number;
}

export interface GateJob {
  readonly spec: JobSpec;
  leaderGate: NodeId;
  fenceToken: number;
  readonly acceptedAtUs: number;
  status: "dispatching" | "running" | JobOutcome;
  readonly dcs: Map<string, DcState>;
  fallback: string[];
  terminalAtUs: number;
  resultAcked: boolean;
  /** Peer replicas only: set while the leader gate is dead and nobody adopted yet. */
  orphanedSinceUs: number;
  /** Peer replicas only: when the leader's last announcement arrived (local time). */
  announcedAtUs: number;
  /**
   * A restarted gate's led job while it re-acquires the job's lease: another gate may have
   * adopted (or finished) it meanwhile, so it does not act as its leader until then.
   */
  revalidating: boolean;
  /** While leading: the job lease runs out at this local time unless renewed (§3.18). */
  leaseExpiresUs: number;
  /** While leading: a finish round is waiting for a majority of gates (leases.ts "finish"). */
  finishing: boolean;
  /**
   * The ending this gate decided on, written before its finish round asks the peers (the
   * job log's write-ahead record): after a crash the gate completes that round rather than
   * deciding afresh, so the ending a majority may already have recorded is the one it keeps.
   */
  finishIntent: FinishIntent | null;
}

export interface FinishIntent {
  readonly status: JobOutcome;
  readonly error: string | null;
  readonly inherited: boolean;
}

export function newDcState(dc: string): DcState {
  return {
    dc,
    state: "dispatching",
    manager: null,
    managerFenceToken: 0,
    result: null,
    inherited: false,
    lastProgressSequence: 0,
    order: [],
    index: 0,
    attempt: 0,
    redirects: 0,
    pending: null,
    timer: -1,
  };
}

export function isTerminalStatus(s: GateJob["status"]): s is JobOutcome {
  return s === "completed" || s === "failed" || s === "cancelled" || s === "timeout";
}

export function toGateReplica(job: GateJob): GateJobReplica {
  const dcManagers: string[] = [];
  const targetDcs: string[] = [];
  for (const d of job.dcs.values()) {
    if (d.state === "failed") continue;
    targetDcs.push(d.dc);
    if (d.manager !== null) dcManagers.push(`${d.dc}=${d.manager}`);
  }
  return {
    job: job.spec,
    leaderGate: job.leaderGate,
    fenceToken: job.fenceToken,
    acceptedAtUs: job.acceptedAtUs,
    targetDcs,
    dcManagers,
    terminal: isTerminalStatus(job.status),
    outcome: isTerminalStatus(job.status) ? job.status : null,
  };
}

export function fromGateReplica(r: GateJobReplica, nowUs: number): GateJob {
  const dcs = new Map<string, DcState>();
  for (const dc of r.targetDcs) dcs.set(dc, newDcState(dc));
  for (const pair of r.dcManagers) {
    const [dc, manager] = pair.split("=") as [string, string];
    const d = dcs.get(dc);
    if (d === undefined) continue;
    d.state = "accepted";
    d.manager = manager;
  }
  return {
    spec: r.job,
    leaderGate: r.leaderGate,
    fenceToken: r.fenceToken,
    acceptedAtUs: r.acceptedAtUs,
    status: r.terminal ? (r.outcome ?? "completed") : "running",
    dcs,
    fallback: [],
    terminalAtUs: r.terminal ? nowUs : -1,
    resultAcked: r.terminal,
    orphanedSinceUs: -1,
    announcedAtUs: nowUs,
    revalidating: false,
    leaseExpiresUs: 0,
    finishing: false,
    finishIntent: null,
  };
}

/** §5.16: any FAILED → FAILED; else any CANCELLED; else any TIMEOUT; else COMPLETED. */
export function aggregateStatus(statuses: readonly JobOutcome[]): JobOutcome {
  if (statuses.includes("failed")) return "failed";
  if (statuses.includes("cancelled")) return "cancelled";
  if (statuses.includes("timeout")) return "timeout";
  return "completed";
}
