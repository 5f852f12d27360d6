// Every message the modelled cluster exchanges in this slice, as one discriminated union
// on `type` (PROTOCOL.md §2). Field names are the camelCase forms of the reference's.
// Messages are plain objects built once per send; nothing here is serialised, so a
// message's "size" is not modelled yet (§4.11 comes with a later slice).
//
// Each node kind has one `receive` switch covering every kind with `assertNever` as the
// default; kinds a node does not handle get an `error-reply` (§1: nothing is dropped
// silently).

export type NodeId = string;

/** Terminal outcome of one (sub-)workflow on a worker. */
export type WorkflowOutcome = "completed" | "failed" | "cancelled";
/** Terminal job status (§3.3). */
export type JobOutcome = "completed" | "failed" | "cancelled" | "timeout";
export type WorkerNodeState = "healthy" | "draining" | "offline";

// ---- 2.1 Membership (datagram) -------------------------------------------------------

/** The worker heartbeat embedded in membership acks and sent directly on change (§2.3). */
export interface WorkerHeartbeatBody {
  nodeId: NodeId;
  /**
   * The worker's process incarnation (+1 per restart). Not its membership incarnation, which
   * also rises when it refutes a suspicion: a manager that took that for a restart would
   * give up runs the worker still has.
   */
  incarnation: number;
  /** Rises with every reported change; receivers drop a (incarnation, version) not newer. */
  version: number;
  state: WorkerNodeState;
  totalCores: number;
  availableCores: number;
  activeWorkflows: number;
}

export interface Probe {
  type: "probe";
  seq: number;
  incarnation: number;
}
export interface Ack {
  type: "ack";
  seq: number;
  incarnation: number;
  embedded: WorkerHeartbeatBody | null;
}
export interface PingReq {
  type: "ping-req";
  seq: number;
  target: NodeId;
}
export interface PingReqAck {
  type: "ping-req-ack";
  seq: number;
  target: NodeId;
  reached: boolean;
}
export interface Suspect {
  type: "suspect";
  node: NodeId;
  incarnation: number;
}
export interface Alive {
  type: "alive";
  node: NodeId;
  incarnation: number;
}
export interface Dead {
  type: "dead";
  node: NodeId;
  incarnation: number;
}

export type MembershipMessage = Probe | Ack | PingReq | PingReqAck | Suspect | Alive | Dead;

// ---- 2.9 Elections (datagram; every message carries a term) ---------------------------

export interface PreVoteReq {
  type: "pre-vote-req";
  term: number;
  lhm: number;
}
export interface PreVoteResp {
  type: "pre-vote-resp";
  term: number;
  granted: boolean;
}
export interface LeaderClaim {
  type: "leader-claim";
  term: number;
  lhm: number;
}
export interface LeaderVote {
  type: "leader-vote";
  term: number;
  granted: boolean;
}
export interface LeaderHeartbeat {
  type: "leader-heartbeat";
  term: number;
  /** The leader's local send time, echoed in the ack: what the follower's lease covers. */
  sentAtUs: number;
}
/** A follower took the heartbeat: its lease holds until `sentAtUs` + leaderLeaseMs at the least. */
export interface LeaderHeartbeatAck {
  type: "leader-heartbeat-ack";
  term: number;
  sentAtUs: number;
}
export interface LeaderStepdown {
  type: "leader-stepdown";
  term: number;
}

export type ElectionMessage =
  | PreVoteReq
  | PreVoteResp
  | LeaderClaim
  | LeaderVote
  | LeaderHeartbeat
  | LeaderHeartbeatAck
  | LeaderStepdown;

// ---- 2.2 / 2.3 Registration and heartbeats -------------------------------------------

export interface ManagerHeartbeatBody {
  nodeId: NodeId;
  datacenter: string;
  incarnation: number;
  version: number;
  isLeader: boolean;
  term: number;
  acceptingJobs: boolean;
  hasQuorum: boolean;
  activeJobs: number;
  workerCount: number;
  healthyWorkerCount: number;
  totalCores: number;
  availableCores: number;
}

