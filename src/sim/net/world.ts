// The World hosts a topology of nodes on the kernel: it boots them from their role's
// factory, owns the network, applies fault steps (scripted, swarm-drawn or replayed from
// a repro) and runs the two phases — faults, then a liveness phase that heals
// everything and waits for the scenario's pending() to clear.
//
// Every applied step is recorded (ctx.recordFault) with its exact time, so the run
// result carries a schedule that replays and shrinks. When the run was given an explicit
// schedule (ctx.faultOverride), that schedule is applied instead and the scenario's own
// scripted faults become no-ops.

import type { Kernel } from "../kernel.js";
import { sym } from "../trace.js";
import { digestValue, payloadDigest } from "../hash.js";
import type { Rng } from "../rng.js";
import type { Micros } from "../time.js";
import type { EmitDetail, Message, NodeFactory, NodeId, SimNode } from "./env.js";
import type { FaultStep } from "./fault-step.js";
import { NodeHost } from "./host.js";
import type { LinkOptions, LinkOverride } from "./link.js";
import { Network } from "./network.js";
import { ScheduleError, stepTimeUs, validateSchedule } from "./schedule.js";
import { FaultApplier, K_FAULT_DUE, traceFault } from "./apply.js";
import { drawSchedule, optionsCalm, optionsSwarm, type FaultOptions } from "./swarm.js";
import type { Topology } from "./topology.js";
import type { WorldTap } from "./tap.js";

/** The parts of a scenario context the world uses (kept narrow so src/sim never imports scenarios). */
export interface WorldHost {
  readonly kernel: Kernel;
  readonly rng: Rng;
  readonly faultOverride: readonly FaultStep[] | null;
  recordFault(step: FaultStep): void;
  main<T>(name: string, proc: Generator<unknown, T, unknown>): unknown;
  /** The run viewer's observer, when the run is being captured (src/sim/net/tap.ts). */
  readonly tap?: WorldTap | null;
}

export interface Observation {
  atUs: Micros;
  node: NodeId;
  role: string;
  kind: string;
  detail: EmitDetail | undefined;
}

export type ObservationListener = (observation: Observation) => void;

/** A node's host went up (booted or resumed), down (crashed) or paused. */
export type HostStateListener = (atUs: Micros, node: NodeId, state: "up" | "down" | "paused") => void;

export interface WorldOptions {
  topology: Topology;
  /** A factory per role; a role without one boots nothing (its ids still exist as peers). */
  // biome-ignore lint/suspicious/noExplicitAny: each role's factory builds its own node type; the world boots them.
  factories: Record<string, NodeFactory<any>>;
  link?: Partial<LinkOptions>;
  linkOverrides?: Record<string, LinkOverride>;
}

export interface PhaseOptions {
  faultPhaseMs: number;
  livenessBudgetMs: number;
  /** Why the system has not converged yet, or null when it has. */
  pending: () => string | null;
  checkEveryMs?: number;
}

const K_EMIT_PREFIX = "emit:";

export class World {
  readonly hosts: NodeHost[] = [];
  readonly network: Network;
  readonly topology: Topology;
  private readonly byId = new Map<string, NodeHost>();
  private readonly listeners: ObservationListener[] = [];
  private readonly hostListeners: HostStateListener[] = [];
  private readonly applier: FaultApplier;
  private readonly peerCache = new Map<string, readonly NodeId[]>();
  private readonly emitSyms = new Map<string, number>();
  /** Set when the liveness phase begins; later planned steps are skipped. */
  faultsOver = false;
  private readonly tap: WorldTap | null;

  constructor(
    readonly host: WorldHost,
    options: WorldOptions,
  ) {
    this.topology = options.topology;
    const kernel = host.kernel;
    const services = {
      kernel,
      rngFor: (id: string, incarnation: number) => host.rng.fork(`node:${id}#${incarnation}`),
      send: (from: NodeHost, to: NodeId, msg: Message) => this.network.send(from, to, msg),
      emit: (from: NodeHost, kind: string, detail: EmitDetail | undefined) => this.observe(from, kind, detail),
      peers: (role: string, dc: string | undefined) => this.peersOf(role, dc),
      stateChanged: (h: NodeHost) => {
        if (h.state === "off") return;
        for (const l of this.hostListeners) l(kernel.now, h.id, h.state);
      },
    };
    for (const spec of options.topology.nodes) {
      const factory = options.factories[spec.role] ?? null;
      const h = new NodeHost(services, spec, factory ?? (() => idleNode));
      this.hosts.push(h);
      this.byId.set(spec.id, h);
    }
    const overrides = new Map(Object.entries(options.linkOverrides ?? {}));
    this.network = new Network(
      kernel,
      options.topology,
      this.hosts,
      this.byId,
      host.rng.fork("net"),
      options.link ?? {},
      overrides,
    );
    this.applier = new FaultApplier(this);
    this.bootable = new Set(Object.keys(options.factories));
    this.tap = host.tap ?? null;
    if (this.tap !== null) this.attachTap(this.tap);
  }

