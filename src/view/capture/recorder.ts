// The viewer's tap (src/sim/net/tap.ts): attached to a run through RunRequest.tap, it
// writes every message, copy, node state change, observation and fault into columns as
// the run goes. Payloads are encoded at send time, so what the page shows is the message
// as sent even if a node later mutates the object. It only reads the kernel's clock and
// sequence number; it draws nothing and schedules nothing, so the trace hash is unchanged
// (test/view/capture.test.ts checks that for every kind of scenario).

import type { FaultStep, Kernel, Message, NodeId, TappedWorld, Topology, WorldTap } from "../../sim/index.js";
import { PayloadWriter } from "../model/payloads.js";
import {
  FIXED_OUTCOMES,
  FLAG_EXTRA,
  FLAG_HELD,
  OUTCOME_DELIVERED,
  OUTCOME_HELD,
  OUTCOME_IN_FLIGHT,
  type NodeInfo,
  type StateChange,
} from "../model/run-data.js";
import type { AppliedFault } from "./fault-bands.js";
import { jobOfDetail, jobOfMessage } from "./families.js";
import { NameTable } from "./name-table.js";

/** Named columns as growable arrays (the encoder reads any ArrayLike). */
function columns<K extends string>(names: readonly K[]): Record<K, number[]> {
  return Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
}

export class RunRecorder implements WorldTap {
  kernel: Kernel | null = null;
  topology: Topology | null = null;
  readonly nodes: NodeInfo[] = [];
  readonly nodeIndex = new Map<NodeId, number>();
  readonly types = new NameTable();
  readonly outcomes = new NameTable(FIXED_OUTCOMES);
  readonly copyKinds = new NameTable([""]);
  readonly jobs = new NameTable();
  readonly emitKinds = new NameTable();
  readonly m = columns(["sendUs", "sendSeq", "src", "dst", "type", "job"] as const);
  readonly c = columns(["msg", "startUs", "endUs", "endSeq", "outcome", "flags", "kind"] as const);
  readonly e = columns(["atUs", "seq", "node", "kind", "job"] as const);
  readonly payloads = new PayloadWriter();
  readonly details = new PayloadWriter();
  readonly states: StateChange[] = [];
  readonly faults: AppliedFault[] = [];
  healAllUs: number | null = null;
  /** Copies waiting somewhere in the network, by the token the network holds them as. */
  private readonly copyOf = new Map<object, number>();
  private readonly tokenOf = new Map<number, object>();
  /** Copies already given to the network once (a second `scheduled` means an unannounced copy). */
  private readonly scheduledOnce = new Set<number>();
  private current = -1;

  attach(world: TappedWorld): void {
    this.kernel = world.kernel;
    this.topology ??= world.topology;
    for (const spec of world.topology.nodes) {
      if (this.nodeIndex.has(spec.id)) continue;
      this.nodeIndex.set(spec.id, this.nodes.length);
      this.nodes.push({ id: spec.id, role: spec.role, region: spec.region, dc: spec.dc });
    }
  }

  private get now(): number {
    return this.kernel!.now;
  }

  private get seq(): number {
    return this.kernel!.currentSeq;
  }

  sent(from: NodeId, to: NodeId, msg: Message): void {
    const m = this.m;
    const index = m.sendUs.length;
    m.sendUs.push(this.now);
    m.sendSeq.push(this.seq);
    m.src.push(this.nodeIndex.get(from) ?? 0);
    m.dst.push(this.nodeIndex.get(to) ?? 0);
    m.type.push(this.types.index(msg.type));
    const job = jobOfMessage(msg);
    m.job.push(job === null ? 0 : this.jobs.index(job) + 1);
    const { type: _type, ...body } = msg as Message & Record<string, unknown>;
    this.payloads.add(body);
    this.current = this.newCopy(index, 0, 0);
  }

  private newCopy(msg: number, flags: number, kind: number): number {
    const c = this.c;
    const index = c.msg.length;
    c.msg.push(msg);
    c.startUs.push(this.now);
    c.endUs.push(-1);
    c.endSeq.push(-1);
    c.outcome.push(OUTCOME_IN_FLIGHT);
    c.flags.push(flags);
    c.kind.push(kind);
    return index;
  }

  /** Binds the current copy to the token the network now holds it as (forgetting its previous one). */
  private bind(token: object): void {
    const copy = this.current;
    if (copy < 0) return;
    const previous = this.tokenOf.get(copy);
    if (previous !== undefined) this.copyOf.delete(previous);
    this.copyOf.set(token, copy);
    this.tokenOf.set(copy, token);
  }

  held(token: object): void {
    if (this.current < 0) return;
    this.c.flags[this.current]! |= FLAG_HELD;
    this.c.outcome[this.current] = OUTCOME_HELD;
    this.bind(token);
  }

  scheduled(token: object, _atUs: number): void {
    if (this.current < 0) return;
    // A copy goes into flight once. Another schedule of it, not announced by copied(), is a
    // copy made by a network feature this recorder predates: show it as one.
    if (this.scheduledOnce.has(this.current)) this.copied("unannounced");
    this.scheduledOnce.add(this.current);
    this.c.outcome[this.current] = OUTCOME_IN_FLIGHT;
    this.bind(token);
  }

  resumed(token: object): void {
    this.current = this.copyOf.get(token) ?? -1;
  }

  copied(kind: string): void {
    if (this.current < 0) return;
    this.current = this.newCopy(this.c.msg[this.current]!, FLAG_EXTRA, this.copyKinds.index(kind));
  }

  private end(outcome: number): void {
    const copy = this.current;
    if (copy < 0) return;
    this.c.endUs[copy] = this.now;
    this.c.endSeq[copy] = this.seq;
    this.c.outcome[copy] = outcome;
    const token = this.tokenOf.get(copy);
    if (token !== undefined) {
      this.copyOf.delete(token);
      this.tokenOf.delete(copy);
    }
    this.scheduledOnce.delete(copy);
    this.current = -1;
  }

  dropped(reason: string): void {
    this.end(this.outcomes.index(reason));
  }

  delivered(): void {
    this.end(OUTCOME_DELIVERED);
  }

  hostState(node: NodeId, state: string, incarnation: number): void {
    const index = this.nodeIndex.get(node);
    if (index !== undefined) this.states.push({ node: index, atUs: this.now, state, incarnation });
  }

  emitted(node: NodeId, kind: string, detail: Readonly<Record<string, unknown>> | undefined): void {
    const e = this.e;
    e.atUs.push(this.now);
    e.seq.push(this.seq);
    e.node.push(this.nodeIndex.get(node) ?? 0);
    e.kind.push(this.emitKinds.index(kind));
    const job = jobOfDetail(detail);
    e.job.push(job === null ? 0 : this.jobs.index(job) + 1);
    this.details.add(detail === undefined ? {} : detail);
  }

  fault(step: FaultStep): void {
    this.faults.push({ atUs: this.now, step: { ...step } });
  }

  healedAll(): void {
    this.healAllUs = this.now;
  }
}