export interface WorkerRegistration {
  type: "worker-registration";
  incarnation: number;
  totalCores: number;
  availableCores: number;
}
export interface RegistrationResponse {
  type: "registration-response";
  accepted: boolean;
  managerId: NodeId;
  leaderId: NodeId | null;
  healthyManagers: NodeId[];
}
export interface WorkerHeartbeat {
  type: "worker-heartbeat";
  body: WorkerHeartbeatBody;
}
export interface ManagerRegistration {
  type: "manager-registration";
  body: ManagerHeartbeatBody;
}
export interface ManagerRegistrationResponse {
  type: "manager-registration-response";
  accepted: boolean;
  gateId: NodeId;
  error: string | null;
  healthyGates: NodeId[];
}
export interface ManagerHeartbeat {
  type: "manager-heartbeat";
  body: ManagerHeartbeatBody;
}

// ---- 2.4 Submission and dispatch ------------------------------------------------------

export interface WorkflowSpec {
  workflowId: string;
  name: string;
  cores: number;
  declaredDurationMs: number;
}

export interface JobSpec {
  jobId: string;
  workflows: WorkflowSpec[];
  timeoutMs: number;
  datacenterCount: number;
  callbackAddr: NodeId;
}

export interface JobSubmission {
  type: "job-submission";
  job: JobSpec;
  /** Set by the gate before forwarding to a manager; null when sent by a client. */
  originGate: NodeId | null;
  /** The leader gate's job fence token (gate ownership, §5.24). */
  gateFenceToken: number;
}
export interface JobAck {
  type: "job-ack";
  jobId: string;
  accepted: boolean;
  error: string | null;
  /** On `not-dc-leader`: the leader's id; on accept by a manager: the job leader. */
  leader: NodeId | null;
}
export interface WorkflowDispatch {
  type: "workflow-dispatch";
  jobId: string;
  workflowId: string;
  name: string;
  cores: number;
  declaredDurationMs: number;
  fenceToken: number;
  jobLeader: NodeId;
  /**
   * The worker process incarnation the job leader addressed (from its registry): a worker
   * that restarted since refuses it, so a dispatch never lands on a life it was not meant for.
   */
  workerIncarnation: number;
  /**
   * The job's timeout (the worker's `timeoutMs` of §2.4): past it nobody needs this run's
   * result, so a worker that cannot deliver it by then drops it rather than keep it forever.
   */
  jobTimeoutMs: number;
}
export interface WorkflowDispatchAck {
  type: "workflow-dispatch-ack";
  jobId: string;
  workflowId: string;
  fenceToken: number;
  accepted: boolean;
  error: string | null;
  coresAssigned: number;
}

// ---- 2.5 Progress ---------------------------------------------------------------------

export interface WorkflowProgress {
  type: "workflow-progress";
  jobId: string;
  workflowId: string;
  fenceToken: number;
  completedCount: number;
  elapsedMs: number;
  workerAvailableCores: number;
}
export interface WorkflowProgressAck {
  type: "workflow-progress-ack";
  jobId: string;
  workflowId: string;
  jobLeader: NodeId;
  /** The job's fence token as the acking manager knows it: a worker reroutes only on one not older than its last transfer. */
  fenceToken: number;
}
export interface JobProgress {
  type: "job-progress";
  jobId: string;
  datacenter: string;
  progressSequence: number;
  finishedWorkflows: number;
  totalWorkflows: number;
  fenceToken: number;
}
export interface JobProgressAck {
  type: "job-progress-ack";
  jobId: string;
  gateId: NodeId;
}

// ---- 2.6 Results ----------------------------------------------------------------------

export interface WorkflowFinalResult {
  type: "workflow-final-result";
  jobId: string;
  workflowId: string;
  fenceToken: number;
  status: WorkflowOutcome;
  error: string | null;
  workerId: NodeId;
  workerAvailableCores: number;
}
export interface WorkflowFinalResultAck {
  type: "workflow-final-result-ack";
  jobId: string;
  workflowId: string;
  fenceToken: number;
  ok: boolean;
}
export interface JobFinalResult {
  type: "job-final-result";
  jobId: string;
  datacenter: string;
  status: JobOutcome;
  totalCompleted: number;
  totalFailed: number;
  fenceToken: number;
  error: string | null;
}
export interface JobFinalResultAck {
  type: "job-final-result-ack";
  jobId: string;
  datacenter: string;
}
export interface GlobalJobResult {
  type: "global-job-result";
  jobId: string;
  status: JobOutcome;
  /** `dc1:completed,dc2:failed`, in target order. */
  perDatacenterStatuses: string;
  totalCompleted: number;
  totalFailed: number;
  error: string | null;
}
export interface GlobalJobResultAck {
  type: "global-job-result-ack";
  jobId: string;
}

// ---- 2.7 Cancellation (workflow level only in this slice) -----------------------------