  /** Lets a viewer's tap watch messages, node states, observations and faults (it changes nothing). */
  private attachTap(tap: WorldTap): void {
    tap.attach({ kernel: this.host.kernel, topology: this.topology });
    this.network.tap = tap;
    for (const h of this.hosts) h.tap = tap;
    this.onEmit((o) => tap.emitted(o.node, o.kind, o.detail));
  }

  private readonly bootable: Set<string>;

  get kernel(): Kernel {
    return this.host.kernel;
  }

  /**
   * Schedules the run's explicit fault schedule, if it has one, then boots every node
   * with a factory, in topology order. The override goes first because scenarios plan
   * (and draw swarm faults) before start(): a replay of a run's own schedule then fires
   * its steps in the same event order as the original run, and its trace is identical.
   */
  start(): void {
    if (this.host.faultOverride !== null) this.schedule(this.host.faultOverride, "the given fault schedule");
    for (const h of this.hosts) if (this.bootable.has(h.role)) h.boot();
  }

  hostOf(id: NodeId): NodeHost {
    const h = this.byId.get(id);
    if (h === undefined) throw new Error(`unknown node "${id}"`);
    return h;
  }

  /** The node's current instance (null while down), for read-only inspection by checkers. */
  node<T extends SimNode = SimNode>(id: NodeId): T | null {
    return (this.hostOf(id).instance as T | null) ?? null;
  }

  ids(role?: string, dc?: string): NodeId[] {
    return this.hosts
      .filter((h) => (role === undefined || h.role === role) && (dc === undefined || h.dc === dc))
      .map((h) => h.id);
  }

  isUp(id: NodeId): boolean {
    return this.hostOf(id).isUp;
  }

  onEmit(listener: ObservationListener): void {
    this.listeners.push(listener);
  }

  /** Calls `listener` whenever a node's host goes up, down or paused. */
  onHostState(listener: HostStateListener): void {
    this.hostListeners.push(listener);
  }

  private observe(from: NodeHost, kind: string, detail: EmitDetail | undefined): void {
    const kernel = this.host.kernel;
    if (kernel.trace.enabled)
      kernel.trace.record(
        kernel.now,
        kernel.currentSeq,
        this.emitSym(kind),
        from.sym,
        0,
        0,
        detail === undefined ? 0 : payloadDigest(detail),
      );
    if (this.listeners.length === 0) return;
    const observation: Observation = { atUs: kernel.now, node: from.id, role: from.role, kind, detail };
    for (const l of this.listeners) l(observation);
  }

  /**
   * The trace symbol of "emit:<kind>", per kind: the concatenation is a fresh string, and looking that up costs far
   * more than looking up `kind`.
   */
  private emitSym(kind: string): number {
    let s = this.emitSyms.get(kind);
    if (s === undefined) {
      s = sym(K_EMIT_PREFIX + kind);
      this.emitSyms.set(kind, s);
    }
    return s;
  }

  private peersOf(role: string, dc: string | undefined): readonly NodeId[] {
    const key = `${role}@${dc ?? "*"}`;
    let list = this.peerCache.get(key);
    if (list === undefined) {
      list = Object.freeze(this.ids(role, dc));
      this.peerCache.set(key, list);
    }
    return list;
  }

  // ---- faults -------------------------------------------------------------

  /**
   * Plans data steps (scripted by the scenario). Ignored when the run replays an explicit
   * schedule, which already contains them. Invalid steps are a scenario bug: it throws.
   */
  plan(steps: readonly FaultStep[]): void {
    if (this.host.faultOverride !== null) return;
    this.schedule(steps, "the scenario's fault plan");
  }

  /**
   * Draws swarm options (or calm ones) and a random schedule for the fault phase, and
   * plans it. The drawn base loss and duplication rates are steps at 0 ms of that plan,
   * like every other random fault, so the applied schedule carries them: a replay of it
   * (or a shrunk version without them) gets exactly the rates it lists.
   */
  swarm(enabled: boolean, faultPhaseMs: number, faultyRoles = ""): FaultOptions {
    const options = enabled ? optionsSwarm(this.host.rng.fork("swarm-options"), faultyRoles) : optionsCalm();
    const rates: FaultStep[] = [];
    if (options.packetLossProbability > 0)
      rates.push({ atMs: 0, action: "set-loss", probability: options.packetLossProbability });
    if (options.duplicateProbability > 0)
      rates.push({ atMs: 0, action: "set-duplicate", probability: options.duplicateProbability });
    this.plan([...rates, ...drawSchedule(this.host.rng.fork("swarm-schedule"), options, this.topology, faultPhaseMs)]);
    return options;
  }

