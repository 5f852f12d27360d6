// The declared options of cluster/chaos: every option's type, range and meaning. The
// ranges hold the defaults (chaos.ts) and everything the per-seed draw can pick
// (chaos-swarm.ts), with room for a person's --set; a draw outside them fails the run,
// naming the option. Kept apart from chaos.ts so the scenario reads as a script.

import { duration, flag, integer, type OptionSchema } from "../option-spec.js";
import { phaseSpecs } from "../phase-specs.js";
import type { ChaosOptions } from "./chaos-swarm.js";
import { clusterSpecs } from "./option-specs.js";

const retention = (doc: string) => duration("1s", "24h", doc);

export const CHAOS_SCHEMA: OptionSchema<ChaosOptions> = {
  gates: clusterSpecs.gates,
  dcs: clusterSpecs.dcs,
  managersPerDc: clusterSpecs.managersPerDc,
  workersPerDc: clusterSpecs.workersPerDc,
  workerCores: integer(1, 1_024, "cores of each worker"),
  clients: integer(1, 100, "clients submitting jobs"),
  jobs: clusterSpecs.jobs,
  submitIntervalMs: clusterSpecs.submitIntervalMs,
  workflowsPerJob: clusterSpecs.workflowsPerJob,
  coresPerWorkflow: integer(1, 1_024, "cores each workflow needs (at most workerCores)"),
  workflowDurationMs: clusterSpecs.workflowDurationMs,
  datacenterCount: clusterSpecs.datacenterCount,
  jobTimeoutMs: clusterSpecs.jobTimeoutMs,
  workflowFailurePerMillion: integer(0, 1_000_000, "chance per million that a workflow run fails"),
  suspicionScalePercent: integer(1, 1_000, "every node's suspicion bounds, as a percentage of PROTOCOL's"),
  deadPeerReapIntervalMs: duration("1s", "24h", "how long a gate peer stays unhealthy before it is declared dead"),
  deadPeerCheckIntervalMs: duration("100ms", "1h", "how often gates look for peers to reap"),
  gateOrphanGraceMs: duration("0ms", "1h", "how long a gate waits before adopting a dead peer's jobs"),
  workerOrphanGraceMs: duration(
    "0ms",
    "1h",
    "how long a job leader waits before rescheduling a suspected worker's workflow",
  ),
  jobRetentionMs: retention("how long a gate keeps a finished job"),
  jobCleanupIntervalMs: duration("100ms", "24h", "how often gates and managers delete expired jobs"),
  completedJobMaxAgeMs: retention("how long a manager keeps a completed job"),
  failedJobMaxAgeMs: retention("how long a manager keeps a failed job"),
  deadMemberRetentionMs: retention("how long membership remembers a dead member"),
  unconfirmedCleanupMs: retention("how long membership keeps a member it never confirmed"),
  quorumCheckIntervalMs: duration("100ms", "1h", "how often leaders check their quorum"),
  idempotencyCommittedTtlMs: retention("how long a committed submission is remembered for retries"),
  gateUnresponsiveFallbackMs: retention("how long a manager waits on a silent gate before falling back"),
  maxPendingWorkflows: integer(1, 100_000, "workflows a worker queues before refusing more"),
  submitMaxAttempts: integer(1, 1_000, "submissions a client tries before giving up on a job"),
  fenceRetentionMs: retention("how long a worker remembers fence tokens"),
  awaitCleanup: flag("the run also waits until every node has deleted every finished job"),
  longOutages: integer(0, 20, "outages that outlast detection (crash, pause or isolation)"),
  replayPercent: integer(0, 100, "percentage of messages the replay fault delivers again later"),
  ...phaseSpecs,
  swarm: flag("draw the topology, workload, time scales and fault kinds from the seed (off: the defaults, no faults)"),
};
