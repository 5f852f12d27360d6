// cluster/unknown-dc-registration (catalog GM-2.1.3): a gate configured for dc1 only gets
// a registration from a manager of dc2, a DC outside its configuration. The gate must
// refuse it with `unknown datacenter` (PROTOCOL §5.25), the manager must take the refusal
// as final (a clean rejection is never retried, §5.23), and the gate must never count the
// manager among its DCs' managers nor dispatch a job to it.
//
// The gate is a real GateNode whose seed list hides dc2 (its configuration lists dc1
// only). dc2's manager is a stand-in that registers through the real Registrar part and
// advertises itself as an idle DC leader with 32 free cores, so a gate that let it in would
// route jobs to it. dc2's workers stay idle.

import type { NodeEnv, NodeId, SimNode } from "../../sim/index.js";
import type { ClusterMessage, ManagerHeartbeatBody, ManagerRegistrationResponse } from "../../nodes/messages.js";
import { gateFactory } from "../../nodes/gate/index.js";
import { managerConfig } from "../../nodes/config.js";
import { managerFactory } from "../../nodes/manager/index.js";
import { Registrar } from "../../nodes/parts/registrar.js";
import { workerFactory } from "../../nodes/worker.js";
import { defineScenario } from "../types.js";
import { ClusterWorld } from "./cluster-world.js";
import { expectAll } from "./expect.js";
import { clusterSpecs } from "./option-specs.js";
import { phaseSpecs } from "../phase-specs.js";
import { flag } from "../option-spec.js";

const UNKNOWN_DC = "dc2";
const STATUS_INTERVAL_US = managerConfig().gateStatusIntervalMs * 1000;

/** What the stand-in saw: the registrations it sent and the answers it got. */
interface RogueLog {
  registrationsSent: number;
  answers: ManagerRegistrationResponse[];
  submissions: number;
}

/** The node's environment with the managers of `hidden` left out of its seed lists (a config without that DC). */
function withoutDc(env: NodeEnv<ClusterMessage>, hidden: string): NodeEnv<ClusterMessage> {
  const hiddenManagers = new Set(env.peers("manager", hidden));
  return {
    get id() {
      return env.id;
    },
    get role() {
      return env.role;
    },
    get dc() {
      return env.dc;
    },
    get region() {
      return env.region;
    },
    get incarnation() {
      return env.incarnation;
    },
    get rng() {
      return env.rng;
    },
    get durable() {
      return env.durable;
    },
    now: () => env.now(),
    localNow: () => env.localNow(),
    send: (to, msg) => env.send(to, msg),
    after: (delayUs, fn) => env.after(delayUs, fn),
    cancel: (handle) => env.cancel(handle),
    spawn: (name, proc) => env.spawn(name, proc),
    emit: (kind, detail) => env.emit(kind, detail),
    mark: (name) => env.mark(name),
    peers: (role, dc) =>
      role === "manager" ? env.peers(role, dc).filter((id) => !hiddenManagers.has(id)) : env.peers(role, dc),
  };
}

/** dc2's manager: registers with every gate through the real Registrar, claiming to be dc2's idle leader. */
class RogueManager implements SimNode<ClusterMessage> {
  private readonly registrar: Registrar;

  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly log: RogueLog,
    /** Also heartbeat to every gate whatever the answer, as a real ManagerNode does (manager/index.ts). */
    private readonly heartbeats: boolean,
  ) {
    this.registrar = new Registrar(env, managerConfig().registrationRetryBaseMs, () => {
      log.registrationsSent++;
      return { type: "manager-registration", body: this.body() };
    });
  }

  private body(): ManagerHeartbeatBody {
    return {
      nodeId: this.env.id,
      datacenter: UNKNOWN_DC,
      incarnation: 1,
      version: this.log.registrationsSent,
      isLeader: true,
      term: 1,
      acceptingJobs: true,
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
    if (this.heartbeats) this.env.after(STATUS_INTERVAL_US, this.onStatus);
  }

  private readonly onStatus = (): void => {
    this.env.after(STATUS_INTERVAL_US, this.onStatus);
    for (const gate of this.env.peers("gate")) this.env.send(gate, { type: "manager-heartbeat", body: this.body() });
  };

  receive(from: NodeId, msg: ClusterMessage): void {
    if (msg.type === "manager-registration-response") {
      this.log.answers.push(msg);
      this.registrar.answered(from, msg.accepted, null);
    } else if (msg.type === "job-submission") this.log.submissions++;
  }
}

