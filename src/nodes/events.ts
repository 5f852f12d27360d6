// Every event kind the cluster nodes emit through `env.emit(kind, detail)`, in one place.
// Checkers (src/nodes/checkers.ts) and scenario assertions read these instead of reaching
// into node internals; the trace records them too. Detail fields are flat scalars.
//
// Keep this list in step with the emit calls: test/nodes/events.test.ts scans the
// sources and fails on an emitted kind that is missing here.

export const EVENT_KINDS = {
  // Lifecycle of a node incarnation.
  "node.started": "a node booted: { role, incarnation } (workers add totalCores)",

  // Membership (src/nodes/parts/membership.ts).
  "member.confirmed": "a peer was heard from directly for the first time: { node, incarnation }",
  "member.suspect":
    "suspicion started: { node, incarnation, lhm, minMs, maxMs } (the Lifeguard bounds, from the start)",
  "member.alive": "a suspicion was refuted by a higher incarnation: { node, incarnation }",
  "member.dead": "not-DEAD → DEAD, once per transition: { node, incarnation, via: probe | gossip }",
  "member.join": "DEAD → OK with an incarnation that passed the zombie guard: { node, incarnation }",
  "member.restarted": "a live member reappeared with a restart-sized incarnation jump: { node, incarnation }",
  "member.refuted": "this node refuted a suspicion or death about itself: { incarnation }",
  "member.forgotten":
    "a member left this node's table (never confirmed, dead past retention, or purged): { node, reason }",

  // Election and quorum (parts/election.ts, parts/quorum.ts).
  "leader.elected": "this node won an election: { group (dc or global), term, votes }",
  "leader.voted": "this node granted its vote in an election: { group, term, candidate }",
  "leader.stepdown": "this node left the leadership: { group, term, reason: quorum | higher-term }",
  "quorum.check": "a leader's periodic quorum check: { ok, streak, active, size }",

  // Gate peer reaping (parts/dead-peer-reaper.ts).
  "peer.healthy": "an unhealthy or dead peer recovered before purge: { peer }",
  "peer.dead": "a peer unhealthy for the reap interval became dead: { peer, unhealthyForMs }",
  "peer.purged": "a peer dead for twice the reap interval was purged: { peer }",
  "peer.recoveryIgnored": "a recovery signal older than the latest failure epoch: { peer, epoch }",

  // Registration and heartbeats.
  "worker.registered": "manager recorded a worker: { worker, totalCores, incarnation }",
  "manager.registered": "gate recorded a manager: { manager, dc }",
  "manager.healthChanged": "gate's view of a manager's heartbeat freshness changed: { manager, dc, healthy }",

  // Jobs at the gate.
  "job.accepted": "a gate accepted a client's job and leads it: { job, fenceToken }",
  "job.rejected":
    "a gate rejected a submission: { job, reason } (quorum unavailable, initializing, lease held by another gate, ...)",
  "job.dispatchAttempt": "the gate sent the job to one manager of a DC: { job, dc, manager }",
  "job.dispatched": "a DC accepted the job: { job, dc, manager, attempts }",
  "job.dcFailed": "every manager of a DC failed the dispatch: { job, dc }",
  "job.dcReported": "the leader gate recorded a DC's final result: { job, dc, status, fenceToken }",
  "job.terminal": "the leader gate finalised the job (exactly once per job): { job, status }",
  "job.orphaned": "a peer gate holding a job's replica saw the leader gate die: { job, formerLeader }",
  "job.terminalInherited":
    "an adopting gate learned the previous leader gate had already finalised the job: { job, status }",
  "job.leadershipLost":
    "a gate stopped leading a job another gate adopted with a higher token: { job, to, fenceToken }",
  "job.adopted": "a gate adopted an orphaned job: { job, fenceToken, from }",
  "lease.expired": "a leader gate's job lease ran out before it was renewed: { job, fenceToken }",
  "job.deleted": "a terminal job's state was removed after retention: { job, role }",

  // Jobs at the manager.
  "job.leaderAccepted": "a DC leader manager accepted a job as its job leader: { job, dc, fenceToken }",
  "job.takeover": "a manager took over a dead job leader's job: { job, dc, fenceToken, from }",
  "job.dcTerminal":
    "a job leader finished the job in its DC, and a majority of the DC's managers hold it: { job, dc, status }",
  "fence.issued": "a job leader handed out a fence token: { job, dc, token, purpose: create | dispatch | takeover }",
  "workflow.dispatched": "PENDING → DISPATCHED: { job, dc, workflow, worker, token, workerIncarnation }",
  "workflow.running": "DISPATCHED → RUNNING (worker acked): { job, dc, workflow, worker, token }",
  "workflow.failed": "→ FAILED: { job, dc, workflow, worker, token, reason, retry, blame }",
  "workflow.orphaned": "a workflow's worker (or job leader) is suspected or dead: { job, workflow, node }",
  "workflow.requeued": "FAILED → PENDING for a retry on another worker: { job, dc, workflow, attempts }",
  "workflow.terminal":
    "the job leader's terminal status, once a majority of the DC's managers hold it: { job, dc, workflow, token, status, reason }",
  "workflow.reconciled":
    "a new job leader took a worker's report of a workflow as the truth: { job, dc, workflow, worker, token, was }",

  // Workers.
  "fence.accepted": "a worker accepted a dispatch token: { job, workflow, token }",
  "fence.rejected": "a worker rejected a stale dispatch or transfer token: { job, workflow, token, last }",
  "workflow.rejected": "a worker refused a dispatch: { job, dc, workflow, token, reason }",
  "cores.allocated": "{ job, workflow, token, cores, inUse, total }",
  "cores.freed": "{ job, workflow, cores, inUse, total }",
  "workflow.started": "a worker started a run: { job, dc, workflow, token }",
  "workflow.finished": "a worker's run ended: { job, dc, workflow, token, status }",
  "transfer.accepted": "a worker accepted a job-leader transfer: { job, leader, token }",
  "transfer.rejected": "{ job, leader, token, reason }",

  // Client.
  "client.submitted": "the client sent a new job: { job }",
  "client.accepted": "a gate accepted the client's job: { job, gate }",
  "client.rejected": "every submission attempt was rejected; the job never entered the system: { job, reason }",
  "client.result": "the client heard the job's global result (first time only): { job, status }",
  "client.duplicateResult": "the client heard a result again (acked, ignored): { job }",
} as const;

export type EventKind = keyof typeof EVENT_KINDS;
