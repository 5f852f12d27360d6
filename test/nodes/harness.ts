// A small test harness for the cluster nodes: a real Kernel plus a minimal in-memory
// router implementing NodeEnv — fixed latency, an optional drop rule, symmetric
// partitions, crash and restart (durable state kept, timers of the old incarnation
// dead). Enough to run a whole small cluster end to end without the real network.
//
// The kernel can run once, so a test schedules its faults with `at(ms, fn)` (or reacts
// to events through `onEmit`) and then calls `run(untilMs)`.

import {
  Kernel,
  Rng,
  type EmitDetail,
  type NodeEnv,
  type NodeFactory,
  type NodeId,
  type SimNode,
} from "../../src/sim/index.js";
import { ClusterCheckers, retentionFrom } from "../../src/nodes/checkers.js";
import { gateConfig, managerConfig } from "../../src/nodes/config.js";
import type { ClusterMessage } from "../../src/nodes/messages.js";

export interface ClusterShape {
  gates: number;
  dcs: number;
  managersPerDc: number;
  workersPerDc: number;
  clients: number;
}

export interface Factories {
  gate?: NodeFactory<ClusterMessage>;
  manager?: NodeFactory<ClusterMessage>;
  worker?: NodeFactory<ClusterMessage>;
  client?: NodeFactory<ClusterMessage>;
}

export interface Emitted {
  atUs: number;
  node: NodeId;
  kind: string;
  detail: EmitDetail;
}

interface Host {
  readonly id: NodeId;
  readonly role: string;
  readonly dc: string | null;
  readonly factory: NodeFactory<ClusterMessage>;
  readonly durable: Record<string, unknown>;
  instance: SimNode<ClusterMessage> | null;
  alive: boolean;
  incarnation: number;
}

export class TestCluster {
  readonly kernel = new Kernel();
  readonly events: Emitted[] = [];
  latencyUs = 1000;
  /** Return true to drop a message in flight (checked at send time). */
  dropRule: ((from: NodeId, to: NodeId, msg: ClusterMessage) => boolean) | null = null;
  delivered = 0;
  dropped = 0;
  private readonly hosts = new Map<NodeId, Host>();
  private readonly blocked = new Set<string>();
  private readonly listeners: ((e: Emitted) => void)[] = [];
  private readonly root: Rng;

  constructor(shape: ClusterShape, factories: Factories, seed = 1) {
    this.root = Rng.fromSeed(seed);
    const add = (
      id: NodeId,
      role: string,
      dc: string | null,
      factory: NodeFactory<ClusterMessage> | undefined,
    ): void => {
      if (factory !== undefined)
        this.hosts.set(id, { id, role, dc, factory, durable: {}, instance: null, alive: false, incarnation: 0 });
    };
    for (let g = 1; g <= shape.gates; g++) add(`gate-${g}`, "gate", "global", factories.gate);
    for (let d = 1; d <= shape.dcs; d++) {
      for (let m = 1; m <= shape.managersPerDc; m++) add(`dc${d}-mgr-${m}`, "manager", `dc${d}`, factories.manager);
      for (let w = 1; w <= shape.workersPerDc; w++)
        add(`dc${d}-wrk-${String(w).padStart(2, "0")}`, "worker", `dc${d}`, factories.worker);
    }
    for (let c = 1; c <= shape.clients; c++) add(`client-${c}`, "client", null, factories.client);
  }

  ids(role: string, dc?: string): NodeId[] {
    const out: NodeId[] = [];
    for (const h of this.hosts.values()) if (h.role === role && (dc === undefined || h.dc === dc)) out.push(h.id);
    return out;
  }

  /** The live instance of a node, for read-only inspection. */
  node<T>(id: NodeId): T {
    const h = this.hosts.get(id);
    if (h?.instance === null || h === undefined) throw new Error(`no live node ${id}`);
    return h.instance as unknown as T;
  }

  isAlive(id: NodeId): boolean {
    return this.hosts.get(id)?.alive ?? false;
  }

  onEmit(listener: (e: Emitted) => void): void {
    this.listeners.push(listener);
  }

