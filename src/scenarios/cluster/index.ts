// The cluster scenario family: gates, managers, workers and clients (src/nodes) on the
// simulated network, with the global invariant checkers on in every scenario.
import type { ScenarioDef } from "../types.js";
import { smoke } from "./smoke.js";
import {
  gatePeerReaped,
  gatePeerRecovers,
  gatePeersFailTogether,
  quorumLoss,
  quorumRegained,
  singleGate,
  splitBrain,
  twoGates,
} from "./gate-peers.js";
import { dcFailover, heartbeatTimeout, jobLeaderTakeover, managerDiesBeforeAck, multiDcDispatch } from "./dispatch.js";
import { chaos } from "./chaos.js";
import { workerDispatchRules } from "./worker-dispatch-rules.js";
import { refutationRateLimit } from "./refutation-rate-limit.js";
import { unknownDcRegistration } from "./unknown-dc-registration.js";
import { dispatchAfterTerminal } from "./dispatch-after-terminal.js";
import { takeoverStaleAttempt, takeoverUnsyncedDispatch } from "./takeover-reconcile.js";
import { leaseLapseWorkerDies } from "./lease-catch-up.js";
import { adoptionInheritsResult, staleGateTransfer } from "./gate-adoption.js";
import { staleDcResult } from "./stale-dc-result.js";
import { progressAckStaleLeader } from "./progress-ack-stale-leader.js";
import { leaseLateGrant } from "./lease-late-grant.js";
import { takeoverRedispatchRunning } from "./takeover-redispatch.js";
import {
  allWorkersDieBeforeAck,
  allWorkersFail,
  jobTimeoutCancels,
  workerDiesBeforeAck,
  workerDiesMidWorkflow,
} from "./workers.js";

export const clusterScenarios: readonly ScenarioDef[] = [
  smoke,
  gatePeerReaped,
  gatePeersFailTogether,
  gatePeerRecovers,
  quorumLoss,
  quorumRegained,
  splitBrain,
  singleGate,
  twoGates,
  multiDcDispatch,
  managerDiesBeforeAck,
  dcFailover,
  heartbeatTimeout,
  jobLeaderTakeover,
  workerDiesMidWorkflow,
  workerDiesBeforeAck,
  allWorkersFail,
  allWorkersDieBeforeAck,
  jobTimeoutCancels,
  workerDispatchRules,
  refutationRateLimit,
  unknownDcRegistration,
  dispatchAfterTerminal,
  takeoverUnsyncedDispatch,
  takeoverStaleAttempt,
  leaseLapseWorkerDies,
  adoptionInheritsResult,
  staleGateTransfer,
  staleDcResult,
  progressAckStaleLeader,
  leaseLateGrant,
  takeoverRedispatchRunning,
  chaos,
];
