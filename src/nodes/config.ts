// One config object per node kind, holding the PROTOCOL.md §4 defaults this slice uses
// (flat, units last). Settings every kind shares (membership §4.1, election §4.2) are
// copied into each object so a scenario can override them for one kind only:
// `gateConfig({ deadPeerReapIntervalMs: 30_000 })`. No node reads a constant elsewhere.
//
// Each kind's defaults are built once and every config is `{ ...DEFAULTS, ...overrides }`.
// Building them afresh with leading spreads gave nearly every config object its own
// hidden class, so the nodes' optimised code deoptimised at each new run of a sweep.
//
// Fields marked "model" are knobs of the simulation itself, not of the modelled protocol
// (how long a workflow runs, how often it fails, what the client submits).

export interface MembershipConfig {
  probeIntervalMs: number;
  probeTimeoutBaseMs: number;
  probeTimeoutMinMs: number;
  probeTimeoutMaxMs: number;
  probeRetryCount: number;
  indirectProbeProxyCount: number;
  lhmMaxScore: number;
  lhmTimeoutFactor: number;
  refutationRateLimitCount: number;
  refutationRateLimitWindowMs: number;
  globalSuspicionMinMs: number;
  globalSuspicionMaxMs: number;
  zombieWindowMs: number;
  zombieIncarnationBump: number;
  unconfirmedCleanupMs: number;
  deadMemberRetentionMs: number;
}

export interface ElectionConfig {
  leaderHeartbeatIntervalMs: number;
  leaderLeaseMs: number;
  electionTimeoutBaseMs: number;
  electionTimeoutJitterMs: number;
  preVoteTimeoutMs: number;
  leaderMaxLhm: number;
  firstElectionJitterMaxMs: number;
  quorumCheckIntervalMs: number;
  quorumStepdownConsecutiveFailures: number;
}

type ObserverKind = "gate" | "manager" | "worker";

const SUSPICION_BOUNDS: Record<ObserverKind, [number, number]> = {
  worker: [5000, 30000],
  manager: [10000, 60000],
  gate: [30000, 120000],
};
const UNCONFIRMED_CLEANUP: Record<ObserverKind, number> = { gate: 120000, manager: 90000, worker: 180000 };

function membershipDefaults(kind: ObserverKind): MembershipConfig {
  const [min, max] = SUSPICION_BOUNDS[kind];
  return {
    probeIntervalMs: 1000,
    probeTimeoutBaseMs: 1000,
    probeTimeoutMinMs: 1000,
    probeTimeoutMaxMs: 5000,
    probeRetryCount: 3,
    indirectProbeProxyCount: 3,
    lhmMaxScore: 8,
    lhmTimeoutFactor: 1.0,
    refutationRateLimitCount: 5,
    refutationRateLimitWindowMs: 10000,
    globalSuspicionMinMs: min,
    globalSuspicionMaxMs: max,
    zombieWindowMs: 60000,
    zombieIncarnationBump: 5,
    unconfirmedCleanupMs: UNCONFIRMED_CLEANUP[kind],
    deadMemberRetentionMs: 3600000,
  };
}

const ELECTION_DEFAULTS: ElectionConfig = {
  leaderHeartbeatIntervalMs: 2000,
  leaderLeaseMs: 5000,
  electionTimeoutBaseMs: 5000,
  electionTimeoutJitterMs: 2000,
  preVoteTimeoutMs: 2000,
  leaderMaxLhm: 4,
  firstElectionJitterMaxMs: 3000,
  quorumCheckIntervalMs: 10000,
  quorumStepdownConsecutiveFailures: 3,
};

export interface GateConfig extends MembershipConfig, ElectionConfig {
  deadPeerCheckIntervalMs: number;
  deadPeerReapIntervalMs: number;
  orphanGracePeriodMs: number;
  orphanCheckIntervalMs: number;
  /**
   * The leader gate's job lease (§3.18): it acts for a job only while the lease is valid,
   * renewing it every max(1 s, half the lease) while it has a gate quorum. Keep it below
   * globalSuspicionMinMs + orphanGracePeriodMs: a peer adopts a silent leader's job no
   * sooner than that, so a paused or cut-off leader's lease runs out first.
   */
  jobLeaseMs: number;
  requestTimeoutShortMs: number;
  managerDispatchTimeoutMs: number;
  maxRetriesPerDc: number;
  dispatchRetryBaseMs: number;
  dispatchRetryMaxMs: number;
  jobCleanupIntervalMs: number;
  jobRetentionMs: number;
  /** How long a deleted job's id still answers a late submission of it (§3.17 committed TTL). */
  idempotencyCommittedTtlMs: number;
  timeoutCheckIntervalMs: number;
  heartbeatTimeoutMs: number;
  /** How often the gate re-evaluates manager heartbeat freshness (model: the reference does it on read). */
  managerHealthCheckIntervalMs: number;
  maxPrimaryDcs: number;
}

const GATE_DEFAULTS: Readonly<GateConfig> = Object.freeze({
  ...membershipDefaults("gate"),
  ...ELECTION_DEFAULTS,
  deadPeerCheckIntervalMs: 10000,
  deadPeerReapIntervalMs: 120000,
  orphanGracePeriodMs: 10000,
  orphanCheckIntervalMs: 2000,
  jobLeaseMs: 30000,
  requestTimeoutShortMs: 2000,
  managerDispatchTimeoutMs: 5000,
  maxRetriesPerDc: 2,
  dispatchRetryBaseMs: 300,
  dispatchRetryMaxMs: 5000,
  jobCleanupIntervalMs: 60000,
  jobRetentionMs: 300000,
  idempotencyCommittedTtlMs: 300000,
  timeoutCheckIntervalMs: 15000,
  heartbeatTimeoutMs: 30000,
  managerHealthCheckIntervalMs: 5000,
  maxPrimaryDcs: 2,
});

