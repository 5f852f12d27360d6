// cluster/worker-dispatch-rules: a scripted manager drives one real worker (4 cores) with
// a fixed timetable of dispatches and records each ACK and when it came. It checks the
// worker's accept/reject rules, that two competing requests landing in the same tick
// cannot both get the cores, and its core bookkeeping before and after a free (catalog
// MW-2.1, MW-2.2; PROTOCOL §5.9). Links inside the DC get a fixed latency, so messages
// sent together arrive together.

import type { NodeEnv, NodeId, Observation, SimNode } from "../../sim/index.js";
import { CHECK_NAMES } from "../../nodes/checkers.js";
import type { ClusterMessage, WorkflowDispatchAck } from "../../nodes/messages.js";
import type { WorkerNode } from "../../nodes/worker.js";
import { defineScenario } from "../types.js";
import { phaseSpecs } from "../phase-specs.js";
import { ClusterWorld } from "./cluster-world.js";

interface Step {
  label: string;
  /** When the manager sends it, in ms after the script starts (2 s into the run). */
  atMs: number;
  workflowId: string;
  cores: number;
  token: number;
  expect: string;
  /** How long the run lasts if accepted. */
  durationMs?: number;
}

const SCRIPT: readonly Step[] = [
  { label: "MW-2.2.1 more than total", atMs: 0, workflowId: "big", cores: 5, token: 1, expect: "exceeds-total" },
  { label: "MW-2.2.3 zero", atMs: 10, workflowId: "zero", cores: 0, token: 1, expect: "invalid-cores" },
  { label: "MW-2.2.3 negative", atMs: 20, workflowId: "neg", cores: -1, token: 1, expect: "invalid-cores" },
  // MW-2.1.2: the two competing requests are sent, and so arrive, in the same tick.
  { label: "MW-2.1.2 first of two 3-core requests", atMs: 30, workflowId: "a", cores: 3, token: 1, expect: "accepted" },
  {
    label: "MW-2.1.2/2.2.2 second 3-core request in the same tick, 1 free",
    atMs: 30,
    workflowId: "b",
    cores: 3,
    token: 1,
    expect: "insufficient-cores",
  },
  {
    label: "MW-2.2.4 duplicate allocation (newer token)",
    atMs: 40,
    workflowId: "a",
    cores: 1,
    token: 2,
    expect: "already-allocated",
  },
  { label: "stale fence token", atMs: 50, workflowId: "a", cores: 1, token: 1, expect: "stale fence token" },
  // A short run: its free is what MW-2.1.3 reads the bookkeeping after.
  { label: "last free core", atMs: 60, workflowId: "c", cores: 1, token: 1, expect: "accepted", durationMs: 500 },
  { label: "the freed core, reused", atMs: 1_500, workflowId: "d", cores: 1, token: 1, expect: "accepted" },
];

/** One ACK as the scripted manager received it. */
interface Answer {
  workflowId: string;
  answer: string;
  atUs: number;
}

/** Stands in for dc1's only manager: registers the worker, answers probes, plays SCRIPT. */
class ScriptedManager implements SimNode<ClusterMessage> {
  constructor(
    private readonly env: NodeEnv<ClusterMessage>,
    private readonly answers: Answer[],
  ) {}

  /** The life the worker registered with; dispatches address that life. */
  private workerIncarnation = 0;

  start(): void {
    const worker = this.env.peers("worker", this.env.dc ?? "")[0];
    if (worker === undefined) return;
    for (const step of SCRIPT) this.env.after(2_000_000 + step.atMs * 1000, () => this.dispatch(worker, step));
  }