export interface WorkflowCancelRequest {
  type: "workflow-cancel-request";
  jobId: string;
  workflowId: string;
  reason: string;
}
export interface WorkflowCancelResponse {
  type: "workflow-cancel-response";
  jobId: string;
  workflowId: string;
  wasRunning: boolean;
}
export interface JobGlobalTimeout {
  type: "job-global-timeout";
  jobId: string;
  fenceToken: number;
}

// ---- 2.8 / 2.10 Leadership transfer, fencing and state sync --------------------------

/** What a manager replicates to its DC peers so one of them can take the job over. */
export interface JobReplica {
  jobId: string;
  leader: NodeId;
  /** The leader's membership incarnation when it took the job: a restart orphans the job. */
  leaderIncarnation: number;
  fenceToken: number;
  originGate: NodeId | null;
  gateFenceToken: number;
  timeoutMs: number;
  acceptedAtUs: number;
  terminal: boolean;
  /** The DC's outcome once terminal, and whether the origin gate has acked it. */
  outcome: JobOutcome | null;
  finalDelivered: boolean;
  workflows: ReplicaWorkflow[];
}
export interface ReplicaWorkflow {
  workflowId: string;
  name: string;
  cores: number;
  declaredDurationMs: number;
  status: string;
  worker: NodeId | null;
  fenceToken: number;
  attempts: number;
  failedWorkers: NodeId[];
}
export interface JobStateSync {
  type: "job-state-sync";
  replica: JobReplica;
  /** The leader's count of syncs of this job under this token; acked so it knows what a majority holds. */
  version: number;
}
/** Manager → job leader: this peer holds the job's state as of `version` under `fenceToken`. */
export interface JobStateSyncAck {
  type: "job-state-sync-ack";
  jobId: string;
  fenceToken: number;
  version: number;
}
/** A manager taking a job over asks its peers for their copy first (takeover.ts). */
export interface JobStatePull {
  type: "job-state-pull";
  jobId: string;
}
export interface JobStatePullResponse {
  type: "job-state-pull-response";
  jobId: string;
  /** The responder's copy, or null when it holds none. */
  replica: JobReplica | null;
  /** The responder deleted the job knowing it was over: nothing left to take over. */
  finished: boolean;
}
/**
 * Manager → manager, in answer to a sync: the job the sender claims to lead was finished
 * and deleted here, so the sender is a stale job leader (it was cut off while another
 * manager took the job over and finished it).
 */
export interface JobSuperseded {
  type: "job-superseded";
  jobId: string;
}

export interface WorkerWorkflowState {
  workflowId: string;
  fenceToken: number;
  status: "running" | WorkflowOutcome;
}
export interface JobLeaderWorkerTransfer {
  type: "job-leader-worker-transfer";
  jobId: string;
  newLeader: NodeId;
  fenceToken: number;
}
export interface JobLeaderWorkerTransferAck {
  type: "job-leader-worker-transfer-ack";
  jobId: string;
  accepted: boolean;
  rejectionReason: string | null;
  fenceToken: number;
  workflowStates: WorkerWorkflowState[];
}
export interface JobLeaderManagerTransfer {
  type: "job-leader-manager-transfer";
  jobId: string;
  datacenter: string;
  newLeader: NodeId;
  fenceToken: number;
}
export interface JobLeaderManagerTransferAck {
  type: "job-leader-manager-transfer-ack";
  jobId: string;
  accepted: boolean;
}

/** Gate → gate: a job's leader gate and everything needed to adopt it (§5.13). */
export interface GateJobReplica {
  job: JobSpec;
  leaderGate: NodeId;
  fenceToken: number;
  acceptedAtUs: number;
  targetDcs: string[];
  /** `dc=manager` pairs for the DCs that accepted, in target order. */
  dcManagers: string[];
  terminal: boolean;
  /** The job's outcome once terminal at its leader gate. */
  outcome: JobOutcome | null;
}
export interface JobLeadershipAnnouncement {
  type: "job-leadership-announcement";
  replica: GateJobReplica;
}
/** Gate → gate: may I hold this job's lease? (the create_lease commit of §5.13, by majority). */
export interface JobLeaseRequest {
  type: "job-lease-request";
  jobId: string;
  /**
   * An adoption (§3.18 `force`): take the lease over from this dead former leader. Peers
   * grant it unless they know of another holder or know the job is over.
   */
  forceFrom: NodeId | null;
  /** A finalisation (§5.16 "happens once"): the holder finishes the job with this outcome. */
  finish: JobOutcome | null;
  /** When the requester gives up on this round, by its own clock. */
  deadlineUs: number;
}
export interface JobLeaseGrant {
  type: "job-lease-grant";
  jobId: string;
  granted: boolean;
  /** The holder the answering gate knows (null: none recorded any more). */
  holder: NodeId | null;
  /** Refused because the answering gate knows the job is over (finished, or deleted after it). */
  over: boolean;
  /** With `over`: the outcome the holder finished the job with, when the answering gate knows it. */
  finished: JobOutcome | null;
}
export interface JobLeaderGateTransfer {
  type: "job-leader-gate-transfer";
  jobId: string;
  newGate: NodeId;
  fenceToken: number;
}
/**
 * A manager's answer to a gate transfer. `accepted = false` names the gate it already
 * follows (a higher or equal token won). `finalDelivered` says the DC's final result was
 * already acked by the previous leader gate, with `status`, so the adopter inherits the
 * job's terminal state instead of reaching a second one.
 */
