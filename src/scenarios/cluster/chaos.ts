// cluster/chaos: a job load under the seed's faults, with every global invariant checked
// as it happens. With swarm on (the default) each seed also draws its topology, workload
// and protocol time scales (chaos-swarm.ts) and some long outages and message replays
// (long-faults.ts) beside the swarm's short faults, so deaths, takeovers, adoptions,
// reaping and cleanup all happen inside runs. After the heal every job must have its one
// answer within the budget, and (when drawn) every node must have cleaned it up.

import type { Rng } from "../../sim/index.js";
import { clientConfig, gateConfig, managerConfig, workerConfig, type MembershipConfig } from "../../nodes/config.js";
import { chaosMarks } from "../../nodes/marks.js";
import { defineScenario } from "../types.js";
import { CHAOS_SCHEMA } from "./chaos-schema.js";
import { drawChaosOptions, type ChaosOptions } from "./chaos-swarm.js";
import { ClusterWorld, type ClusterSetup } from "./cluster-world.js";
import { drawLongOutages, longestOutageMs, replayStep, type DetectionTimes } from "./long-faults.js";
import { CLUSTER_SIZE_FORMULA, clusterSize } from "./option-specs.js";

const DEFAULTS: ChaosOptions = {
  gates: 3,
  dcs: 2,
  managersPerDc: 3,
  workersPerDc: 4,
  workerCores: 8,
  clients: 1,
  jobs: 20,
  submitIntervalMs: 2_000,
  workflowsPerJob: 2,
  coresPerWorkflow: 1,
  workflowDurationMs: 3_000,
  datacenterCount: 1,
  jobTimeoutMs: 120_000,
  workflowFailurePerMillion: 0,
  suspicionScalePercent: 100,
  deadPeerReapIntervalMs: 120_000,
  deadPeerCheckIntervalMs: 10_000,
  gateOrphanGraceMs: 10_000,
  workerOrphanGraceMs: 5_000,
  jobRetentionMs: 300_000,
  jobCleanupIntervalMs: 60_000,
  completedJobMaxAgeMs: 300_000,
  failedJobMaxAgeMs: 3_600_000,
  deadMemberRetentionMs: 3_600_000,
  unconfirmedCleanupMs: 120_000,
  quorumCheckIntervalMs: 10_000,
  idempotencyCommittedTtlMs: 300_000,
  gateUnresponsiveFallbackMs: 300_000,
  maxPendingWorkflows: 100,
  submitMaxAttempts: 20,
  fenceRetentionMs: 600_000,
  awaitCleanup: false,
  longOutages: 0,
  replayPercent: 0,
  faultPhaseMs: 60_000,
  livenessBudgetMs: 600_000,
  swarm: true,
};

/** Suspicion bounds and dead-member retention of one kind, scaled for this run. */
function membership(base: MembershipConfig, o: ChaosOptions): Partial<MembershipConfig> {
  const scale = o.suspicionScalePercent / 100;
  return {
    globalSuspicionMinMs: Math.max(100, Math.round(base.globalSuspicionMinMs * scale)),
    globalSuspicionMaxMs: Math.max(200, Math.round(base.globalSuspicionMaxMs * scale)),
    deadMemberRetentionMs: o.deadMemberRetentionMs,
    unconfirmedCleanupMs: o.unconfirmedCleanupMs,
  };
}

/**
 * The job lease must run out before a peer can adopt a silent leader's job, which takes at
 * least the gates' shortest suspicion plus the orphan grace (GateConfig.jobLeaseMs).
 */
function jobLease(o: ChaosOptions): number {
  const minSuspicionMs = Math.max(100, Math.round((gateConfig().globalSuspicionMinMs * o.suspicionScalePercent) / 100));
  return Math.min(gateConfig().jobLeaseMs, Math.floor((minSuspicionMs + o.gateOrphanGraceMs) * 0.8));
}