  private dispatch(worker: NodeId, s: Step): void {
    this.env.send(worker, {
      type: "workflow-dispatch",
      jobId: "job",
      workflowId: s.workflowId,
      name: s.label,
      cores: s.cores,
      declaredDurationMs: s.durationMs ?? 60_000,
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
    else if (msg.type === "workflow-dispatch-ack") this.record(msg);
  }

  private record(ack: WorkflowDispatchAck): void {
    const answer = ack.accepted ? "accepted" : (ack.error ?? "?");
    this.answers.push({ workflowId: ack.workflowId, answer, atUs: this.env.now() });
  }
}

/** A worker's core bookkeeping in one line: coreOwner, workflowCores and availableCores. */
function bookkeeping(w: WorkerNode | null): string {
  if (w === null) return "worker down";
  const short = (key: string | null): string => (key === null ? "-" : key.replace(/^job\//, ""));
  const owners = w.cores.coreOwner.map(short).join(",");
  const perWorkflow = [...w.cores.workflowCores].map(([k, cores]) => `${short(k)}=[${cores.join(",")}]`).join(" ");
  return `owners ${owners}; ${perWorkflow}; free ${w.cores.availableCores}`;
}

function byWorkflow(workflowId: string): (o: Observation) => boolean {
  return (o) => o.detail?.["workflow"] === workflowId;
}

export const workerDispatchRules = defineScenario({
  id: "cluster/worker-dispatch-rules",
  title: "A worker's dispatch rules and core bookkeeping, driven by a scripted manager",
  description:
    "One real worker with 4 cores; a scripted manager sends nine dispatches on a timetable. MW-2.2.1: 5 cores → " +
    "exceeds-total. MW-2.2.3: 0 or −1 cores → invalid-cores. MW-2.1.2/2.2.2: two 3-core requests arrive in the same tick; " +
    "exactly one is accepted, the other gets insufficient-cores and takes nothing. MW-2.2.4: a second allocation for a " +
    "workflow that holds cores → already-allocated. A token not above the last one → stale. MW-2.1.1/2.1.3/2.1.4: the " +
    "owners of cores 0–3, each workflow's core indices and the free count match, read after c's allocation, after its " +
    "500 ms run frees its core, and after d reuses it.",
  covers: ["MW-2.1.1", "MW-2.1.2", "MW-2.1.3", "MW-2.1.4", "MW-2.2.1", "MW-2.2.2", "MW-2.2.3", "MW-2.2.4"],
  options: { faultPhaseMs: 5_000, livenessBudgetMs: 1_000 },
  schema: { ...phaseSpecs },
  setup(ctx) {
    const answers: Answer[] = [];
    const c = new ClusterWorld(ctx, {
      gates: 0,
      dcs: 1,
      managersPerDc: 1,
      workersPerDc: 1,
      clients: 0,
      worker: { totalCores: 4 },
      link: { sameDcMinUs: 500, sameDcMaxUs: 500 },
      factories: { manager: (env) => new ScriptedManager(env, answers) },
    });
    // A scripted manager and one worker: no gate, client, election or job lifecycle to check.
    for (const name of [
      CHECK_NAMES.terminalOnce,
      CHECK_NAMES.clientOnce,
      CHECK_NAMES.leaderPerTerm,
      CHECK_NAMES.cleanup,
      CHECK_NAMES.finalizeReports,
      CHECK_NAMES.transitions,
      CHECK_NAMES.electionVotes,
      CHECK_NAMES.workLeavesWorker,
    ])
      ctx.notApplicable(name, "a scripted manager drives one worker: no gates, clients, elections or job results");
    const worker = c.ids("worker")[0]!;
    // MW-2.1.3: the bookkeeping right after c's cores were allocated, and right after they were freed.
    let beforeFree = "never read";
    let afterFree = "never read";
    c.once("cores.allocated", () => (beforeFree = bookkeeping(c.worker(worker))), byWorkflow("c"));
    c.once("cores.freed", () => (afterFree = bookkeeping(c.worker(worker))), byWorkflow("c"));
    let atEnd = "never read";
    ctx.kernel.at(ctx.options.faultPhaseMs * 1000 - 1, () => (atEnd = bookkeeping(c.worker(worker))));
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    SCRIPT.forEach((step, i) => {
      ctx.check(`${step.label} → ${step.expect}`, () =>
        answers[i]?.answer === step.expect ? null : `got ${answers[i]?.answer ?? "no ACK"}`,
      );
    });
    ctx.check("MW-2.1.2: the worker answered the two competing requests in the same tick", () => {
      const [a, b] = [answers[3], answers[4]];
      return a !== undefined && b !== undefined && a.atUs === b.atUs && a.workflowId === "a" && b.workflowId === "b"
        ? null
        : `answers at ${a?.atUs ?? "?"} and ${b?.atUs ?? "?"} µs`;
    });
    const expected = [
      ["after c's allocation", () => beforeFree, "owners a,a,a,c; a=[0,1,2] c=[3]; free 0"],
      ["after c's free", () => afterFree, "owners a,a,a,-; a=[0,1,2]; free 1"],
      ["at the end, core 3 reused by d", () => atEnd, "owners a,a,a,d; a=[0,1,2] d=[3]; free 0"],
    ] as const;
    for (const [when, read, want] of expected)
      ctx.check(`MW-2.1.1/2.1.3/2.1.4: core owners, per-workflow cores and free count ${when}`, () =>
        read() === want ? null : `${read()}, expected ${want}`,
      );
  },
});