export interface JobLeaderGateTransferAck {
  type: "job-leader-gate-transfer-ack";
  jobId: string;
  datacenter: string;
  accepted: boolean;
  currentGate: NodeId | null;
  currentFenceToken: number;
  finalDelivered: boolean;
  status: JobOutcome | null;
}
export interface GateJobLeaderTransfer {
  type: "gate-job-leader-transfer";
  jobId: string;
  newGate: NodeId;
  fenceToken: number;
}

/**
 * Client → gate (PROTOCOL §2.5 RegisterCallback): re-attach to a job whose result has not
 * come. The gate answers with the job's current status (and re-sends a final result).
 */
export interface RegisterCallback {
  type: "register-callback";
  jobId: string;
}
export interface RegisterCallbackResponse {
  type: "register-callback-response";
  jobId: string;
  /** False: this gate knows nothing of the job (never had it, or forgot it long ago). */
  known: boolean;
  /** The final outcome when the job is over, else null (still running). */
  status: JobOutcome | null;
  /** The gate that leads the job, when known. */
  leaderGate: NodeId | null;
}

/** The reply to a message its receiver does not handle or cannot parse. */
export interface ErrorReply {
  type: "error-reply";
  inReplyTo: string;
  reason: string;
}

export type ClusterMessage =
  | MembershipMessage
  | ElectionMessage
  | WorkerRegistration
  | RegistrationResponse
  | WorkerHeartbeat
  | ManagerRegistration
  | ManagerRegistrationResponse
  | ManagerHeartbeat
  | JobSubmission
  | JobAck
  | WorkflowDispatch
  | WorkflowDispatchAck
  | WorkflowProgress
  | WorkflowProgressAck
  | JobProgress
  | JobProgressAck
  | WorkflowFinalResult
  | WorkflowFinalResultAck
  | JobFinalResult
  | JobFinalResultAck
  | GlobalJobResult
  | GlobalJobResultAck
  | WorkflowCancelRequest
  | WorkflowCancelResponse
  | JobGlobalTimeout
  | JobStateSync
  | JobStateSyncAck
  | JobStatePull
  | JobStatePullResponse
  | JobSuperseded
  | JobLeaderWorkerTransfer
  | JobLeaderWorkerTransferAck
  | JobLeaderManagerTransfer
  | JobLeaderManagerTransferAck
  | JobLeadershipAnnouncement
  | JobLeaderGateTransfer
  | JobLeaseRequest
  | JobLeaseGrant
  | JobLeaderGateTransferAck
  | GateJobLeaderTransfer
  | RegisterCallback
  | RegisterCallbackResponse
  | ErrorReply;

export type MessageType = ClusterMessage["type"];

const MEMBERSHIP_TYPES: ReadonlySet<string> = new Set([
  "probe",
  "ack",
  "ping-req",
  "ping-req-ack",
  "suspect",
  "alive",
  "dead",
]);
const ELECTION_TYPES: ReadonlySet<string> = new Set([
  "pre-vote-req",
  "pre-vote-resp",
  "leader-claim",
  "leader-vote",
  "leader-heartbeat",
  "leader-heartbeat-ack",
  "leader-stepdown",
]);

export function isMembershipMessage(msg: ClusterMessage): msg is MembershipMessage {
  return MEMBERSHIP_TYPES.has(msg.type);
}

export function isElectionMessage(msg: ClusterMessage): msg is ElectionMessage {
  return ELECTION_TYPES.has(msg.type);
}

export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
