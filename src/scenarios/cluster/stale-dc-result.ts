// cluster/stale-dc-result: a DC result signed with an older job-leader token than the one
// the gate has learned (PROTOCOL §5.12 gate side, §5.24 fencing). The gate must ack it, so
// the stale leader stops sending, but must not count it (gate/jobs.ts onFinalResult,
// staleToken): the DC's outcome is the current job leader's.
//
// Real managers make this nearly impossible to provoke: a takeover gathers a majority's
// copies of the job, which include any ending the old leader committed, so a transfer
// notice never follows a result the old leader could still send. The DC here is therefore
// a script that plays both job leaders of dc1 against the real gate: the old leader
// (dc1-mgr-1) accepts the job; the new one (dc1-mgr-2) announces its takeover with a token
// of a later epoch; then the old leader reports FAILED under its old token, and the new
// leader reports COMPLETED under its own.

import type { NodeEnv, NodeId, SimNode } from "../../sim/index.js";
import type { ClusterMessage, JobOutcome, ManagerHeartbeatBody } from "../../nodes/messages.js";
import { managerConfig } from "../../nodes/config.js";
import { EPOCH_STRIDE } from "../../nodes/parts/fencing.js";
import { Registrar } from "../../nodes/parts/registrar.js";
import { defineScenario } from "../types.js";
import { ClusterWorld } from "./cluster-world.js";
import { expectOne } from "./expect.js";
import { phaseSpecs } from "../phase-specs.js";

const MANAGER = managerConfig();
const STATUS_INTERVAL_US = MANAGER.gateStatusIntervalMs * 1000;
/** The old leader's tokens are of epoch 1 (create, then one dispatch); the new leader's of epoch 2. */
const OLD_TOKEN = EPOCH_STRIDE + 2;
const NEW_TOKEN = 2 * EPOCH_STRIDE + 1;

/** What the script's two managers saw from the gate. */
interface DcLog {
  transferAccepted: boolean | null;
  staleResultAcked: boolean;
  /** Set once the new leader's result is acked: it stops resending. */
  currentResultAcked: boolean;
}

/** dc1's two managers, one script: which node plays which job leader, and what each sends when. */
class ScriptedManager implements SimNode<ClusterMessage> {
  private readonly registrar: Registrar;
  private version = 0;

  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly log: DcLog,
    /** Both scripted managers by id, so the one that gets the job can start the other's part. */
    private readonly peers: Map<NodeId, ScriptedManager>,
  ) {
    peers.set(env.id, this);
    this.registrar = new Registrar(env, MANAGER.registrationRetryBaseMs, () => ({
      type: "manager-registration",
      body: this.body(),
    }));
  }

  /** The DC's first manager plays the old job leader, the second the new one. */
  private get isOldLeader(): boolean {
    return this.env.peers("manager", this.env.dc ?? "")[0] === this.env.id;
  }

  private body(): ManagerHeartbeatBody {
    return {
      nodeId: this.env.id,
      datacenter: this.env.dc ?? "",
      incarnation: 1,
      version: ++this.version,
      isLeader: this.isOldLeader,
      term: 1,
      acceptingJobs: this.isOldLeader,
      hasQuorum: true,
      activeJobs: 0,
      workerCount: 4,
      healthyWorkerCount: 4,
      totalCores: 32,
      availableCores: 32,
    };
  }

  start(): void {
    for (const gate of this.env.peers("gate")) this.registrar.register(gate);
    this.env.after(STATUS_INTERVAL_US, this.onStatus);
  }

  private readonly onStatus = (): void => {
    this.env.after(STATUS_INTERVAL_US, this.onStatus);
    for (const gate of this.env.peers("gate")) this.env.send(gate, { type: "manager-heartbeat", body: this.body() });
  };

  receive(from: NodeId, msg: ClusterMessage): void {
    switch (msg.type) {
      case "manager-registration-response":
        return this.registrar.answered(from, msg.accepted, null);
      case "job-submission":
        this.env.send(from, {
          type: "job-ack",
          jobId: msg.job.jobId,
          accepted: true,
          error: null,
          leader: this.env.id,
        });
        for (const m of this.peers.values()) m.play(msg.job.jobId, from);
        return;
      case "job-leader-manager-transfer-ack":
        this.log.transferAccepted = msg.accepted;
        return;
      case "job-final-result-ack":
        if (this.isOldLeader) this.log.staleResultAcked = true;
        else this.log.currentResultAcked = true;
        return;
      default:
        return;
    }
  }

  /** This manager's part once the old leader has accepted `jobId` from `gate`. */
  private play(jobId: string, gate: NodeId): void {
    const result = (status: JobOutcome, fenceToken: number): ClusterMessage => ({
      type: "job-final-result",
      jobId,
      datacenter: this.env.dc ?? "",
      status,
      totalCompleted: status === "completed" ? 1 : 0,
      totalFailed: status === "completed" ? 0 : 1,
      fenceToken,
      error: null,
    });
    if (this.isOldLeader) {
      this.env.after(2_000_000, () => this.env.send(gate, result("failed", OLD_TOKEN)));
      return;
    }
    this.env.after(1_000_000, () =>
      this.env.send(gate, {
        type: "job-leader-manager-transfer",
        jobId,
        datacenter: this.env.dc ?? "",
        newLeader: this.env.id,
        fenceToken: NEW_TOKEN,
      }),
    );
    const report = (): void => {
      if (this.log.currentResultAcked) return;
      this.env.send(gate, result("completed", NEW_TOKEN + 1));
      this.env.after(MANAGER.requestTimeoutShortMs * 1000, report);
    };
    this.env.after(3_000_000, report);
  }
}

