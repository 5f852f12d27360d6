// An optional observer of a World's run, for the run viewer (src/view): every message's
// fate, every node's state change, every applied fault. It only watches: it may not draw
// from any stream, schedule events or touch a node, so a run with a tap attached has the
// same trace hash as one without. When no tap is attached (every run but a viewer's) each
// hook costs one null check.
//
// Messages are followed through the network by a *current message*: `sent` makes a new
// message current, and every later hook until the next `sent`/`resumed` is about it. A
// message that must wait (held by a clog, in flight to its target) is bound to a token
// object (`held`/`scheduled`), and `resumed(token)` makes it current again when the
// network picks it up. This keeps message ids out of the network's hot path: the network
// passes objects it already has (the held entry, the in-flight packet).
//
// Outcomes are strings, so a new way to lose a message (a new fault kind) is a new
// reason string, and a new way to gain a copy is a new `copied` kind; no interface change.

import type { Kernel } from "../kernel.js";
import type { FaultStep } from "./fault-step.js";
import type { Message, NodeId } from "./env.js";
import type { Topology } from "./topology.js";

export interface MessageTap {
  /** `from` sent `msg` to `to`; it becomes the current message. */
  sent(from: NodeId, to: NodeId, msg: Message): void;
  /** The current message is held (by a clog) as `token`, until `resumed(token)`. */
  held(token: object): void;
  /** The current message's current copy is in flight as `token`, due at `atUs`. */
  scheduled(token: object, atUs: number): void;
  /** The network picked `token` up again (a release, or an arrival): it becomes current. */
  resumed(token: object): void;
  /** The network made another copy of the current message ("duplicate", ...); the copy becomes current. */
  copied(kind: string): void;
  /** The current copy was dropped, for `reason` ("loss", "partition", "crashed-target", ...). */
  dropped(reason: string): void;
  /** The current copy was delivered to its target now. */
  delivered(): void;
}

export interface HostTap {
  /** A node's state changed: "up" (booted or resumed), "down" (crashed) or "paused". */
  hostState(node: NodeId, state: string, incarnation: number): void;
}

/** What a tap gets to see of the world it watches. */
export interface TappedWorld {
  readonly kernel: Kernel;
  readonly topology: Topology;
}

export interface WorldTap extends MessageTap, HostTap {
  /** Called once, when the World is built, before any node boots. */
  attach(world: TappedWorld): void;
  /** A node emitted an observation (`env.emit`). */
  emitted(node: NodeId, kind: string, detail: Readonly<Record<string, unknown>> | undefined): void;
  /** A fault step was applied now (as recorded in the run's applied schedule). */
  fault(step: FaultStep): void;
  /** The fault phase ended: everything was healed and the liveness phase began. */
  healedAll(): void;
}