/** The node configs of a run: PROTOCOL defaults with this run's drawn time scales. */
function configs(o: ChaosOptions): Pick<ClusterSetup, "gate" | "manager" | "worker" | "client"> {
  return {
    gate: {
      ...membership(gateConfig(), o),
      jobLeaseMs: jobLease(o),
      quorumCheckIntervalMs: o.quorumCheckIntervalMs,
      idempotencyCommittedTtlMs: o.idempotencyCommittedTtlMs,
      deadPeerReapIntervalMs: o.deadPeerReapIntervalMs,
      deadPeerCheckIntervalMs: o.deadPeerCheckIntervalMs,
      orphanGracePeriodMs: o.gateOrphanGraceMs,
      jobRetentionMs: o.jobRetentionMs,
      jobCleanupIntervalMs: o.jobCleanupIntervalMs,
    },
    manager: {
      ...membership(managerConfig(), o),
      completedJobMaxAgeMs: o.completedJobMaxAgeMs,
      quorumCheckIntervalMs: o.quorumCheckIntervalMs,
      idempotencyCommittedTtlMs: o.idempotencyCommittedTtlMs,
      gateUnresponsiveFallbackMs: o.gateUnresponsiveFallbackMs,
      failedJobMaxAgeMs: o.failedJobMaxAgeMs,
      jobCleanupIntervalMs: o.jobCleanupIntervalMs,
    },
    worker: {
      ...membership(workerConfig(), o),
      totalCores: o.workerCores,
      orphanGracePeriodMs: o.workerOrphanGraceMs,
      fenceRetentionMs: o.fenceRetentionMs,
      maxPendingWorkflows: o.maxPendingWorkflows,
      workflowFailurePerMillion: o.workflowFailurePerMillion,
    },
    client: {
      jobCount: o.jobs,
      submitIntervalMs: o.submitIntervalMs,
      workflowsPerJob: o.workflowsPerJob,
      coresPerWorkflow: Math.min(o.coresPerWorkflow, o.workerCores),
      workflowDurationMs: o.workflowDurationMs,
      datacenterCount: o.datacenterCount,
      jobTimeoutMs: o.jobTimeoutMs,
      submitMaxAttempts: o.submitMaxAttempts,
    },
  };
}

function detectionTimes(setup: ReturnType<typeof configs>, o: ChaosOptions): DetectionTimes {
  const g = gateConfig(setup.gate);
  const m = managerConfig(setup.manager);
  const w = workerConfig(setup.worker);
  return {
    // A worker's observers are managers and workers, a manager's the same, a gate's the gates.
    suspicionMaxMsByRole: {
      worker: Math.max(m.globalSuspicionMaxMs, w.globalSuspicionMaxMs),
      manager: Math.max(m.globalSuspicionMaxMs, w.globalSuspicionMaxMs),
      gate: g.globalSuspicionMaxMs,
    },
    deadPeerReapIntervalMs: g.deadPeerReapIntervalMs,
    deadPeerCheckIntervalMs: g.deadPeerCheckIntervalMs,
    faultPhaseMs: o.faultPhaseMs,
    workloadStartMs: clientConfig().firstSubmitDelayMs,
    workloadEndMs: clientConfig().firstSubmitDelayMs + o.jobs * o.submitIntervalMs,
  };
}

/**
 * A client cut off from a job's gate learns the job's outcome, once the gate has deleted
 * the job, only from that gate's ledger (idempotencyCommittedTtlMs). The drawn TTL was
 * meant to outlast the fault phase, but a long gate outage (long-faults.ts) extends the
 * phase past it: the client of a lone gate isolated for longer than the TTL can never be
 * answered, whatever the model does (chaos seeds 1781, 1964). So the gate's ledger lasts
 * at least the longest gate outage, plus a re-attach to every gate in turn.
 */
