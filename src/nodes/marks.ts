// Every coverage mark the cluster nodes set with `env.mark(name)` (src/sim/coverage.ts), with
// the protocol branch it stands for. A sweep with `--coverage` counts, per mark, how many
// seeds reached it; a mark no seed reaches is a branch no seed tests.
//
// A mark the chaos sweep cannot reach by design, or reaches in only a few seeds per
// thousand (so the 200 seeds of `npm test` would lose it at the next unrelated change), is
// declared with `notInChaos`: the reason, and the scripted scenario that reaches it instead. Defensive branches that no run can
// reach (a DC result from a DC never targeted, a leader hearing another leader of its own
// term) carry no mark: a mark is a promise that some run gets there. test/nodes/marks.test.ts keeps this
// list and the `mark(...)` calls in step, and runs the default chaos sweep of `npm test`
// to prove that every other mark is reached.

export interface MarkSpec {
  /** The branch, in a few words. */
  readonly what: string;
  /** Set when the chaos sweep cannot be relied on to reach the mark: why, and which scenario reaches it. */
  readonly notInChaos?: { readonly why: string; readonly reachedBy: string };
}

const m = (what: string): MarkSpec => ({ what });

export const MARKS = {
  // Membership (parts/membership.ts, parts/probe-rounds.ts).
  "membership.learned.direct": m("a message from a node not in the table adds it, confirmed"),
  "membership.suspect.probe": m("a failed probe round suspects a confirmed member"),
  "membership.suspect.gossip": m("a suspect gossip starts a suspicion here"),
  "membership.suspect.confirmed": m("an independent confirmer shortens a running suspicion"),
  "membership.suspect.refuted": m("a suspect member came back with a higher incarnation"),
  "membership.suspect.toldToRefute": m("a suspect member talked to us; we tell it so it can refute"),
  "membership.dead.probe": m("a suspicion deadline passed: DEAD"),
  "membership.dead.gossip": m("a dead gossip made a member DEAD"),
  "membership.dead.toldToRefute": m("a member we hold DEAD talked to us at its old incarnation; we tell it"),
  "membership.refute.suspicion": m("this node refuted a suspicion about itself"),
  "membership.refute.death": m("this node refuted its own death with the zombie bump"),
  "membership.refute.rateLimited": {
    what: "a refutation was refused by the rate limit",
    notInChaos: {
      why: "real peers suspect a node once per failed probe round, far below 5 refutations in 10 s: needs a stand-in that suspects it on purpose",
      reachedBy: "cluster/refutation-rate-limit",
    },
  },
  "membership.zombie.refused": m("a DEAD member's return inside the zombie window with too low an incarnation"),
  "membership.join.restarted": m("DEAD → OK inside the zombie window with a restart-sized incarnation"),
  "membership.join.afterWindow": m("DEAD → OK after the zombie window"),
  "membership.restart.detected": m("a live member came back with a restart-sized incarnation jump"),
  "membership.sweep.unconfirmed": m("a member that never confirmed was dropped"),
  "membership.sweep.dead": m("a DEAD member past deadMemberRetentionMs was dropped"),
  "membership.purged": m("a gate purged a dead peer from its table"),
  "membership.lhm.atMax": m("the local health multiplier would pass its maximum"),
  "probe.direct.retry": m("a probe went unanswered and is sent again"),
  "probe.indirect.sent": m("direct probes failed: ping-req through proxies"),
  "probe.indirect.noProxy": m("direct probes failed and no healthy proxy exists"),
  "probe.indirect.reached": m("a proxy reached the target for us"),
  "probe.round.failed": m("a whole probe round failed"),
  "probe.proxy.reached": m("as a proxy, this node reached the target"),
  "probe.proxy.unreached": m("as a proxy, this node got no answer from the target"),

  // Election and quorum (parts/election.ts, parts/quorum.ts).
  "election.ineligible": m("the lease expired but this node may not stand (not active, or LHM too high)"),
  "election.preVote.started": m("a pre-vote round started"),
  "election.preVote.granted": m("a pre-vote was granted"),
  "election.preVote.denied": m("a pre-vote was denied (a lease still valid, or no higher term)"),
  "election.preVote.roundFailed": m("a pre-vote round ended without a majority"),
  "election.candidacy": m("a candidate raised the term and asked for votes"),
  "election.vote.granted": m("a vote was granted"),
  "election.vote.denied": m("a vote was denied (already voted this term, or the term moved)"),
  "election.vote.roundFailed": m("a candidacy ended without a majority"),
  "election.won": m("a candidate won its election"),
  "election.staleLeaderAnswered": m("a heartbeat from an older term was answered with ours"),
  "election.stepdown.heard": m("a follower heard its leader step down"),
  "election.stepdown.quorum": m("a leader stepped down after failed quorum checks"),
  "election.stepdown.higherTerm": m("a leader or candidate saw a higher term"),
  "election.leaseLapsed": m("no majority acked a leader's heartbeats in time: it stops acting as leader"),
  "election.leaseRestored": m("a leader whose lease had lapsed is backed by a majority again"),
  "election.candidacy.yielded": m("a (pre-)candidate heard a leader's heartbeat and stood down"),
  "quorum.check.failed": m("a leader's quorum check failed"),

  // Gate peer reaping (parts/dead-peer-reaper.ts).
  "reaper.unhealthy": m("a peer's unhealthy clock started"),
  "reaper.healthy.wasUnhealthy": m("an unhealthy peer recovered before it was reaped"),
  "reaper.healthy.wasDead": m("a reaped (dead) peer recovered before it was purged"),
  "reaper.dead": m("a peer unhealthy for the reap interval became dead"),
  "reaper.purged": m("a dead peer was purged after twice the reap interval"),

  // Registration (parts/registrar.ts).
  "registrar.accepted": m("a registration was accepted"),
  "registrar.refused": {
    what: "a registration was refused",
    notInChaos: {
      why: "every chaos topology's gates are configured with every DC: needs a manager of a DC its gate does not know",
      reachedBy: "cluster/unknown-dc-registration",
    },
  },
  "registrar.retry": m("an unanswered registration was sent again"),

  // Deleted-job ledger (parts/deleted-jobs.ts).
  "ledger.deleted.expired": m("a deleted job's id was forgotten after the committed TTL"),

  // Gate: submissions and leases (gate/index.ts, gate/leases.ts).
  "gate.submit.known": m("a submission of a job some gate already owns is acked, not re-created"),
  "gate.submit.noQuorum": m("a submission refused: no gate quorum"),
  "gate.submit.initializing": m("a submission refused: no DC known yet"),
  "gate.submit.alreadyDeleted": m("a late submission of a job deleted here got the cached answer"),
  "gate.lease.acquiredAlone": m("a single gate took a job lease without asking"),
  "gate.lease.acquired": m("a majority of gates granted a job lease"),
  "gate.lease.heldElsewhere": m("a submission refused: another gate holds the job's lease"),
  "gate.lease.inProgress": m("a submission refused: the lease is being acquired already"),
  "gate.lease.timeout": m("a lease acquisition timed out without a majority"),
  "gate.lease.expiredRequest": m(
    "a lease request the requester gave up on long ago (this gate was paused) is dropped, not granted",
  ),
  "gate.lease.lateGrant": {
    what: "a grant arrived after its round's timeout (the gate was paused): the round fails",
    notInChaos: {
      why: "needs a gate paused inside the 2 s between sending its lease requests and its round's timeout, with the grants reaching it while paused: found by chaos seeds 1732 and 1826, reached by no seed of the 200-seed sweep",
      reachedBy: "cluster/lease-late-grant",
    },
  },
  "gate.lease.grant": m("this gate granted a peer a job lease"),
  "gate.lease.refuse": m("this gate refused a peer a job lease (another holder)"),
  "gate.lease.refused": m("a peer refused this gate a job lease"),
  "gate.lease.expired": m("a led job's lease ran out (the gate was paused or cut off): it is revalidated"),
  "gate.lease.notRenewed": m("no gate quorum: a led job's lease was not renewed"),
  "gate.lease.forgotten": m("a lease holder past retention was forgotten"),
  "gate.registration.unknownDc": {
    what: "a manager from outside the configured topology was refused",
    notInChaos: {
      why: "every chaos topology's gates are configured with every DC: needs a manager of a DC its gate does not know",
      reachedBy: "cluster/unknown-dc-registration",
    },
  },
  "gate.manager.unhealthy": m("a manager's heartbeat went stale"),
  "gate.manager.healthy": m("a stale manager's heartbeat became fresh again"),

  // Gate: dispatch and results (gate/jobs.ts).
  "gate.accept.noUsableDc": m("an accepted job failed at once: no usable DC"),
  "gate.accept.multiDc": m("a job was sent to more than one DC"),
  "gate.dispatch.timeout": m("a manager did not answer a dispatch in time"),
  "gate.dispatch.redirect": m("a non-leader manager redirected the dispatch to its leader"),
  "gate.dispatch.refused": m("a manager refused the dispatch"),
  "gate.dispatch.afterTerminal": {
    what: "a DC accepted the dispatch after the job had already ended early",
    notInChaos: {
      why: "needs one DC to fail the job while the dispatch to another is still unanswered: about 3 chaos seeds in 1,000, too few for the 200-seed sweep to rely on",
      reachedBy: "cluster/dispatch-after-terminal",
    },
  },
  "gate.dispatch.pastTimeout": m(
    "a dispatch to a DC not started because the job is past its timeout (the timeout check ends it)",
  ),
  "gate.dispatch.nextManager": m("the retries on one manager ran out: the next manager"),
  "gate.dc.failover": m("every manager of a DC failed: the next DC takes the job"),
  "gate.dc.failedNoFallback": m("every manager of a DC failed and no DC is left to fail over to"),
  "gate.result.notLeader": m("a DC result for a job this gate does not lead is left unacked"),
  "gate.result.fromFailedDc": m("a late DC result from a DC the gate gave up on"),
  "gate.result.duplicate": m("a DC result that was already recorded"),
  "gate.result.staleToken": {
    what: "a DC result under an older job-leader token",
    notInChaos: {
      why: "a takeover gathers a majority's copies, so it sees any ending the old leader could still report: only an old leader that finishes after a later epoch's takeover gets here, which no chaos seed in 1,000 does; a scripted DC plays both leaders",
      reachedBy: "cluster/stale-dc-result",
    },
  },
  "gate.result.afterTerminal": m("a DC result after the job was finalised"),
  "gate.result.inherited": {
    what: "an adopter learned a DC result the old leader gate had acked",
    notInChaos: {
      why: "needs a leader gate to die between acking one DC's result and the job's end, and a peer to adopt: about 1 chaos seed in 1,000",
      reachedBy: "cluster/adoption-inherits-result",
    },
  },
  "gate.finalize.allReported": m("a job finalised with every target DC reported"),
  "gate.finalize.early": m("a job finalised early: a reported DC fixes a non-COMPLETED outcome"),
  "gate.finalize.noDcAccepted": m("a job failed: no DC accepted it"),
  "gate.result.resent": m("the global result was sent again (the client had not acked)"),
  "gate.result.clientAcked": m("the client acked the global result"),
  "gate.progress.outOfOrder": m("a progress update at or below the last sequence was ignored"),
  "gate.managerTransfer.applied": m("a DC's new job leader (higher token) replaced the old one"),
  "gate.managerTransfer.stale": m("a job-leader transfer with a token not above ours was ignored"),
  "gate.managerTransfer.notOurs": m("a job-leader transfer for a job this gate does not lead"),
  "gate.timeout.global": m("a job timed out globally"),
  "gate.callback.running": m("a client re-attached to a running job"),
  "gate.callback.finished": m("a client re-attached to a finished job: its outcome is sent"),
  "gate.callback.fromLedger": m("a client re-attached to a job deleted here: its outcome from the ledger"),
  "gate.callback.unknownJob": m("a client re-attached to a job this gate does not know"),
  "gate.cleanup.expired": m("a terminal job was deleted after retention"),
  "gate.cleanup.staleReplica": m("a replica whose job must long be over was deleted"),
  "gate.restart.resumeJob": m("a restarted gate re-acquired a led job's lease and resumed it"),
  "gate.restart.leaseRetry": m("a restarted gate found no lease majority yet and will ask again"),
  "gate.lease.refuseOver": m("this gate refused a lease request for a job it knows is over"),
  "gate.lease.refusedOver": m("a peer refused a lease request: the job is over"),
  "gate.lease.finishGranted": m("this gate recorded a peer finishing a job it holds"),
  "gate.finalize.completedAfterRestart": m("a gate's finish round had a majority before it crashed: it completes it"),
  "gate.finalize.resumedAfterRestart": m("a restarted gate completes the finish round it had started"),
  "gate.finalize.refusedByHolder": m(
    "a finish round was refused by peers that name another holder: the gate keeps its ending and retries",
  ),
  "gate.finalize.noMajority": m("a finalisation found no majority of gates yet: retried"),
  "gate.replica.finishedElsewhere": m("a replica learned from the finish round that its job is over"),
  "gate.ledger.finishedWithoutReplica": m(
    "a finish round for a job with no replica here was kept in the deleted-jobs ledger",
  ),

  // Gate: ownership across gates (gate/orphans.ts).
  "gate.replica.ofDeletedJob": m("a claim for a job that ended and was deleted here was ignored"),
  "gate.replica.new": m("a peer's job announcement created a replica"),
  "gate.replica.updated": m("a peer's job announcement updated a replica"),
  "gate.replica.stale": {
    what: "an announcement with a lower token than ours was ignored",
    notInChaos: {
      why: "needs a dead leader gate's announcement to arrive after another gate adopted its job: about 1 chaos seed in 1,000",
      reachedBy: "cluster/adoption-inherits-result",
    },
  },
  "gate.job.orphaned": m("a job's leader gate died: the replica is orphaned"),
  "gate.adopt.firstRanked": m("the first-ranked gate adopted an orphaned job"),
  "gate.adopt.coveringRank": m("a lower-ranked gate adopted an orphaned job the first could not"),
  "gate.adopt.noMajority": m("an adoption found no majority of gates to hand it the lease: retried later"),
  "gate.lease.forceGranted": m("this gate handed a dead gate's job lease to an adopter"),
  "gate.adopt.resumeDispatch": m("an adopter resumed the dispatch of a DC not yet accepted"),
  "gate.adopt.transferAcked": m("a manager acknowledged the adopting gate"),
  "gate.adopt.transferRefused": m("a manager refused a gate transfer"),
  "gate.adopt.transferResent": m("an unacknowledged gate transfer was sent again"),
  "gate.adopt.steppedBack": m("a gate stopped leading a job another gate adopted with a higher token"),

  // Manager: submissions, replicas, peers and workers (manager/index.ts).
  "manager.submit.known": m("a retried dispatch of a job that already has a leader here"),
  "manager.submit.notLeader": m("a submission refused: not the DC leader (names the leader)"),
  "manager.submit.alreadyDeleted": m("a late submission of a job deleted here got the cached answer"),
  "manager.replica.stale": m("a replica with a lower token than ours was dropped"),
  "manager.replica.olderVersion": m(
    "an older sync of the job arrived after a newer one (reordered or replayed) and was ignored",
  ),
  "manager.replica.staleClaimAnswered": m("a stale leader's sync was answered with the newer replica"),
  "manager.replica.ofDeletedJob": m("a stale leader synced a job finished and deleted here: told it"),
  "manager.replica.belowForgottenToken": m("a sync older than a replica dropped here as abandoned was ignored"),
  "manager.job.superseded": m("this manager learned the job it led was finished and deleted elsewhere"),
  "manager.result.forDeletedJob": m("a result for a job finished and deleted here was acked and dropped"),
  "manager.gateTransfer.unknownJob": m("a gate transfer for a job this manager does not know"),
  "manager.gateTransfer.applied": m("a gate transfer with a higher token was followed"),
  "manager.gateTransfer.repeat": m("a repeated gate transfer from the gate already followed"),
  "manager.gateTransfer.stale": {
    what: "a gate transfer with a stale token was refused",
    notInChaos: {
      why: "needs a job adopted twice (two leader gates dying in turn, each reaped) with the first adopter's transfer arriving after the second's: no chaos seed in 1,000",
      reachedBy: "cluster/stale-gate-transfer",
    },
  },
  "manager.gateTransfer.finalAlreadyDelivered": {
    what: "an adopting gate learned the DC's result was already delivered",
    notInChaos: {
      why: "needs a leader gate to die after acking a DC's result but before the job's end, and a peer to adopt: about 2 chaos seeds in 1,000",
      reachedBy: "cluster/adoption-inherits-result",
    },
  },
  "manager.heartbeat.stale": m("a worker heartbeat not newer than the last was ignored"),
  "manager.worker.restartedHeartbeat": m("a worker heartbeat with a new incarnation: its runs are lost"),
  "manager.worker.incarnationJump": m("a worker's membership incarnation jumped (restart or refuted death)"),
  "manager.worker.suspectedWithWork": m("a worker holding workflows became suspect"),
  "manager.worker.dead": m("a worker was declared dead: its workflows move"),
  "manager.catchUp.workerDead": {
    what: "back in the lease: an attempt on a worker declared dead meanwhile is failed now",
    notInChaos: {
      why: "needs a job leader's lease to lapse without a new DC leader, for longer than a worker's suspicion, while that worker dies: about 2 chaos seeds in 1,000",
      reachedBy: "cluster/lease-lapse-worker-dies",
    },
  },
  "manager.catchUp.workerRestarted": m(
    "back in the lease: an attempt addressed to a worker's earlier life is failed now",
  ),
  "manager.worker.rejoined": m("a dead worker rejoined"),
  "manager.peer.dead": m("a peer manager died: the DC leader takes over its jobs"),
  "manager.peer.restarted": m("a peer manager restarted unnoticed: its jobs are orphaned"),

  // Manager: the job leader (manager/jobs.ts, manager/takeover.ts).
  "manager.place.backoffWait": m("a requeued workflow waits out its retry backoff"),
  "manager.place.waitForCores": m("no worker has free cores now: the workflow waits"),
  "manager.place.noWorkerLeft": m("every worker that could run a workflow has failed it"),
  "manager.ack.ignored": m("a dispatch ACK for another token or state was ignored"),
  "manager.ack.rejectedTransient": m("a worker refused a dispatch for a transient reason (not blamed)"),
  "manager.ack.rejectedBlamed": {
    what: "a worker refused a dispatch for a reason blamed on it",
    notInChaos: {
      why: "the only blamed refusal a checking manager can get is already-allocated: a leader blames a worker whose ACK times out, so only a takeover that lost track of a running attempt (its worker's transfer ACK lost, or the dispatch never replicated) sends it to that same worker again, and only while the first attempt still runs: about 2 chaos seeds in 500",
      reachedBy: "cluster/takeover-redispatch-running",
    },
  },
  "manager.dispatch.timeout": m("a dispatch was not acked in time (blamed on the worker)"),
  "manager.retry.blamed": m("a failed attempt requeued with exponential backoff, avoiding the worker"),
  "manager.retry.unblamed": m("a failed attempt requeued without blaming the worker"),
  "manager.retry.exhausted": m("a workflow failed for good: no attempts left"),
  "manager.retry.jobTimedOut": m("a failed attempt of a timed-out job is not retried"),
  "manager.progress.ignored": m("progress for another token, a non-led or finished job was ignored"),
  "manager.result.notLeader": m("a workflow result for a job this manager does not lead is refused"),
  "manager.result.awaitingReconcile": {
    what: "a result with a token the takeover has not learned yet stays unacked",
    notInChaos: {
      why: "needs an uncommitted dispatch, a takeover, and the worker's result overtaking its transfer ACK: about 2 chaos seeds in 1,000",
      reachedBy: "cluster/takeover-unsynced-dispatch",
    },
  },
  "manager.result.stale": m("a workflow result under another token was ignored"),
  "manager.result.duplicate": m("a repeated result for a finished workflow was ignored"),
  "manager.result.beforeAck": m("a workflow result arrived before its dispatch ACK"),
  "manager.result.orphanedOnWorker": m("a worker cancelled an orphaned run: the workflow is retried"),
  "manager.result.cancelled": m("a workflow ended cancelled"),
  "manager.result.failed": m("a worker reported a failed run"),
  "manager.job.completed": m("every workflow of a job completed in this DC"),
  "manager.job.partlyFailed": m("a job completed in this DC with some workflows failed"),
  "manager.job.failed": m("every workflow of a job failed in this DC"),
  "manager.job.timedOut": m("a timed-out job finished in this DC"),
  "manager.final.resent": m("the DC final result was sent again (not acked yet)"),
  "manager.final.acked": m("the gate acked the DC final result"),
  "manager.final.gaveUp": m("the gate stayed silent past the fallback: the final result is no longer sent"),
  "manager.timeout.global": m("the gate's global timeout reached the job leader"),
  "manager.timeout.pendingCancelled": m("a pending workflow was cancelled by the global timeout"),
  "manager.timeout.cancelSent": m("a running workflow was sent a cancel by the global timeout"),
  "manager.cleanup.expired": m("a terminal job was deleted after retention"),
  "manager.cleanup.abandonedReplica": m("a replica whose leader went silent was deleted"),
  "manager.takeover.running": m(
    "a running job was taken over from a leader that died, restarted or lost the DC leadership",
  ),
  "manager.takeover.finished": m("a finished job was taken over (it may still owe its final result)"),
  "manager.takeover.ownAfterRestart": m(
    "a restarted DC leader takes over the jobs it led in its earlier life (from its durable ledger)",
  ),
  "manager.takeover.gatherRetry": m("a takeover still lacks a majority's copies of the job and asks again"),
  "manager.takeover.alreadyFinished": m(
    "a peer answered a takeover's gather with 'over and deleted': the leftover copy is dropped",
  ),
  "manager.ledger.reloaded": m("a restarted manager reloaded its durable job ledger"),
  "manager.job.reclaimedAfterElection": m("a re-elected leader takes over again a job it led in an earlier term"),
  "manager.takeover.gateNoticeResent": m("the job-leader transfer to the gate was sent again"),
  "manager.reconcile.confirmed": m("a worker confirmed a workflow to the new job leader"),
  "manager.reconcile.staleState": {
    what: "a worker reported an older attempt than the replica knows",
    notInChaos: {
      why: "needs a worker still holding an attempt its job leader gave up on, and a takeover while it also holds live work of the job: about 4 chaos seeds in 1,000",
      reachedBy: "cluster/takeover-stale-attempt",
    },
  },
  "manager.reconcile.alreadyOver": m("a worker reported a workflow the new leader already knows is over"),
  "manager.reconcile.resultAlreadyTaken": m(
    "a worker reported a finished attempt whose result already requeued the workflow",
  ),
  "manager.reconcile.lost": m("no worker confirmed a live workflow: requeued after takeover"),

  // Worker (worker.ts, worker-leadership.ts).
  "worker.dispatch.staleIncarnation": m("a dispatch addressed to an earlier life of this worker was refused"),
  "worker.dispatch.queueFull": m("a dispatch refused: too many runs"),
  "worker.dispatch.staleToken": m("a dispatch refused: its token is not above the last"),
  "worker.dispatch.insufficientCores": m("a dispatch refused: not enough free cores"),
  "worker.dispatch.alreadyAllocated": {
    what: "a dispatch refused: the sub-workflow already holds cores",
    notInChaos: {
      why: "a leader blames a worker whose ACK times out, so only a takeover that lost track of a running attempt (its worker's transfer ACK lost, or the dispatch never replicated) sends it to that same worker again, and only while the first attempt still runs: about 2 chaos seeds in 500",
      reachedBy: "cluster/takeover-redispatch-running",
    },
  },
  "worker.run.completed": m("a run completed"),
  "worker.run.failed": m("a run failed"),
  "worker.run.cancelled": m("a run was cancelled on request"),
  "worker.run.orphaned": m("a run's job leader died: the run is orphaned"),
  "worker.run.orphanExpired": m("an orphaned run was cancelled after the grace period"),
  "worker.result.heldForNewLeader": m("a finished run's result waits for a new job leader"),
  "worker.result.resent": m("an unacked final result was sent again"),
  "worker.result.expired": m("a result no manager took by its job's timeout was dropped"),
  "worker.reported.expired": m("an acked result kept for a later takeover reached its job's timeout and was dropped"),
  "worker.resultAck.accepted": m("the job leader acked a final result"),
  "worker.resultAck.refused": m("the job leader refused a final result (not its job, or reconciling)"),
  "worker.resultAck.stale": m("an ack for another token or an already acked result"),
  "worker.cancel.running": m("a cancel request stopped a run"),
  "worker.cancel.notRunning": m("a cancel request for a run that is not here"),
  "worker.transfer.accepted": m("a job-leader transfer was accepted"),
  "worker.transfer.duplicate": m("a repeated job-leader transfer was acked unchanged"),
  "worker.transfer.reReported": m("a new job leader hears again a result the old leader had acked"),
  "worker.transfer.staleToken": m("a job-leader transfer with a stale token was refused"),
  "worker.manager.reregister": m("a restarted manager: the worker registers again"),
  "worker.managers.metThroughRegistration": m(
    "a registration answer named a healthy manager this worker had declared dead or forgotten: it registers with it",
  ),
  "worker.managers.rediscover": m("every manager of the DC is DEAD here: the worker registers with all of them again"),
  "worker.fence.forgotten": m("fence tokens of work over for fenceRetentionMs were dropped"),
  "worker.progressAck.rerouted": m("a progress ack named a new job leader"),
  "worker.progressAck.staleLeader": {
    what: "a progress ack older than the last transfer named a former leader: ignored",
    notInChaos: {
      why: "needs an old job leader's progress ack delayed (replayed or held) past a takeover and its transfer to the worker, while the run still goes on: found by chaos seed 1595, reached by no seed of the 200-seed sweep",
      reachedBy: "cluster/progress-ack-stale-leader",
    },
  },

  // Client (client.ts).
  "client.submit.timeout": m("a submission went unanswered: the next gate"),
  "client.rejected.hinted": m("a rejection named the lease holder: it is tried next"),
  "client.rejected.retry": m("a rejection: retry after a backoff"),
  "client.accepted.late": m("an earlier gate's acceptance arrived after a retry went elsewhere"),
  "client.gaveUp": m("every submission attempt was refused"),
  "client.gateTransfer": m("an adopting gate told the client it now leads the job"),
  "client.result.duplicate": m("a global result heard a second time"),
  "client.callback.reregister": m("no result yet: the client re-attached to its job's gate"),
  "client.callback.result": m("a re-attachment answered with the job's final outcome"),
  "client.callback.silentGate": m("a re-attachment went unanswered: the next gate is asked"),
  "client.callback.unknown": m("the asked gate did not know the job: the next gate is asked"),
} as const satisfies Record<string, MarkSpec>;

export type MarkName = keyof typeof MARKS;

/** Every declared mark's name, in declaration order. */
export const MARK_NAMES: readonly MarkName[] = Object.keys(MARKS) as MarkName[];

/** The marks as a chaos sweep sees them: each with the scenario that reaches it when chaos cannot. */
export function chaosMarks(): { name: string; reachedBy?: string }[] {
  return Object.entries(MARKS as Record<string, MarkSpec>).map(([name, spec]) =>
    spec.notInChaos === undefined ? { name } : { name, reachedBy: spec.notInChaos.reachedBy },
  );
}