export function gateConfig(overrides: Partial<GateConfig> = {}): GateConfig {
  return { ...GATE_DEFAULTS, ...overrides };
}

export interface ManagerConfig extends MembershipConfig, ElectionConfig {
  heartbeatIntervalMs: number;
  gateStatusIntervalMs: number;
  /** The job leader re-sends each running job's state to its DC peers this often (§2.10). */
  peerSyncIntervalMs: number;
  startupSyncDelayMs: number;
  coreWaitSliceMs: number;
  maxDispatchAttempts: number;
  dispatchBackoffBaseMs: number;
  dispatchBackoffMaxMs: number;
  requestTimeoutShortMs: number;
  requestTimeoutStandardMs: number;
  progressPushIntervalMs: number;
  completedJobMaxAgeMs: number;
  failedJobMaxAgeMs: number;
  jobCleanupIntervalMs: number;
  /** How long a deleted job's id still answers a late submission of it (§3.17 committed TTL). */
  idempotencyCommittedTtlMs: number;
  gateUnresponsiveFallbackMs: number;
  registrationRetryBaseMs: number;
}

const MANAGER_DEFAULTS: Readonly<ManagerConfig> = Object.freeze({
  ...membershipDefaults("manager"),
  ...ELECTION_DEFAULTS,
  heartbeatIntervalMs: 5000,
  gateStatusIntervalMs: 10000,
  peerSyncIntervalMs: 10000,
  startupSyncDelayMs: 2000,
  coreWaitSliceMs: 5000,
  maxDispatchAttempts: 5,
  dispatchBackoffBaseMs: 1000,
  dispatchBackoffMaxMs: 60000,
  requestTimeoutShortMs: 2000,
  requestTimeoutStandardMs: 5000,
  progressPushIntervalMs: 250,
  completedJobMaxAgeMs: 300000,
  failedJobMaxAgeMs: 3600000,
  jobCleanupIntervalMs: 60000,
  idempotencyCommittedTtlMs: 300000,
  gateUnresponsiveFallbackMs: 300000,
  registrationRetryBaseMs: 500,
});

export function managerConfig(overrides: Partial<ManagerConfig> = {}): ManagerConfig {
  return { ...MANAGER_DEFAULTS, ...overrides };
}

export interface WorkerConfig extends MembershipConfig {
  totalCores: number;
  progressFlushIntervalMs: number;
  orphanGracePeriodMs: number;
  orphanCheckIntervalMs: number;
  requestTimeoutShortMs: number;
  maxPendingWorkflows: number;
  registrationRetryBaseMs: number;
  /**
   * How long a worker remembers the fence token of finished work, so that a late copy of
   * an old dispatch or transfer is still refused (PROTOCOL §5.24 keeps tokens; this bounds them).
   */
  fenceRetentionMs: number;
  /** Model: a run lasts declaredDurationMs × U(1 − ratio, 1 + ratio). */
  workflowDurationJitterRatio: number;
  /** Model: a run fails with probability workflowFailurePerMillion / 1_000_000. */
  workflowFailurePerMillion: number;
}

const WORKER_DEFAULTS: Readonly<WorkerConfig> = Object.freeze({
  ...membershipDefaults("worker"),
  totalCores: 8,
  progressFlushIntervalMs: 50,
  orphanGracePeriodMs: 5000,
  orphanCheckIntervalMs: 1000,
  requestTimeoutShortMs: 2000,
  maxPendingWorkflows: 100,
  registrationRetryBaseMs: 500,
  fenceRetentionMs: 600_000,
  workflowDurationJitterRatio: 0.2,
  workflowFailurePerMillion: 0,
});

export function workerConfig(overrides: Partial<WorkerConfig> = {}): WorkerConfig {
  return { ...WORKER_DEFAULTS, ...overrides };
}

export interface ClientConfig {
  requestTimeoutMs: number;
  /** With no result yet for an accepted job, re-attach to its gate this often (§4.6). */
  orphanGracePeriodMs: number;
  submitRetryBaseMs: number;
  submitMaxAttempts: number;
  /** Model workload: jobs the client submits on its own, one every submitIntervalMs. */
  jobCount: number;
  firstSubmitDelayMs: number;
  submitIntervalMs: number;
  workflowsPerJob: number;
  coresPerWorkflow: number;
  workflowDurationMs: number;
  jobTimeoutMs: number;
  datacenterCount: number;
  /**
   * How long the client remembers a job it has its answer for (a result, or giving up):
   * a duplicate result within this window is recognised as one; after it the job is forgotten,
   * so a long run's client holds only recent jobs.
   */
  answeredJobRetentionMs: number;
}

export function clientConfig(overrides: Partial<ClientConfig> = {}): ClientConfig {
  return {
    requestTimeoutMs: 5000,
    orphanGracePeriodMs: 15000,
    submitRetryBaseMs: 1000,
    submitMaxAttempts: 20,
    jobCount: 1,
    firstSubmitDelayMs: 15000,
    submitIntervalMs: 1000,
    workflowsPerJob: 2,
    coresPerWorkflow: 1,
    workflowDurationMs: 5000,
    jobTimeoutMs: 600000,
    datacenterCount: 1,
    answeredJobRetentionMs: 600000,
    ...overrides,
  };
}