function withLedgerPastOutages(setup: ReturnType<typeof configs>, o: ChaosOptions): ReturnType<typeof configs> {
  if (o.longOutages === 0) return setup;
  const reattachMs = (o.gates + 2) * clientConfig().orphanGracePeriodMs;
  const floorMs = longestOutageMs("gate", detectionTimes(setup, o)) + reattachMs;
  if (o.idempotencyCommittedTtlMs >= floorMs) return setup;
  return { ...setup, gate: { ...setup.gate, idempotencyCommittedTtlMs: floorMs } };
}

export const chaos = defineScenario<ChaosOptions>({
  id: "cluster/chaos",
  title: "Swarm over topology, workload, time scales and faults, all global invariants on",
  description:
    "Each seed draws the topology (1-5 gates, 1-3 DCs of 1-5 managers and 1-5 workers), the workload (jobs " +
    "over 1..all DCs, 1..all cores per workflow, failures, short job timeouts), the detection, reaping, grace and " +
    "retention times, the swarm's short faults, long outages that outlast detection, and message replays. Safety: " +
    "every global checker. Liveness: after the heal every submitted job is answered (or was refused at " +
    "submission) within the budget and, when drawn, every node has deleted it after retention.",
  covers: [],
  options: DEFAULTS,
  schema: CHAOS_SCHEMA,
  size: { formula: CLUSTER_SIZE_FORMULA, estimate: clusterSize },
  shrinkable: {
    jobs: 1,
    gates: 1,
    dcs: 1,
    managersPerDc: 1,
    workersPerDc: 1,
    workflowsPerJob: 1,
    longOutages: 0,
    replayPercent: 0,
    faultPhaseMs: 5_000,
  },
  swarmOptions: (rng: Rng) => drawChaosOptions(rng),
  marks: chaosMarks(),
  setup(ctx) {
    const o = ctx.options;
    const setup = withLedgerPastOutages(configs(o), o);
    const c = new ClusterWorld(ctx, {
      gates: o.gates,
      dcs: o.dcs,
      managersPerDc: o.managersPerDc,
      workersPerDc: o.workersPerDc,
      clients: o.clients,
      ...setup,
      // A job may be refused and answered too: the final check counts distinct jobs.
      keepEvents: ["client.result", "client.rejected"],
    });
    ctx.artifact("faultOptions", c.world.swarm(o.swarm, o.faultPhaseMs, "gate,manager,worker"));
    const faults = ctx.rng.fork("long-faults");
    const outages = drawLongOutages(faults.fork("outages"), c.world.topology, o.longOutages, detectionTimes(setup, o));
    c.world.plan([...outages, ...replayStep(faults.fork("replay"), o.replayPercent, o.faultPhaseMs)]);
    // The heal at the end of the fault phase would cut a long outage short of the deaths it
    // was drawn to cause: the phase lasts until the last outage is over.
    const faultPhaseMs = Math.max(o.faultPhaseMs, ...outages.map((s) => s.atMs + (s.durationMs ?? 0)));
    const expected = o.jobs * o.clients;
    // The workload may outlast the fault phase: the run is not over before the last submission.
    const unsubmitted = (): string | null => {
      const n = expected - c.count("client.submitted");
      return n > 0 ? `${n} job(s) not submitted yet` : null;
    };
    c.run(faultPhaseMs, o.livenessBudgetMs, { awaitCleanup: o.awaitCleanup, pending: unsubmitted });
    ctx.check("every submitted job was answered or refused at submission", () => {
      const submitted = c.count("client.submitted");
      const jobs = (kind: string) => c.events(kind).map((e) => String(e.detail?.["job"]));
      const done = new Set([...jobs("client.result"), ...jobs("client.rejected")]).size;
      return submitted === expected && done === expected ? null : `${submitted} submitted, ${done} answered or refused`;
    });
    ctx.onFinish(() => {
      for (const s of ["completed", "failed", "timeout", "cancelled"]) ctx.metric(`jobs.${s}`, c.resultCount(s));
      ctx.metric("jobs.refused", c.count("client.rejected"));
    });
  },
});
