// The one door a simulated node has to the world (TigerBeetle's MessageBus, turmoil's
// host context). Nodes import only these types and src/nodes/parts; never the kernel,
// the network or another node. A node can therefore be unit-tested with a fake env.

import type { Rng } from "../rng.js";
import type { Micros } from "../time.js";
import type { Proc, Task } from "../process.js";
import type { TimerHandle } from "../kernel.js";

export type NodeId = string;

/** Every message is a plain object with a string discriminant `type`. */
export interface Message {
  readonly type: string;
}

export type EmitDetail = Record<string, string | number | boolean | null>;

export interface NodeEnv<M extends Message = Message> {
  readonly id: NodeId;
  /** Role from the topology: "gate", "manager", "worker", "client", or a scenario's own. */
  readonly role: string;
  readonly dc: string | null;
  readonly region: string | null;
  /** 1 on first start, +1 on each restart. */
  readonly incarnation: number;
  /** True (kernel) time. Nodes should reason with localNow(); this is for tracing. */
  now(): Micros;
  /** The node's own clock: kernel time with this node's offset, drift and jumps applied. */
  localNow(): Micros;
  /** This node's own stream (forked per node id and incarnation). */
  readonly rng: Rng;
  /** Sends through the simulated network (latency, loss, partitions, ...). */
  send(to: NodeId, msg: M): void;
  /** A timer on this node; cancelled if the node crashes, deferred while it is paused. */
  after(delayUs: Micros, fn: () => void): TimerHandle;
  cancel(handle: TimerHandle): void;
  /** A process owned by this node; cancelled if the node crashes. */
  spawn<T>(name: string, proc: Proc<T>): Task<T>;
  /** A trace record and an observation for checkers: `emit("job.terminal", { job: "j1" })`. */
  emit(kind: string, detail?: EmitDetail): void;
  /** A coverage mark: this protocol branch was reached (src/sim/coverage.ts). Not traced. */
  mark(name: string): void;
  /** State that survives a crash and restart (a disk). Everything else is volatile. */
  readonly durable: Record<string, unknown>;
  /** Static seed list from the topology: node ids by role, optionally within one DC. */
  peers(role: string, dc?: string): readonly NodeId[];
}

export interface SimNode<M extends Message = Message> {
  /** Called once per incarnation, when the node boots. */
  start(): void;
  receive(from: NodeId, msg: M): void;
  /** The network refused a message this node sent (oversize); the sender learns of it. */
  undeliverable?(to: NodeId, msg: M, reason: string): void;
}

export type NodeFactory<M extends Message = Message> = (env: NodeEnv<M>) => SimNode<M>;
