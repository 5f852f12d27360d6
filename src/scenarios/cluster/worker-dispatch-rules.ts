// cluster/worker-dispatch-rules: a scripted manager drives one real worker (4 cores) with
// a fixed list of dispatches, 10 ms apart, and records each ACK. It checks the worker's
// accept/reject rules and its core bookkeeping (catalog MW-2.1, MW-2.2; PROTOCOL §5.9).

import type { NodeEnv, NodeId, SimNode } from "../../sim/index.js";
import type { ClusterMessage, WorkflowDispatchAck } from "../../nodes/messages.js";
import { defineScenario } from "../types.js";
import { phaseSpecs } from "../phase-specs.js";
import { ClusterWorld } from "./cluster-world.js";

interface Step {
  label: string;
  workflowId: string;
  cores: number;
  token: number;
  expect: string;
}

const SCRIPT: readonly Step[] = [
  { label: "MW-2.2.1 more than total", workflowId: "big", cores: 5, token: 1, expect: "exceeds-total" },
  { label: "MW-2.2.3 zero", workflowId: "zero", cores: 0, token: 1, expect: "invalid-cores" },
  { label: "MW-2.2.3 negative", workflowId: "neg", cores: -1, token: 1, expect: "invalid-cores" },
  { label: "MW-2.1.2 first of two 3-core requests", workflowId: "a", cores: 3, token: 1, expect: "accepted" },
  {
    label: "MW-2.1.2/2.2.2 second 3-core request, 1 free",
    workflowId: "b",
    cores: 3,
    token: 1,
    expect: "insufficient-cores",
  },
  {
    label: "MW-2.2.4 duplicate allocation (newer token)",
    workflowId: "a",
    cores: 1,
    token: 2,
    expect: "already-allocated",
  },
  { label: "stale fence token", workflowId: "a", cores: 1, token: 1, expect: "stale fence token" },
  { label: "last free core", workflowId: "c", cores: 1, token: 1, expect: "accepted" },
];

/** Stands in for dc1's only manager: registers the worker, answers probes, plays SCRIPT. */
class ScriptedManager implements SimNode<ClusterMessage> {
  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly acks: Map<string, WorkflowDispatchAck>,
  ) {}

  /** The life the worker registered with; dispatches address that life. */
  private workerIncarnation = 0;

  start(): void {
    const worker = this.env.peers("worker", this.env.dc ?? "")[0];
    if (worker === undefined) return;
    SCRIPT.forEach((step, i) => {
      this.env.after(2_000_000 + i * 10_000, () => this.dispatch(worker, step));
    });
  }

  private dispatch(worker: NodeId, s: Step): void {
    this.env.send(worker, {
      type: "workflow-dispatch",
      jobId: "job",
      workflowId: s.workflowId,
      name: s.label,
      cores: s.cores,
      declaredDurationMs: 60_000,
      fenceToken: s.token,
      jobLeader: this.env.id,
      jobTimeoutMs: 600_000,
      workerIncarnation: this.workerIncarnation,
    });
  }

  receive(from: NodeId, msg: ClusterMessage): void {
    if (msg.type === "worker-registration") {
      this.workerIncarnation = msg.incarnation;
      this.env.send(from, {
        type: "registration-response",
        accepted: true,
        managerId: this.env.id,
        leaderId: this.env.id,
        healthyManagers: [this.env.id],
      });
    } else if (msg.type === "probe") this.env.send(from, { type: "ack", seq: msg.seq, incarnation: 1, embedded: null });
    else if (msg.type === "workflow-dispatch-ack")
      this.acks.set(`${msg.workflowId}#${msg.fenceToken}#${this.acks.size}`, msg);
  }
}

export const workerDispatchRules = defineScenario({
  id: "cluster/worker-dispatch-rules",
  title: "A worker's dispatch rules and core bookkeeping, driven by a scripted manager",
  description:
    "One real worker with 4 cores; a scripted manager sends eight dispatches 10 ms apart. MW-2.2.1: 5 cores → exceeds-total. " +
    "MW-2.2.3: 0 or −1 cores → invalid-cores. MW-2.1.2/2.2.2: of two 3-core requests back to back exactly one is accepted, " +
    "the other gets insufficient-cores and takes nothing. MW-2.2.4: a second allocation for a workflow that holds cores → " +
    "already-allocated. A token not above the last one → stale. MW-2.1.1/2.1.3/2.1.4: the owners of cores 0–3 and the " +
    "free count match the accepted requests.",
  covers: ["MW-2.1.1", "MW-2.1.2", "MW-2.1.3", "MW-2.1.4", "MW-2.2.1", "MW-2.2.2", "MW-2.2.3", "MW-2.2.4"],
  options: { faultPhaseMs: 5_000, livenessBudgetMs: 1_000 },
  schema: { ...phaseSpecs },
  setup(ctx) {
    const acks = new Map<string, WorkflowDispatchAck>();
    const c = new ClusterWorld(ctx, {
      gates: 0,
      dcs: 1,
      managersPerDc: 1,
      workersPerDc: 1,
      clients: 0,
      worker: { totalCores: 4 },
      factories: { manager: (env) => new ScriptedManager(env, acks) },
    });
    let owners: (string | null)[] = [];
    let free = -1;
    ctx.kernel.at(ctx.options.faultPhaseMs * 1000 - 1, () => {
      const w = c.worker(c.ids("worker")[0]!);
      owners = w?.cores.coreOwner.slice() ?? [];
      free = w?.cores.availableCores ?? -1;
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    const answers = (): string[] => [...acks.values()].map((a) => (a.accepted ? "accepted" : (a.error ?? "?")));
    SCRIPT.forEach((step, i) => {
      ctx.check(`${step.label} → ${step.expect}`, () =>
        answers()[i] === step.expect ? null : `got ${answers()[i] ?? "no ACK"}`,
      );
    });
    ctx.check("MW-2.1.1/2.1.3/2.1.4: cores 0–2 belong to a, core 3 to c, none free", () =>
      owners.join(",") === "job/a,job/a,job/a,job/c" && free === 0
        ? null
        : `owners [${owners.join(", ")}], free ${free}`,
    );
  },
});
