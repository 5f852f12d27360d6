// Option specs the cluster scenarios share (topology and workload), and the size estimate
// of a cluster world: its nodes plus the workflows its jobs hold. A scenario spreads what
// it uses into its schema: `schema: { gates: clusterSpecs.gates, ...phaseSpecs }`.

import { duration, integer } from "../option-spec.js";

export const clusterSpecs = {
  gates: integer(1, 50, "gates; they elect one leader and need a quorum of them"),
  dcs: integer(1, 20, "datacenters, spread over up to three regions"),
  managersPerDc: integer(1, 50, "managers in each DC; they elect the DC leader"),
  workersPerDc: integer(1, 1_000, "workers in each DC"),
  jobs: integer(1, 100_000, "jobs the client submits"),
  submitIntervalMs: duration("1ms", "1h", "time between two job submissions"),
  workflowsPerJob: integer(1, 1_000, "workflows in each job"),
  workflowDurationMs: duration("1ms", "24h", "how long a workflow runs on its worker"),
  datacenterCount: integer(1, 20, "DCs each job is dispatched to"),
  jobTimeoutMs: duration("1s", "24h", "the gate times a job out after this long"),
  retentionMs: duration("1s", "24h", "how long gates and managers keep a finished job"),
} as const;

/**
 * The cluster's nodes and the workflows its jobs create, with whichever counts a scenario
 * has. Nodes weigh quadratically (every manager and gate tracks every peer and worker):
 * 2,000 nodes reach the bound at about 1.3 GB and 25 s here.
 */
export function clusterSize(o: {
  gates?: number;
  dcs?: number;
  managersPerDc?: number;
  workersPerDc?: number;
  jobs?: number;
  workflowsPerJob?: number;
  clients?: number;
}): number {
  const clients = o.clients ?? 1;
  const nodes = (o.gates ?? 1) + (o.dcs ?? 1) * ((o.managersPerDc ?? 3) + (o.workersPerDc ?? 3)) + clients;
  return (nodes * nodes) / 40 + 2 * clients * (o.jobs ?? 1) * (o.workflowsPerJob ?? 1);
}

export const CLUSTER_SIZE_FORMULA =
  "nodes² / 40 + 2 × clients × jobs × workflowsPerJob, nodes = gates + dcs × (managersPerDc + workersPerDc) + clients";