  emitted(kind: string, match: (e: Emitted) => boolean = () => true): Emitted[] {
    return this.events.filter((e) => e.kind === kind && match(e));
  }

  at(atMs: number, fn: () => void): void {
    this.kernel.at(Math.round(atMs * 1000), fn);
  }

  /** Boots every node at time 0, except those listed (they stay down until `restart`). */
  start(options: { except?: readonly NodeId[] } = {}): void {
    for (const h of this.hosts.values())
      if (!(options.except ?? []).includes(h.id)) this.kernel.at(0, () => this.boot(h));
  }

  crash(id: NodeId): void {
    const h = this.hosts.get(id);
    if (h === undefined) return;
    h.alive = false;
    h.instance = null;
  }

  restart(id: NodeId): void {
    const h = this.hosts.get(id);
    if (h !== undefined && !h.alive) this.boot(h);
  }

  /** Cuts every link between the two sets, both ways. */
  partition(a: readonly NodeId[], b: readonly NodeId[]): void {
    for (const x of a) for (const y of b) this.blocked.add(`${x}|${y}`).add(`${y}|${x}`);
  }

  isolate(id: NodeId): void {
    this.partition(
      [id],
      [...this.hosts.keys()].filter((x) => x !== id),
    );
  }

  heal(): void {
    this.blocked.clear();
  }

  run(untilMs: number): void {
    this.kernel.at(untilMs * 1000, () => this.kernel.stop());
    const outcome = this.kernel.run();
    if (outcome.failure !== null) throw new Error(`run failed: ${outcome.failure.message}`);
  }

  /** Attaches the global checkers; returns them and the violations they report. */
  withCheckers(gate = gateConfig(), manager = managerConfig()): { checkers: ClusterCheckers; violations: string[] } {
    const violations: string[] = [];
    const checkers = new ClusterCheckers(
      (check, message) => violations.push(`${check}: ${message}`),
      retentionFrom(gate, manager),
    );
    this.onEmit((e) => checkers.observe(e.node, e.kind, e.detail, e.atUs));
    return { checkers, violations };
  }

  private boot(h: Host): void {
    h.incarnation++;
    h.alive = true;
    const instance = h.factory(this.envFor(h, h.incarnation));
    h.instance = instance;
    instance.start();
  }

  private envFor(h: Host, incarnation: number): NodeEnv<ClusterMessage> {
    const kernel = this.kernel;
    const live = (): boolean => h.alive && h.incarnation === incarnation;
    return {
      id: h.id,
      role: h.role,
      dc: h.dc,
      region: null,
      incarnation,
      now: () => kernel.now,
      localNow: () => kernel.now,
      rng: this.root.fork(`node:${h.id}:${incarnation}`),
      send: (to, msg) => {
        if (live()) this.route(h.id, to, msg);
      },
      after: (delayUs, fn) =>
        kernel.after(delayUs, () => {
          if (live()) fn();
        }),
      cancel: (handle) => {
        kernel.cancel(handle);
      },
      spawn: (name, proc) => kernel.spawn(name, proc, { parent: null }),
      emit: (kind, detail = {}) => {
        // A node crashed mid-handler has stopped: the rest of the handler is not observable.
        if (!live()) return;
        const e: Emitted = { atUs: kernel.now, node: h.id, kind, detail };
        this.events.push(e);
        for (const l of this.listeners) l(e);
      },
      mark: (name) => {
        if (live()) kernel.coverage.hit(name);
      },
      durable: h.durable,
      peers: (role, dc) => this.ids(role, dc),
    };
  }

  private route(from: NodeId, to: NodeId, msg: ClusterMessage): void {
    if (this.blocked.has(`${from}|${to}`) || this.dropRule?.(from, to, msg)) {
      this.dropped++;
      return;
    }
    this.kernel.after(this.latencyUs, () => {
      const target = this.hosts.get(to);
      if (target === undefined || !target.alive || target.instance === null || this.blocked.has(`${from}|${to}`)) {
        this.dropped++;
        return;
      }
      this.delivered++;
      target.instance.receive(from, msg);
    });
  }
}
