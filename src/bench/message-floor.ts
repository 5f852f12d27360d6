// The per-message floor that issue 5's cluster goal is stated against: "queue, handler,
// three random draws and a hashed trace record" (DESIGN.md's performance facts measured
// it at about 160 ns, and the goal of 1,000,000 delivered messages/s is about a sixth of
// that). It is built from the simulator's own parts (EventQueue, Rng, Trace) minus
// everything a message in the model adds: no slot table, no network, no node code.
//
// This machine's speed drifts by tens of percent from minute to minute, so an absolute
// figure measured once says little. The cluster bench runs this loop right before each
// of its runs and reports the cluster's cost per delivered message as a multiple of it.

import { EventQueue } from "../sim/queue.js";
import { Rng } from "../sim/rng.js";
import { Trace, sym } from "../sim/trace.js";

/** About what the standard cluster keeps pending (560 events on average, 1,500 at most). */
export const FLOOR_PENDING = 500;

const K_MSG = sym("floor-message");
const NODE_A = sym("floor-a");
const NODE_B = sym("floor-b");
const TYPE = sym("floor-type");

export interface FloorResult {
  messages: number;
  wallMs: number;
  nsPerMessage: number;
  /** The trace hash, so the loop's work cannot be optimised away and is the same every run. */
  traceHash: string;
}

/**
 * Fires `messages` events, each: pop the earliest, call its handler through a table (as
 * the kernel does), draw three numbers (latency, loss, payload), fold one trace record,
 * push the successor.
 */
export function messageFloor(
  messages: number,
  pending = FLOOR_PENDING,
  now: () => number = () => performance.now(),
): FloorResult {
  const queue = new EventQueue(pending + 1);
  const rng = Rng.fromSeed(1).fork("floor");
  const trace = new Trace();
  let seq = 0;
  let state = 0;
  // Two handlers, so the call site is polymorphic like the kernel's.
  const handlers: ((x: number, draw: number) => number)[] = [
    (x, d) => (x + Math.floor(d * 1000)) | 0,
    (x, d) => (x ^ Math.floor(d * 65536)) | 0,
  ];
  for (let i = 0; i < pending; i++) queue.push(rng.int(1, 5_000), seq++, i);
  const start = now();
  for (let n = 0; n < messages; n++) {
    const at = queue.peekAt();
    const eventSeq = queue.peekSeq();
    const slot = queue.peekSlot();
    const latency = rng.int(1, 5_000);
    const lost = rng.next() < 0.001;
    state = handlers[slot & 1]!(state, rng.next());
    trace.record(at, eventSeq, K_MSG, NODE_A, NODE_B, TYPE, lost ? state ^ 1 : state);
    queue.replaceTop(at + latency, seq++, slot);
  }
  const wallMs = now() - start;
  return { messages, wallMs, nsPerMessage: (wallMs * 1e6) / messages, traceHash: trace.hashHex() };
}
