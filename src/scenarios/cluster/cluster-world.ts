// Builds a World of gates, managers, workers and clients for a cluster scenario, wires
// the global invariant checkers (src/nodes/checkers.ts) to ctx.violation, counts the
// emitted events (and keeps those a scenario asks for, for its own checks), and offers
// role selectors ("the DC leader of dc1", "the gate-cluster leader") so scenarios read
// like short scripts.
//
// Events are counted, not kept: a day-long run emits millions. A short scripted scenario
// that wants to look back at them says so with `keepEvents` (every kind, or some kinds).

import {
  World,
  buildTopology,
  spreadDcs,
  type LinkOptions,
  type NodeFactory,
  type NodeId,
  type Observation,
  type SimNode,
  type Topology,
} from "../../sim/index.js";
import type { PerJobView } from "../../nodes/checks/checker.js";
import type { ClusterMessage } from "../../nodes/messages.js";
import { CHECK_NAMES, ClusterCheckers, retentionFrom } from "../../nodes/checkers.js";
import { clientFactory, type ClientNode } from "../../nodes/client.js";
import {
  gateConfig,
  managerConfig,
  workerConfig,
  type ClientConfig,
  type GateConfig,
  type ManagerConfig,
  type WorkerConfig,
} from "../../nodes/config.js";
import { gateFactory, type GateNode } from "../../nodes/gate/index.js";
import { managerFactory, type ManagerNode } from "../../nodes/manager/index.js";
import { workerFactory, type WorkerNode } from "../../nodes/worker.js";
import type { ScenarioContext } from "../context.js";
import type { Options, SummaryRow } from "../types.js";

export interface ClusterSetup {
  gates: number;
  dcs: number;
  managersPerDc: number;
  workersPerDc: number;
  clients?: number;
  gate?: Partial<GateConfig>;
  manager?: Partial<ManagerConfig>;
  worker?: Partial<WorkerConfig>;
  client?: Partial<ClientConfig>;
  link?: Partial<LinkOptions>;
  /** Replaces a role's node (a scripted stand-in that drives the real nodes). */
  factories?: Partial<Record<"gate" | "manager" | "worker" | "client", NodeFactory<ClusterMessage>>>;
  /**
   * Emitted events to keep for `events()` and `clientStatuses()`: every kind (true) or the
   * kinds listed. By default none are kept, only counted: memory stays flat however long the run.
   */
  keepEvents?: boolean | readonly string[];
}

/** Kinds counted per node, for the CLI's summary table. */
const PER_NODE_KINDS: ReadonlySet<string> = new Set(["workflow.started", "client.submitted"]);

export class ClusterWorld {
  readonly world: World;
  readonly checkers: ClusterCheckers;
  private readonly byKind = new Map<string, Observation[]>();
  private readonly counts = new Map<string, number>();
  private readonly perNode = new Map<string, number>();
  private readonly statusCounts = new Map<string, number>();
  private readonly keep: (kind: string) => boolean;
  private readonly reactions: ((o: Observation) => void)[] = [];
  /** The run waits until every node deleted every job after its retention. */
  private awaitCleanup = false;

  constructor(
    readonly ctx: ScenarioContext<Options>,
    setup: ClusterSetup,
  ) {
    // A gates-only cluster still needs a region to put the gates in.
    const regions = setup.dcs > 0 ? spreadDcs(setup.dcs) : [{ id: "us", dcs: [] }];
    const topology = buildTopology({
      regions,
      gates: setup.gates,
      managersPerDc: setup.managersPerDc,
      workersPerDc: setup.workersPerDc,
      clients: setup.clients ?? 1,
    });
    const kept = setup.keepEvents ?? false;
    const keptKinds = new Set(typeof kept === "boolean" ? [] : kept);
    this.keep = kept === true ? () => true : (kind) => keptKinds.has(kind);
    this.world = new World(ctx, {
      topology,
      factories: {
        gate: gateFactory(setup.gate),
        manager: managerFactory(setup.manager),
        worker: workerFactory(setup.worker),
        client: clientFactory(setup.client),
        ...setup.factories,
      },
      ...(setup.link === undefined ? {} : { link: setup.link }),
    });
    const gate = gateConfig(setup.gate);
    const manager = managerConfig(setup.manager);
    this.checkers = new ClusterCheckers(
      (check, message, nodes) => ctx.violation(check, message, nodes),
      retentionFrom(gate, manager),
      {
        gate,
        manager,
        worker: workerConfig(setup.worker),
        groupSizes: groupSizes(topology, setup),
        roles: new Map(topology.nodes.map((n) => [n.id, n.role])),
      },
    );
    for (const name of Object.values(CHECK_NAMES)) ctx.declareChecker(name);
    this.world.onEmit((o) => this.observe(o));
    this.world.onHostState((atUs, node, state) => this.checkers.observeHost(node, state, atUs));
    ctx.summary(() => this.summary());
    ctx.onFinish(() => this.finish());
  }

  private observe(o: Observation): void {
    this.checkers.observe(o.node, o.kind, o.detail ?? {}, o.atUs);
    this.counts.set(o.kind, (this.counts.get(o.kind) ?? 0) + 1);
    if (PER_NODE_KINDS.has(o.kind)) {
      const key = `${o.kind}|${o.node}`;
      this.perNode.set(key, (this.perNode.get(key) ?? 0) + 1);
    }
    if (o.kind === "client.result") {
      const status = String(o.detail?.["status"]);
      this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
    }
    if (this.keep(o.kind)) {
      let list = this.byKind.get(o.kind);
      if (list === undefined) {
        list = [];
        this.byKind.set(o.kind, list);
      }
      list.push(o);
    }
    for (const r of this.reactions) r(o);
  }