const idle: SimNode<ClusterMessage> = { start() {}, receive() {} };

export const staleDcResult = defineScenario({
  id: "cluster/stale-dc-result",
  title: "A DC result under an older job-leader token than the gate knows is acked but not counted",
  description:
    "1 gate; dc1's two managers are one script. The old job leader (dc1-mgr-1) accepts the job; 1 s later the new one " +
    "(dc1-mgr-2) tells the gate it took the job over, with a token of a later epoch; 1 s after that the old leader " +
    "reports FAILED under its old token; 1 s later the new leader reports COMPLETED under its own, until acked. The " +
    "gate applies the transfer, acks the old leader's result so it stops, but does not record it, and ends the job " +
    "once, completed, on the new leader's result.",
  covers: [],
  options: { faultPhaseMs: 40_000, livenessBudgetMs: 60_000 },
  schema: phaseSpecs,
  setup(ctx) {
    const log: DcLog = { transferAccepted: null, staleResultAcked: false, currentResultAcked: false };
    const managers = new Map<NodeId, ScriptedManager>();
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 1,
      dcs: 1,
      managersPerDc: 2,
      workersPerDc: 1,
      client: { jobCount: 1 },
      factories: { manager: (env) => new ScriptedManager(env, log, managers), worker: () => idle },
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);

    ctx.check("the gate applied the new job leader's transfer", () =>
      log.transferAccepted === true ? null : `transfer answered ${String(log.transferAccepted)}`,
    );
    ctx.check("the old leader's result under its older token was acked but not recorded", () => {
      const stale = c.events("job.dcReported", (e) => Number(e.detail?.["fenceToken"]) === OLD_TOKEN);
      if (!log.staleResultAcked) return "the old leader's result was never acked";
      return stale.length === 0 ? null : `recorded as ${String(stale[0]!.detail?.["status"])}`;
    });
    ctx.check("the gate ended the job once, completed, on the new leader's result", () => {
      const reported = c.events("job.dcReported");
      const end = c.events("job.terminal");
      if (reported.length !== 1 || Number(reported[0]!.detail?.["fenceToken"]) !== NEW_TOKEN + 1)
        return `recorded [${reported.map((e) => `${String(e.detail?.["status"])}@${String(e.detail?.["fenceToken"])}`).join(", ")}]`;
      return end.length === 1 && end[0]!.detail?.["status"] === "completed"
        ? null
        : `ended [${end.map((e) => String(e.detail?.["status"])).join(", ")}]`;
    });
    ctx.check("the client heard exactly one result, completed", () => expectOne(c.clientStatuses(), "completed"));
  },
});