const idle: SimNode<ClusterMessage> = { start() {}, receive() {} };

export const unknownDcRegistration = defineScenario({
  id: "cluster/unknown-dc-registration",
  title: "A manager claiming a DC the gate does not know is refused and never used",
  description:
    "1 gate configured for dc1 only; dc1 has a real manager and 2 workers; dc2's manager is a stand-in that registers " +
    "through the real Registrar and advertises an idle DC with 32 free cores. GM-2.1.3: the gate answers accepted=false " +
    "with 'unknown datacenter' (and no gate list); the manager does not register again; the gate's dcManagers never " +
    "lists dc2 or its manager; every job is dispatched to dc1 only, none to the stand-in, and completes. With " +
    "rogueHeartbeats=true the stand-in keeps heartbeating after the refusal, as a real ManagerNode does; the gate " +
    "applies heartbeats unchecked, so today that run fails (a known hole, reported).",
  covers: ["GM-2.1.3"],
  options: { jobs: 3, rogueHeartbeats: false, faultPhaseMs: 40_000, livenessBudgetMs: 120_000 },
  schema: {
    jobs: clusterSpecs.jobs,
    rogueHeartbeats: flag("the refused stand-in heartbeats anyway, as a real manager would"),
    ...phaseSpecs,
  },
  setup(ctx) {
    const log: RogueLog = { registrationsSent: 0, answers: [], submissions: 0 };
    const realGate = gateFactory();
    const realManager = managerFactory();
    const realWorker = workerFactory();
    const c = new ClusterWorld(ctx, {
      keepEvents: true,
      gates: 1,
      dcs: 2,
      managersPerDc: 1,
      workersPerDc: 2,
      client: { jobCount: ctx.options.jobs, submitIntervalMs: 5_000 },
      factories: {
        gate: (env) => realGate(withoutDc(env, UNKNOWN_DC)),
        manager: (env) =>
          env.dc === UNKNOWN_DC ? new RogueManager(env, log, ctx.options.rogueHeartbeats) : realManager(env),
        worker: (env) => (env.dc === UNKNOWN_DC ? idle : realWorker(env)),
      },
    });
    const rogue = c.ids("manager", UNKNOWN_DC)[0] ?? "";
    const gate = c.ids("gate")[0] ?? "";
    let viewedDcs: string[] = [];
    ctx.kernel.at(ctx.options.faultPhaseMs * 1000 - 1, () => {
      viewedDcs = [...(c.gate(gate)?.dcView.dcManagers.keys() ?? [])];
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);

    ctx.check("GM-2.1.3: the registration was refused with 'unknown datacenter'", () => {
      const a = log.answers;
      if (a.length !== 1) return `${a.length} answers`;
      const r = a[0]!;
      return !r.accepted && r.error === "unknown datacenter" && r.gateId === gate && r.healthyGates.length === 0
        ? null
        : `answer ${JSON.stringify(r)}`;
    });
    ctx.check("the refused manager did not register again", () =>
      log.registrationsSent === 1 ? null : `${log.registrationsSent} registrations sent`,
    );
    ctx.check("GM-2.1.3: the gate never listed dc2 or its manager among its DCs' managers", () => {
      const registered = c.events(
        "manager.registered",
        (e) => e.detail?.["manager"] === rogue || e.detail?.["dc"] === UNKNOWN_DC,
      );
      if (registered.length > 0) return `manager.registered for ${String(registered[0]?.detail?.["manager"])}`;
      return viewedDcs.join(",") === "dc1" ? null : `the gate's view holds [${viewedDcs.join(", ")}]`;
    });
    ctx.check("GM-2.1.3: every job went to dc1 only, none to the refused manager", () => {
      const attempts = c.events("job.dispatchAttempt").map((e) => String(e.detail?.["dc"]));
      if (attempts.some((dc) => dc !== "dc1") || log.submissions > 0)
        return `attempts to [${attempts.join(", ")}], ${log.submissions} submissions reached ${rogue}`;
      return attempts.length >= ctx.options.jobs ? null : `${attempts.length} dispatch attempts`;
    });
    ctx.check("every job completed", () => expectAll(c.clientStatuses(), "completed", ctx.options.jobs));
  },
});
