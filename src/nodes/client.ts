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
  attempts: number;
  gate: NodeId | null;
  /** A gate a rejection named as the job's lease holder: try it next. */
  hint: NodeId | null;
  accepted: boolean;
  result: JobOutcome | null;
  timer: TimerHandle;
}

export class ClientNode implements SimNode<ClusterMessage> {
  readonly submissions = new Map<string, Submission>();
  /** Jobs with an answer, in the order answered: forgotten once answeredJobRetentionMs old. */
  private answered: { s: Submission; atUs: number }[] = [];
  private answeredHead = 0;
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
    const s: Submission = { spec, attempts: 0, gate: null, hint: null, accepted: false, result: null, timer: -1 };
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
      case "gate-job-leader-transfer": {
        const s = this.submissions.get(msg.jobId);
        if (s !== undefined) s.gate = msg.newGate;
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
      case "job-leader-worker-transfer":
      case "job-leader-worker-transfer-ack":
      case "job-leader-manager-transfer":
      case "job-leader-manager-transfer-ack":
      case "job-leadership-announcement":
      case "job-leader-gate-transfer":
      case "job-leader-gate-transfer-ack":
      case "job-lease-request":
      case "job-lease-grant":
        return this.env.send(from, { type: "error-reply", inReplyTo: msg.type, reason: "not handled by client" });
      default:
        return assertNever(msg, "message");
    }
  }

  private trySend(s: Submission): void {
    if (this.gates.length === 0) return;
    const gate = s.hint ?? this.gates[s.attempts % this.gates.length];
    if (gate === undefined) return;
    s.hint = null;
    s.attempts++;
    s.gate = gate;
    this.env.send(gate, { type: "job-submission", job: s.spec, originGate: null, gateFenceToken: 0 });
    s.timer = this.env.after(this.cfg.requestTimeoutMs * 1000, () => this.retry(s, "timeout"));
  }

  private onAck(from: NodeId, jobId: string, accepted: boolean, error: string | null, leader: NodeId | null): void {
    const s = this.submissions.get(jobId);
    // A late acceptance from a gate tried earlier still counts: that gate owns the job.
    if (s === undefined || s.accepted || (!accepted && s.gate !== from)) return;
    this.env.cancel(s.timer);
    s.timer = -1;
    if (!accepted) {
      if (leader !== null && this.gates.includes(leader)) s.hint = leader;
      return this.retry(s, error ?? "rejected");
    }
    s.accepted = true;
    s.gate = from;
    this.env.emit("client.accepted", { job: jobId, gate: from });
  }

  private retry(s: Submission, reason: string): void {
    s.timer = -1;
    if (s.accepted || s.result !== null) return;
    if (s.attempts >= this.cfg.submitMaxAttempts) {
      this.env.emit("client.rejected", { job: s.spec.jobId, reason });
      this.answered.push({ s, atUs: this.env.localNow() });
      return;
    }
    const capMs = this.cfg.submitRetryBaseMs * 2 ** Math.min(s.attempts, 4);
    s.timer = this.env.after(this.rng.int(this.cfg.submitRetryBaseMs * 500, capMs * 1000), () => this.trySend(s));
  }

  private onResult(jobId: string, status: JobOutcome): void {
    this.forgetOldAnswers();
    const s = this.submissions.get(jobId);
    if (s === undefined) return;
    if (s.result !== null) {
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
