// The client (PROTOCOL.md §1 client). It submits jobs to the gates — its own seeded
// workload from ClientConfig, or jobs a scenario hands to `submit()` — trying the next
// gate after a rejection or a silent requestTimeoutMs, and acks every global result,
// emitting `client.result` only the first time it hears a job's result. A job it has its
// answer for is forgotten answeredJobRetentionMs later, at its next submission or result (no
// timer of its own, so forgetting adds no event), so a day-long run's client holds only
// recent jobs.
//
// Simplified: no idempotency keys (the job id is the key), no callback re-registration,
// progress pushes or rate-limit cooperation yet.

import type { NodeEnv, NodeFactory, SimNode, TimerHandle } from "../sim/index.js";
import { clientConfig, type ClientConfig } from "./config.js";
import type { ClusterMessage, JobOutcome, JobSpec, NodeId, WorkflowSpec } from "./messages.js";
import { assertNever } from "./messages.js";

interface Submission {
  readonly spec: JobSpec;
  /** Where in the gate list this job starts: jobs are spread over the gates. */
  readonly firstGate: number;
  attempts: number;
  gate: NodeId | null;
  /** A gate a rejection named as the job's lease holder: try it next. */
  hint: NodeId | null;
  accepted: boolean;
  result: JobOutcome | null;
  timer: TimerHandle;
  /** A re-attachment was sent and not answered yet. */
  awaitingCallback: boolean;
}