  private schedule(steps: readonly FaultStep[], what: string): void {
    const problems = validateSchedule(steps, this.topology);
    if (problems.length > 0) throw new ScheduleError(problems.map((p) => `${what}: ${p}`));
    for (const step of steps) {
      this.host.kernel.at(
        stepTimeUs(step),
        () => {
          if (!this.faultsOver) this.apply({ ...step });
        },
        K_FAULT_DUE,
      );
    }
  }

  /** Applies a step now, recording it with the exact time and tracing it as `fault:<action>`. */
  apply(step: FaultStep): void {
    const kernel = this.host.kernel;
    const now = kernel.now;
    const atMs = Math.floor(now / 1000);
    const recorded: FaultStep = { ...step, atMs };
    if (now % 1000 !== 0) recorded.atUs = now;
    else delete recorded.atUs;
    this.host.recordFault(recorded);
    this.tap?.fault(recorded);
    traceFault(kernel, recorded.action, recorded.node, digestValue(recorded));
    this.applier.apply(recorded);
  }

  /** A fault decided by scenario code at run time ("crash the leader after the first ACK"). */
  inject(step: Omit<FaultStep, "atMs">): void {
    if (this.host.faultOverride !== null || this.faultsOver) return;
    this.apply({ ...step, atMs: 0 } as FaultStep);
  }

  crash(node: NodeId, durationMs?: number): void {
    this.inject(durationMs === undefined ? { action: "crash", node } : { action: "crash", node, durationMs });
  }
  restart(node: NodeId): void {
    this.inject({ action: "restart", node });
  }
  pause(node: NodeId, durationMs?: number): void {
    this.inject(durationMs === undefined ? { action: "pause", node } : { action: "pause", node, durationMs });
  }
  resume(node: NodeId): void {
    this.inject({ action: "resume", node });
  }
  partition(a: string[], b: string[], options: { oneWay?: boolean; name?: string } = {}): void {
    this.inject({
      action: "partition",
      a,
      b,
      oneWay: options.oneWay ?? false,
      ...(options.name === undefined ? {} : { name: options.name }),
    });
  }
  heal(name?: string): void {
    this.inject(name === undefined ? { action: "heal" } : { action: "heal", name });
  }

  /** Liveness phase: heal partitions, release clogs, resume and restart nodes, stop random loss. */
  healAll(): void {
    traceFault(this.host.kernel, "heal-all", null, 0);
    this.tap?.healedAll();
    this.faultsOver = true;
    this.applier.healEverything();
    this.network.calm = true;
    this.network.lossPpmOverride = null;
    this.network.dupPpmOverride = null;
  }

  /**
   * Runs the fault phase for `faultPhaseMs`, then heals everything and waits up to
   * `livenessBudgetMs` for `pending()` to return null; otherwise a liveness failure
   * (exit 3) naming what is still pending. The run stops once converged.
   */
  runPhases(options: PhaseOptions): void {
    const kernel = this.host.kernel;
    const checkEveryUs = (options.checkEveryMs ?? 100) * 1000;
    const world = this;
    this.host.main(
      "world/phases",
      (function* () {
        yield options.faultPhaseMs * 1000;
        world.healAll();
        const deadline = kernel.now + options.livenessBudgetMs * 1000;
        for (;;) {
          const reason = options.pending();
          if (reason === null) return;
          if (kernel.now >= deadline) {
            kernel.fail("liveness", `liveness: not converged ${options.livenessBudgetMs}ms after healing: ${reason}`);
            return;
          }
          yield checkEveryUs;
        }
      })(),
    );
  }

  /** Per-node counters for the CLI's summary table. */
  summaryRows(): {
    node: string;
    role: string;
    state: string;
    incarnation: number;
    sent: number;
    received: number;
    dropped: number;
  }[] {
    return this.hosts
      .filter((h) => this.bootable.has(h.role))
      .map((h) => ({
        node: h.id,
        role: h.role,
        state: h.state,
        incarnation: h.incarnation,
        sent: h.stats.sent,
        received: h.stats.received,
        dropped: h.stats.dropped,
      }));
  }
}

const idleNode: SimNode = { start() {}, receive() {} };