  /** Events of one kind, optionally filtered; the scenario must keep that kind (`keepEvents`). */
  events(kind: string, match: (o: Observation) => boolean = () => true): Observation[] {
    if (!this.keep(kind))
      throw new Error(
        `ClusterWorld.events("${kind}"): this cluster does not keep ${kind} events; add it to keepEvents`,
      );
    return (this.byKind.get(kind) ?? []).filter(match);
  }

  /** How many events of `kind` were emitted so far (always counted). */
  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  /** How many client results of each status were heard so far (always counted). */
  resultCount(status: string): number {
    return this.statusCounts.get(status) ?? 0;
  }

  /** Runs `fn` once, on the first event of `kind` that matches ("after the first dispatch ACK"). */
  once(kind: string, fn: (o: Observation) => void, match: (o: Observation) => boolean = () => true): void {
    let done = false;
    this.reactions.push((o) => {
      if (done || o.kind !== kind || !match(o)) return;
      done = true;
      fn(o);
    });
  }

  ids(role: string, dc?: string): NodeId[] {
    return this.world.ids(role, dc);
  }

  /** The live manager of `dc` that currently leads it (highest term if two think so). */
  dcLeader(dc: string): NodeId | null {
    let best: ManagerNode | null = null;
    let bestId: NodeId | null = null;
    for (const id of this.ids("manager", dc)) {
      const m = this.world.node<ManagerNode>(id);
      if (m?.isLeader && (best === null || m.term > best.term)) {
        best = m;
        bestId = id;
      }
    }
    return bestId;
  }

  gateLeader(): NodeId | null {
    for (const id of this.ids("gate")) if (this.world.node<GateNode>(id)?.isLeader === true) return id;
    return null;
  }

  gate(id: NodeId): GateNode | null {
    return this.world.node<GateNode>(id);
  }
  manager(id: NodeId): ManagerNode | null {
    return this.world.node<ManagerNode>(id);
  }
  worker(id: NodeId): WorkerNode | null {
    return this.world.node<WorkerNode>(id);
  }
  client(id = "client-1"): ClientNode | null {
    return this.world.node<ClientNode>(id);
  }

  /**
   * Fault phase, heal, then wait until every client job has its answer — and, with
   * `awaitCleanup`, until every node has deleted its terminal jobs after retention.
   */
  run(
    faultPhaseMs: number,
    livenessBudgetMs: number,
    options: { awaitCleanup?: boolean; pending?: () => string | null } = {},
  ): void {
    this.world.start();
    this.awaitCleanup = options.awaitCleanup === true;
    const extra = options.pending ?? (() => null);
    const cleanup =
      options.awaitCleanup === true ? () => this.checkers.pendingCleanup() ?? this.pendingPerJob() : () => null;
    this.world.runPhases({
      faultPhaseMs,
      livenessBudgetMs,
      pending: () => this.checkers.pending() ?? extra() ?? cleanup(),
    });
  }

  /** A node that still holds per-job state (a run, an owed result, an open round), or null. */
  private pendingPerJob(): string | null {
    for (const h of this.world.hosts) {
      const view = h.isUp ? perJobViewOf(h.instance) : null;
      if (view === null) continue;
      for (const [what, keys] of Object.entries(view.perJob))
        if (keys.length > 0) return `${h.id} still holds ${what} [${keys.slice(0, 3).join(", ")}]`;
    }
    return null;
  }

  /** Statuses the client heard, in the order it heard them. */
  clientStatuses(): string[] {
    return this.events("client.result").map((o) => String(o.detail?.["status"]));
  }

  private finish(): void {
    const settled = this.ctx.kernel.failure === null;
    const cleanedUp = settled && this.awaitCleanup && this.checkers.pendingCleanup() === null;
    this.checkers.finish(
      this.ctx.kernel.now,
      settled,
      (node) => this.world.isUp(node),
      (node) => perJobViewOf(this.world.node(node)),
      cleanedUp,
    );
    const s = this.world.network.stats;
    this.ctx.metric("messages.sent", s.sent);
    this.ctx.metric("messages.delivered", s.delivered);
    this.ctx.metric("jobs.submitted", this.count("client.submitted"));
    this.ctx.metric("jobs.answered", this.count("client.result"));
    for (const [reason, n] of Object.entries(s.dropped)) this.ctx.metric(`messages.dropped.${reason}`, n);
  }

  private summary(): SummaryRow[] {
    return this.world.summaryRows().map((r) => ({ ...r, ...this.work(r.node, r.role) }));
  }

  /** Jobs and workflows per node for the CLI table. */
  private work(id: NodeId, role: string): { jobs: number | string; workflows: number | string } {
    if (role === "gate") return { jobs: this.gate(id)?.jobCount ?? "-", workflows: "-" };
    if (role === "manager") return { jobs: this.manager(id)?.jobCount ?? "-", workflows: "-" };
    if (role === "worker") return { jobs: "-", workflows: this.perNode.get(`workflow.started|${id}`) ?? 0 };
    return { jobs: this.perNode.get(`client.submitted|${id}`) ?? 0, workflows: "-" };
  }
}

/** Voters per election group: the gates ("global"), and each DC's managers. */
function groupSizes(topology: Topology, setup: ClusterSetup): Map<string, number> {
  const sizes = new Map<string, number>([["global", setup.gates]]);
  for (const dc of topology.dcs) sizes.set(dc.id, setup.managersPerDc);
  return sizes;
}

/** A node's per-job view when it has one (gates, managers, workers), else null. */
function perJobViewOf(node: SimNode | null): PerJobView | null {
  const withView = node as (SimNode & { perJobView?: () => PerJobView }) | null;
  return withView?.perJobView?.() ?? null;
}
