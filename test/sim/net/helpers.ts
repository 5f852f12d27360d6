// Test scaffolding for the network and fault model: a tiny recorder node that logs
// everything that happens to it, and `runNet`, which wraps a World of recorders in an
// inline scenario and runs it through `runScenario` like any real scenario.
//
// A test script schedules sends and faults at virtual times with `t.at(ms, fn)` (or
// `t.atUs`) and reads the shared `Recorder` afterwards.

import {
  ms,
  sleep,
  type FaultStep,
  type LinkOptions,
  type LinkOverride,
  type Micros,
  type NodeEnv,
  type NodeId,
  type Proc,
  type SimNode,
  type Topology,
  type TraceRecord,
  World,
  flatTopology,
} from "../../../src/sim/index.js";
import type { ScenarioContext } from "../../../src/scenarios/context.js";
import { runScenario, type RunRequest } from "../../../src/scenarios/runner.js";
import { defineScenario, type RunResult } from "../../../src/scenarios/types.js";

export interface RecMsg {
  readonly type: string;
  /** A per-test label (send order, usually). */
  readonly n: number;
  readonly sizeBytes?: number;
}

export interface Receipt {
  atUs: Micros;
  from: NodeId;
  to: NodeId;
  type: string;
  n: number;
  incarnation: number;
  /** Position among everything this recorder saw (receipts and timer/process runs together). */
  i: number;
}

export interface Recorder {
  receipts: Receipt[];
  undeliverable: { atUs: Micros; from: NodeId; to: NodeId; n: number; reason: string }[];
  /** Every start() call: which node, which incarnation, when. */
  boots: { atUs: Micros; node: NodeId; incarnation: number; rngDraw: number; durableBoots: number }[];
  /** Node timers and process steps that actually ran, in order. */
  ran: { atUs: Micros; node: NodeId; what: string; localUs: Micros; i: number }[];
  /** Next position (shared by receipts and runs). */
  count: number;
}

/** A node that only records. Its one volatile field counts receipts this incarnation. */
export class RecorderNode implements SimNode<RecMsg> {
  receivedThisLife = 0;

  constructor(
    readonly env: NodeEnv<RecMsg>,
    private readonly rec: Recorder,
  ) {}

  start(): void {
    const durable = this.env.durable as { boots?: number };
    durable.boots = (durable.boots ?? 0) + 1;
    this.rec.boots.push({
      atUs: this.env.now(),
      node: this.env.id,
      incarnation: this.env.incarnation,
      rngDraw: this.env.rng.int(0, 1_000_000_000),
      durableBoots: durable.boots,
    });
  }

  receive(from: NodeId, msg: RecMsg): void {
    this.receivedThisLife++;
    this.rec.receipts.push({
      atUs: this.env.now(),
      from,
      to: this.env.id,
      type: msg.type,
      n: msg.n,
      incarnation: this.env.incarnation,
      i: this.rec.count++,
    });
  }

  undeliverable(to: NodeId, msg: RecMsg, reason: string): void {
    this.rec.undeliverable.push({ atUs: this.env.now(), from: this.env.id, to, n: msg.n, reason });
  }

  /** Sets a node timer that logs `what` when it fires. */
  timer(what: string, delayUs: Micros): void {
    this.env.after(delayUs, () => this.note(what));
  }

  /** Spawns a node process that logs `what#i` every `everyUs`, forever. */
  ticker(what: string, everyUs: Micros): void {
    const self = this;
    this.env.spawn(
      what,
      (function* (): Proc<void> {
        for (let i = 1; ; i++) {
          yield* sleep(everyUs);
          self.note(`${what}#${i}`);
        }
      })(),
    );
  }

  note(what: string): void {
    this.rec.ran.push({
      atUs: this.env.now(),
      node: this.env.id,
      what,
      localUs: this.env.localNow(),
      i: this.rec.count++,
    });
  }
}

export interface Script {
  ctx: ScenarioContext;
  world: World;
  rec: Recorder;
  /** Runs `fn` at virtual time `atMs` (kernel event). */
  at(atMs: number, fn: () => void): void;
  atUs(atUs: Micros, fn: () => void): void;
  /** The node's current instance (throws while it is down). */
  node(id: NodeId): RecorderNode;
  /** `from` sends `{ type, n }` to `to` right now, through its env. */
  send(from: NodeId, to: NodeId, n: number, type?: string, sizeBytes?: number): void;
}