export class ClientNode implements SimNode<ClusterMessage> {
  readonly submissions = new Map<string, Submission>();
  /** Jobs with an answer, in the order answered: forgotten once answeredJobRetentionMs old. */
  private answered: { s: Submission; atUs: number }[] = [];
  private answeredHead = 0;
  /**
   * Job ids submitted so far (what submissions.size was before jobs were forgotten): where
   * the next job starts in the gate list.
   */
  private distinctJobs = 0;
  private readonly gates: readonly NodeId[];
  private nextJob = 1;
  private readonly rng;

  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly cfg: ClientConfig,
  ) {
    this.gates = env.peers("gate");
    this.rng = env.rng.fork("client");
  }

  // ---- read-only view ----------------------------------------------------------------
  get resultCount(): number {
    let n = 0;
    for (const s of this.submissions.values()) if (s.result !== null) n++;
    return n;
  }
  /** Why the client is not done: jobs without a result (for liveness reports). */
  pending(): string[] {
    const out: string[] = [];
    for (const s of this.submissions.values()) {
      if (s.result === null && (s.accepted || s.timer !== -1))
        out.push(
          `${s.spec.jobId}: ${s.accepted ? `accepted by ${s.gate ?? "?"}, no global result yet` : "not yet accepted"}`,
        );
    }
    return out;
  }

  start(): void {
    this.env.emit("node.started", { role: "client", incarnation: this.env.incarnation });
    if (this.cfg.jobCount > 0) this.env.after(this.cfg.firstSubmitDelayMs * 1000, this.onSubmitDue);
  }

  /**
   * The model workload: one job, then the timer for the next. One pending timer however
   * many jobs the run submits (a day at 1 job/s is 86,400), rather than one per job from
   * the start.
   */
  private readonly onSubmitDue = (): void => {
    this.submit(this.makeJob());
    if (this.nextJob <= this.cfg.jobCount) this.env.after(this.cfg.submitIntervalMs * 1000, this.onSubmitDue);
  };

  /** Submits a job (the scripted workload uses this too). */
  submit(spec: JobSpec): void {
    this.forgetOldAnswers();
    const s: Submission = {
      spec,
      firstGate: this.distinctJobs,
      attempts: 0,
      gate: null,
      hint: null,
      accepted: false,
      result: null,
      timer: -1,
      awaitingCallback: false,
    };
    if (!this.submissions.has(spec.jobId)) this.distinctJobs++;
    this.submissions.set(spec.jobId, s);
    this.env.emit("client.submitted", { job: spec.jobId });
    this.trySend(s);
  }

  makeJob(): JobSpec {
    const jobId = `${this.env.id}-j${this.nextJob++}`;
    const workflows: WorkflowSpec[] = [];
    for (let w = 1; w <= this.cfg.workflowsPerJob; w++) {
      workflows.push({
        workflowId: `w${w}`,
        name: `workflow-${w}`,
        cores: this.cfg.coresPerWorkflow,
        declaredDurationMs: this.cfg.workflowDurationMs,
      });
    }
    return {
      jobId,
      workflows,
      timeoutMs: this.cfg.jobTimeoutMs,
      datacenterCount: this.cfg.datacenterCount,
      callbackAddr: this.env.id,
    };
  }

  receive(from: NodeId, msg: ClusterMessage): void {
    switch (msg.type) {
      case "job-ack":
        return this.onAck(from, msg.jobId, msg.accepted, msg.error, msg.leader);
      case "global-job-result":
        this.env.send(from, { type: "global-job-result-ack", jobId: msg.jobId });
        return this.onResult(msg.jobId, msg.status);
      case "register-callback-response":
        return this.onCallbackResponse(from, msg.jobId, msg.known, msg.status, msg.leaderGate);
      case "gate-job-leader-transfer": {
        const s = this.submissions.get(msg.jobId);
        if (s === undefined) return;
        this.env.mark("client.gateTransfer");
        s.gate = msg.newGate;
        return;
      }
      case "error-reply":
        return;
      case "probe":
      case "ack":
      case "ping-req":
      case "ping-req-ack":
      case "suspect":
      case "alive":
      case "dead":
      case "pre-vote-req":
      case "pre-vote-resp":
      case "leader-claim":
      case "leader-vote":
      case "leader-heartbeat":
      case "leader-heartbeat-ack":
      case "leader-stepdown":
      case "worker-registration":
      case "registration-response":
      case "worker-heartbeat":
      case "manager-registration":
      case "manager-registration-response":
      case "manager-heartbeat":
      case "job-submission":
      case "workflow-dispatch":
      case "workflow-dispatch-ack":
      case "workflow-progress":
      case "workflow-progress-ack":
      case "job-progress":
      case "job-progress-ack":
      case "workflow-final-result":
      case "workflow-final-result-ack":
      case "job-final-result":
      case "job-final-result-ack":
      case "global-job-result-ack":
      case "workflow-cancel-request":
      case "workflow-cancel-response":
      case "job-global-timeout":
      case "job-state-sync":
      case "job-superseded":
      case "job-state-sync-ack":
      case "job-state-pull":
      case "job-state-pull-response":
      case "job-leader-worker-transfer":
      case "job-leader-worker-transfer-ack":
      case "job-leader-manager-transfer":
      case "job-leader-manager-transfer-ack":
      case "job-leadership-announcement":
      case "job-leader-gate-transfer":
      case "job-leader-gate-transfer-ack":
      case "job-lease-request":
      case "job-lease-grant":
      case "register-callback":
        return this.env.send(from, { type: "error-reply", inReplyTo: msg.type, reason: "not handled by client" });
      default:
        return assertNever(msg, "message");
    }
  }

  private trySend(s: Submission): void {
    if (this.gates.length === 0) return;
    const gate = s.hint ?? this.gates[(s.firstGate + s.attempts) % this.gates.length];
    if (gate === undefined) return;
    s.hint = null;
    s.attempts++;
    s.gate = gate;
    this.env.send(gate, { type: "job-submission", job: s.spec, originGate: null, gateFenceToken: 0 });
    s.timer = this.env.after(this.cfg.requestTimeoutMs * 1000, () => {
      this.env.mark("client.submit.timeout");
      this.retry(s, "timeout");
    });
  }

  private onAck(from: NodeId, jobId: string, accepted: boolean, error: string | null, leader: NodeId | null): void {
    const s = this.submissions.get(jobId);
    // A late acceptance from a gate tried earlier still counts: that gate owns the job.
    if (s === undefined || s.accepted || (!accepted && s.gate !== from)) return;
    this.env.cancel(s.timer);
    s.timer = -1;
    if (!accepted) {
      if (leader !== null && this.gates.includes(leader)) {
        this.env.mark("client.rejected.hinted");
        s.hint = leader;
      } else this.env.mark("client.rejected.retry");
      return this.retry(s, error ?? "rejected");
    }
    if (from !== s.gate) this.env.mark("client.accepted.late");
    s.accepted = true;
    s.gate = from;
    this.awaitResult(s);
    this.env.emit("client.accepted", { job: jobId, gate: from });
  }

  private retry(s: Submission, reason: string): void {
    s.timer = -1;
    if (s.accepted || s.result !== null) return;
    if (s.attempts >= this.cfg.submitMaxAttempts) {
      this.env.mark("client.gaveUp");
      this.env.emit("client.rejected", { job: s.spec.jobId, reason });
      this.answered.push({ s, atUs: this.env.localNow() });
      return;
    }
    const capMs = this.cfg.submitRetryBaseMs * 2 ** Math.min(s.attempts, 4);
    s.timer = this.env.after(this.rng.int(this.cfg.submitRetryBaseMs * 500, capMs * 1000), () => this.trySend(s));
  }

  /**
   * While an accepted job has no result, re-attach to its gate every orphanGracePeriodMs
   * (§1 client, §2.5 RegisterCallback): a result lost while the client was cut off is
   * asked for again, from the gate that leads the job or, failing that, from another.
   */
  private awaitResult(s: Submission): void {
    this.env.after(this.cfg.orphanGracePeriodMs * 1000, () => {
      if (s.result !== null || s.gate === null) return;
      if (s.awaitingCallback) {
        // The gate did not answer the last one (down or cut off): ask the next gate.
        this.env.mark("client.callback.silentGate");
        s.gate = this.nextGate(s.gate);
      }
      this.env.mark("client.callback.reregister");
      s.awaitingCallback = true;
      this.env.send(s.gate, { type: "register-callback", jobId: s.spec.jobId });
      this.awaitResult(s);
    });
  }

  private onCallbackResponse(
    from: NodeId,
    jobId: string,
    known: boolean,
    status: JobOutcome | null,
    leaderGate: NodeId | null,
  ): void {
    const s = this.submissions.get(jobId);
    if (s === undefined || s.result !== null) return;
    s.awaitingCallback = false;
    if (status !== null) {
      this.env.mark("client.callback.result");
      return this.onResult(jobId, status);
    }
    if (known && leaderGate !== null && this.gates.includes(leaderGate)) {
      s.gate = leaderGate;
      return;
    }
    // This gate does not know the job: ask the next one next time.
    this.env.mark("client.callback.unknown");
    s.gate = this.nextGate(from);
  }

  private nextGate(after: NodeId): NodeId {
    return this.gates[(this.gates.indexOf(after) + 1) % this.gates.length] ?? after;
  }

  private onResult(jobId: string, status: JobOutcome): void {
    this.forgetOldAnswers();
    const s = this.submissions.get(jobId);
    if (s === undefined) return;
    if (s.result !== null) {
      this.env.mark("client.result.duplicate");
      this.env.emit("client.duplicateResult", { job: jobId });
      return;
    }
    s.result = status;
    if (s.timer !== -1) this.env.cancel(s.timer);
    s.timer = -1;
    this.env.emit("client.result", { job: jobId, status });
    this.answered.push({ s, atUs: this.env.localNow() });
  }

  private forgetOldAnswers(): void {
    const cutoff = this.env.localNow() - this.cfg.answeredJobRetentionMs * 1000;
    const list = this.answered;
    for (let a = list[this.answeredHead]; a !== undefined && a.atUs <= cutoff; a = list[++this.answeredHead]) {
      // A resubmission under the same id after the answer is a new submission: keep it.
      const id = a.s.spec.jobId;
      if (this.submissions.get(id) === a.s) this.submissions.delete(id);
    }
    if (this.answeredHead > 1024 && this.answeredHead * 2 > list.length) {
      this.answered = list.slice(this.answeredHead);
      this.answeredHead = 0;
    }
  }
}

export function clientFactory(overrides: Partial<ClientConfig> = {}): NodeFactory<ClusterMessage> {
  const cfg = clientConfig(overrides);
  return (env) => new ClientNode(env, cfg);
}
