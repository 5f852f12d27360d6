// The per-seed draw of cluster/chaos (VOPR's options_swarm): topology, workload, protocol
// time scales and the long outages, each drawn from the seed unless the run set it. The
// ranges are wide on purpose: even group sizes, one to three DCs, jobs that target every
// DC, workflows that need every core of a worker, retention short enough that cleanup
// happens inside the run, and detection timers short enough that outages kill.

import type { Rng } from "../../sim/index.js";

/** The options of cluster/chaos (flat, units last); see chaos.ts for their defaults. */
export interface ChaosOptions {
  [key: string]: number | boolean | string;
  gates: number;
  dcs: number;
  managersPerDc: number;
  workersPerDc: number;
  workerCores: number;
  clients: number;
  jobs: number;
  submitIntervalMs: number;
  workflowsPerJob: number;
  coresPerWorkflow: number;
  workflowDurationMs: number;
  datacenterCount: number;
  jobTimeoutMs: number;
  workflowFailurePerMillion: number;
  suspicionScalePercent: number;
  deadPeerReapIntervalMs: number;
  deadPeerCheckIntervalMs: number;
  gateOrphanGraceMs: number;
  workerOrphanGraceMs: number;
  jobRetentionMs: number;
  jobCleanupIntervalMs: number;
  completedJobMaxAgeMs: number;
  failedJobMaxAgeMs: number;
  deadMemberRetentionMs: number;
  unconfirmedCleanupMs: number;
  quorumCheckIntervalMs: number;
  idempotencyCommittedTtlMs: number;
  gateUnresponsiveFallbackMs: number;
  maxPendingWorkflows: number;
  submitMaxAttempts: number;
  fenceRetentionMs: number;
  awaitCleanup: boolean;
  longOutages: number;
  replayPercent: number;
  faultPhaseMs: number;
  livenessBudgetMs: number;
  swarm: boolean;
}

/** Small values more often than large ones: min + ⌊(max − min + 1) · u²⌋. */
function lowBiased(rng: Rng, min: number, max: number): number {
  const u = rng.next();
  return Math.min(max, min + Math.floor((max - min + 1) * u * u));
}

function topology(rng: Rng): Partial<ChaosOptions> {
  const workerCores = rng.pick([1, 2, 4, 8]);
  const dcs = rng.int(1, 3);
  return {
    gates: rng.int(1, 5),
    dcs,
    managersPerDc: rng.int(1, 5),
    workersPerDc: rng.int(1, 5),
    workerCores,
    clients: rng.chance(1, 4) ? 2 : 1,
    coresPerWorkflow: lowBiased(rng, 1, workerCores),
    datacenterCount: rng.int(1, dcs),
  };
}

function workload(rng: Rng): Partial<ChaosOptions> {
  return {
    jobs: rng.int(4, 24),
    // Mostly PROTOCOL's limits; sometimes tight enough that a worker's queue fills and a
    // client gives up on a job (both are answers the liveness check accepts).
    maxPendingWorkflows: rng.chance(1, 4) ? rng.int(1, 4) : 100,
    submitMaxAttempts: rng.chance(1, 4) ? rng.int(2, 6) : 20,
    submitIntervalMs: rng.int(200, 4_000),
    workflowsPerJob: rng.int(1, 4),
    workflowDurationMs: rng.int(500, 8_000),
    // Some seeds time jobs out while they run; most give them ample time.
    jobTimeoutMs: rng.chance(1, 4) ? rng.int(5_000, 30_000) : rng.int(60_000, 180_000),
    workflowFailurePerMillion: rng.chance(1, 2) ? 0 : rng.int(1_000, 300_000),
  };
}

/** Detection, reaping, grace and retention scaled so that deaths and cleanup happen inside a run. */
function timeScales(rng: Rng): Partial<ChaosOptions> {
  const cleanup = rng.int(1_000, 10_000);
  return {
    suspicionScalePercent: rng.int(10, 100),
    deadPeerReapIntervalMs: rng.int(5_000, 40_000),
    deadPeerCheckIntervalMs: rng.int(1_000, 5_000),
    gateOrphanGraceMs: rng.int(2_000, 15_000),
    workerOrphanGraceMs: rng.int(1_000, 10_000),
    jobRetentionMs: rng.int(2_000, 40_000),
    jobCleanupIntervalMs: cleanup,
    completedJobMaxAgeMs: rng.int(2_000, 40_000),
    failedJobMaxAgeMs: rng.int(5_000, 80_000),
    deadMemberRetentionMs: rng.int(10_000, 120_000),
    unconfirmedCleanupMs: rng.int(5_000, 60_000),
    quorumCheckIntervalMs: rng.int(2_000, 10_000),
    gateUnresponsiveFallbackMs: lowBiased(rng, 20_000, 300_000),
    // Never below the replay fault's longest delay (60 s): a late dispatch or submission
    // must still find its token or its deleted job.
    fenceRetentionMs: rng.int(65_000, 150_000),
    // Past the end of the fault phase (the longest outage) and the replay delays, with room:
    // a gate back from an outage must still find the jobs finished without it.
    idempotencyCommittedTtlMs: rng.int(150_000, 300_000),
    awaitCleanup: !rng.chance(1, 8),
  };
}

export function drawChaosOptions(rng: Rng): Partial<ChaosOptions> {
  return {
    ...topology(rng.fork("topology")),
    ...workload(rng.fork("workload")),
    ...timeScales(rng.fork("time-scales")),
    longOutages: rng.fork("long-outages").chance(1, 4) ? 0 : rng.fork("long-outage-count").int(1, 3),
    replayPercent: rng.fork("replay").chance(1, 3) ? rng.fork("replay-rate").int(1, 5) : 0,
    faultPhaseMs: rng.fork("fault-phase").int(30_000, 120_000),
  };
}