export interface NetSpec {
  topology?: Topology;
  /** Flat topology of these ids (default a, b, c) when no topology is given. */
  ids?: string[];
  link?: Partial<LinkOptions>;
  linkOverrides?: Record<string, LinkOverride>;
  /** Fault steps planned with world.plan. */
  plan?: FaultStep[];
  /** Scenario script, run during setup after world.start(). */
  script?: (t: Script) => void;
  /** Stops the run at this time (default 1000 ms) unless `phases` is given. */
  runMs?: number;
  /** Use world.runPhases instead of a fixed run length. */
  phases?: {
    faultPhaseMs: number;
    livenessBudgetMs: number;
    pending: (t: Script) => string | null;
    checkEveryMs?: number;
  };
  /** Extra scenario checks. */
  checks?: (t: Script) => Record<string, () => string | null>;
  /** Options passed through to the scenario (for `--set`-like overrides). */
  id?: string;
}

export interface NetRun {
  result: RunResult;
  world: World;
  rec: Recorder;
  trace: TraceRecord[];
}

/** Builds an inline scenario from `spec` (reusable across seeds and replays). */
export function netScenario(spec: NetSpec, out: { world?: World; rec?: Recorder } = {}) {
  return defineScenario({
    id: spec.id ?? "test/net-inline",
    title: "inline network test scenario",
    description: "built by test/sim/net/helpers.ts",
    covers: [],
    options: {},
    schema: {},
    setup(ctx) {
      const rec: Recorder = { receipts: [], undeliverable: [], boots: [], ran: [], count: 0 };
      const topology = spec.topology ?? flatTopology(spec.ids ?? ["a", "b", "c"]);
      const roles = [...new Set(topology.nodes.map((n) => n.role))];
      const world = new World(ctx, {
        topology,
        factories: Object.fromEntries(roles.map((r) => [r, (env: NodeEnv<RecMsg>) => new RecorderNode(env, rec)])),
        ...(spec.link === undefined ? {} : { link: spec.link }),
        ...(spec.linkOverrides === undefined ? {} : { linkOverrides: spec.linkOverrides }),
      });
      out.world = world;
      out.rec = rec;
      const t: Script = {
        ctx: ctx as unknown as ScenarioContext,
        world,
        rec,
        at: (atMs, fn) => void ctx.kernel.at(ms(atMs), fn),
        atUs: (atUs, fn) => void ctx.kernel.at(atUs, fn),
        node: (id) => {
          const node = world.node<RecorderNode>(id);
          if (node === null) throw new Error(`node ${id} is down`);
          return node;
        },
        send: (from, to, n, type = "m", sizeBytes) => {
          const msg: RecMsg = sizeBytes === undefined ? { type, n } : { type, n, sizeBytes };
          world.hostOf(from).send(to, msg);
        },
      };
      if (spec.plan !== undefined) world.plan(spec.plan);
      world.start();
      spec.script?.(t);
      if (spec.phases !== undefined) {
        const p = spec.phases;
        world.runPhases({
          faultPhaseMs: p.faultPhaseMs,
          livenessBudgetMs: p.livenessBudgetMs,
          pending: () => p.pending(t),
          ...(p.checkEveryMs === undefined ? {} : { checkEveryMs: p.checkEveryMs }),
        });
      } else {
        const runMs = spec.runMs ?? 1_000;
        ctx.main(
          "run",
          (function* () {
            yield ms(runMs);
          })(),
        );
      }
      for (const [name, fn] of Object.entries(spec.checks?.(t) ?? {})) ctx.check(name, fn);
    },
  });
}

/** Runs `spec` once and returns the result with the world, the recorder and (optionally) the trace. */
export function runNet(spec: NetSpec, request: Partial<RunRequest> & { collectTrace?: boolean } = {}): NetRun {
  const out: { world?: World; rec?: Recorder } = {};
  const trace: TraceRecord[] = [];
  const { collectTrace, ...rest } = request;
  const req: RunRequest = { seed: 1, ...rest };
  if (collectTrace === true) req.traceListener = (r) => trace.push(r);
  const result = runScenario(netScenario(spec, out), req);
  return { result, world: out.world!, rec: out.rec!, trace };
}

/** Receipts on one directed link, in arrival order. */
export function on(rec: Recorder, from: NodeId, to: NodeId): Receipt[] {
  return rec.receipts.filter((r) => r.from === from && r.to === to);
}

/** The labels (`n`) of receipts on one directed link, in arrival order. */
export function labels(rec: Recorder, from: NodeId, to: NodeId): number[] {
  return on(rec, from, to).map((r) => r.n);
}

/** Everything `node` saw, in order: "recv:<from>:<n>" and "run:<what>". */
export function seen(rec: Recorder, node: NodeId): string[] {
  const items = [
    ...rec.receipts.filter((r) => r.to === node).map((r) => ({ i: r.i, text: `recv:${r.from}:${r.n}` })),
    ...rec.ran.filter((r) => r.node === node).map((r) => ({ i: r.i, text: `run:${r.what}` })),
  ];
  return items.sort((x, y) => x.i - y.i).map((x) => x.text);
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
