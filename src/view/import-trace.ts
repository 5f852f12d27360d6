// Reads a JSONL trace (`simctl run … --trace FILE`) into the viewer's columns, for runs
// that can no longer be re-executed. A trace has no payloads, no topology and no message
// ids, so this is the lesser view, and the page says so:
//   - a delivery or drop is paired with the oldest pending send of the same sender,
//     target, type and payload digest (identical messages on one link are interchangeable);
//   - a drop's reason is recovered from its digest (the send's digest xor the reason's
//     symbol); a reason this file does not list shows as its symbol's hex;
//   - roles and DCs come from the node ids' shape (gate-1, dc1-mgr-2, dc1-wrk-03, client-1);
//   - node states come from boot records and the faults that name one node; partitions,
//     clogs and slow links are shaded across every lane (the trace does not keep sides).

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { sym } from "../sim/index.js";
import { familyOf } from "./capture/families.js";
import { RunRecorder } from "./capture/recorder.js";
import type { EncodeInput } from "./model/codec.js";
import {
  FLAG_EXTRA,
  FLAG_HELD,
  OUTCOME_DELIVERED,
  OUTCOME_IN_FLIGHT,
  VIEW_FORMAT,
  type FaultBand,
  type NodeInfo,
} from "./model/run-data.js";

/** Drop reasons the network uses today; another reason still shows, by its symbol. */
const KNOWN_REASONS = ["loss", "partition", "clog-expiry", "crashed-target", "oversize"];
const PERIOD_START: Readonly<Record<string, string>> = { partition: "heal", clog: "unclog", "slow-link": "unslow" };

interface Record_ {
  t: number;
  seq: number;
  kind: string;
  node: string;
  peer: string;
  type: string;
  digest: number;
}

export class TraceFormatError extends Error {
  override readonly name = "TraceFormatError";
}

/** Role, DC and region guessed from an id's shape; unknown shapes are plain nodes. */
export function nodeInfoFromId(id: string): NodeInfo {
  const dc = /^(dc\d+)-(mgr|wrk)-/.exec(id);
  if (dc !== null) return { id, role: dc[2] === "mgr" ? "manager" : "worker", region: "trace", dc: dc[1]! };
  const role = /^(gate|client)-\d+$/.exec(id)?.[1];
  return { id, role: role ?? "node", region: "trace", dc: null };
}

function* records(text: string, path: string): Generator<Record_> {
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === "") continue;
    let r: Record_;
    try {
      r = JSON.parse(raw) as Record_;
    } catch {
      throw new TraceFormatError(`${path}:${line}: not a JSON trace record`);
    }
    // The closing line `run --trace` writes (an end record, or an interrupted one) is not an event.
    const closing = r as unknown as { end?: unknown; interrupted?: unknown };
    if (closing.end === true || closing.interrupted === true) continue;
    if (typeof r.t !== "number" || typeof r.kind !== "string")
      throw new TraceFormatError(`${path}:${line}: not a simctl trace record (needs "t" and "kind")`);
    yield r;
  }
}

export function importTrace(path: string): EncodeInput {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new TraceFormatError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const reader = new TraceReader();
  for (const r of records(text, path)) reader.add(r);
  return reader.finish(basename(path));
}

class TraceReader {
  readonly r = new RunRecorder();
  private readonly pending = new Map<string, number[]>();
  private endUs = 0;
  private lastSeq = 0;

  private node(id: string): number {
    let i = this.r.nodeIndex.get(id);
    if (i === undefined) {
      i = this.r.nodes.length;
      this.r.nodeIndex.set(id, i);
      this.r.nodes.push(nodeInfoFromId(id));
    }
    return i;
  }

  private copy(msg: number, atUs: number, flags: number, kind: number): number {
    const c = this.r.c;
    c.msg.push(msg);
    c.startUs.push(atUs);
    c.endUs.push(-1);
    c.endSeq.push(-1);
    c.outcome.push(OUTCOME_IN_FLIGHT);
    c.flags.push(flags);
    c.kind.push(kind);
    return c.msg.length - 1;
  }

  private key(src: string, dst: string, type: string, digest: number): string {
    return `${src}\u0000${dst}\u0000${type}\u0000${digest >>> 0}`;
  }

  private queue(key: string): number[] {
    const q = this.pending.get(key);
    if (q !== undefined) return q;
    const fresh: number[] = [];
    this.pending.set(key, fresh);
    return fresh;
  }

  add(rec: Record_): void {
    this.endUs = Math.max(this.endUs, rec.t);
    this.lastSeq = rec.seq;
    if (rec.kind === "send") return this.send(rec);
    if (rec.kind === "duplicate" || rec.kind === "hold") return this.extra(rec);
    if (rec.kind === "deliver")
      return this.finish_(this.key(rec.peer, rec.node, rec.type, rec.digest), rec, OUTCOME_DELIVERED);
    if (rec.kind === "drop") return this.drop(rec);
    if (rec.kind === "boot") return this.state(rec.node, rec.t, "up");
    if (rec.kind.startsWith("emit:")) return this.emit(rec);
    if (rec.kind.startsWith("fault:")) return this.faultRecord(rec);
  }

  private send(rec: Record_): void {
    const m = this.r.m;
    m.sendUs.push(rec.t);
    m.sendSeq.push(rec.seq);
    m.src.push(this.node(rec.node));
    m.dst.push(this.node(rec.peer));
    m.type.push(this.r.types.index(rec.type));
    m.job.push(0);
    this.queue(this.key(rec.node, rec.peer, rec.type, rec.digest)).push(this.copy(m.sendUs.length - 1, rec.t, 0, 0));
  }

  /** A duplicate is a further pending copy; a hold marks the latest pending one. */
  private extra(rec: Record_): void {
    const q = this.queue(this.key(rec.node, rec.peer, rec.type, rec.digest));
    const last = q[q.length - 1];
    if (last === undefined) return;
    if (rec.kind === "hold") {
      this.r.c.flags[last]! |= FLAG_HELD;
      return;
    }
    q.push(this.copy(this.r.c.msg[last]!, rec.t, FLAG_EXTRA, this.r.copyKinds.index("duplicate")));
  }

  private finish_(key: string, rec: Record_, outcome: number): void {
    const copy = this.pending.get(key)?.shift();
    if (copy === undefined) return;
    this.r.c.endUs[copy] = rec.t;
    this.r.c.endSeq[copy] = rec.seq;
    this.r.c.outcome[copy] = outcome;
  }

  private drop(rec: Record_): void {
    for (const reason of KNOWN_REASONS) {
      const key = this.key(rec.node, rec.peer, rec.type, rec.digest ^ sym(`drop:${reason}`));
      if ((this.pending.get(key)?.length ?? 0) > 0) return this.finish_(key, rec, this.r.outcomes.index(reason));
    }
    // An unlisted reason: the oldest pending copy on this link and type, with the reason's symbol.
    const prefix = `${rec.node}\u0000${rec.peer}\u0000${rec.type}\u0000`;
    for (const [key, q] of this.pending) {
      if (!key.startsWith(prefix) || q.length === 0) continue;
      const reasonSym = ((rec.digest ^ Number(key.slice(prefix.length))) >>> 0).toString(16);
      return this.finish_(key, rec, this.r.outcomes.index(`reason #${reasonSym}`));
    }
  }

  private state(id: string, atUs: number, state: string): void {
    if (id === "") return;
    const node = this.node(id);
    this.r.states.push({ node, atUs, state, incarnation: 0 });
  }

  private emit(rec: Record_): void {
    const e = this.r.e;
    e.atUs.push(rec.t);
    e.seq.push(rec.seq);
    e.node.push(this.node(rec.node));
    e.kind.push(this.r.emitKinds.index(rec.kind.slice("emit:".length)));
    e.job.push(0);
    this.r.details.add({});
  }

  private faultRecord(rec: Record_): void {
    const action = rec.kind.slice("fault:".length);
    if (action === "heal-all") this.r.healAllUs = rec.t;
    else if (action === "crash") this.state(rec.node, rec.t, "down");
    else if (action === "pause") this.state(rec.node, rec.t, "paused");
    else if (action === "resume") this.state(rec.node, rec.t, "up");
    if (["crash", "pause", "resume", "restart", "heal-all"].includes(action)) return;
    const step = { atMs: Math.floor(rec.t / 1000), action, ...(rec.node === "" ? {} : { node: rec.node }) };
    this.r.faults.push({ atUs: rec.t, step });
  }

  finish(name: string): EncodeInput {
    const r = this.r;
    for (let i = 0; i < r.c.msg.length; i++)
      if (r.c.endUs[i]! < 0) [r.c.endUs[i], r.c.endSeq[i]] = [this.endUs, r.m.sendSeq[r.c.msg[i]!]!];
    return {
      header: {
        format: VIEW_FORMAT,
        source: "trace",
        scenario: name,
        title: "read from a JSONL trace: no payloads; sends and deliveries paired by digest",
        seed: null,
        verdict: "unknown",
        traceHash: "(not in the trace file)",
        events: this.lastSeq,
        endUs: this.endUs,
        options: {},
        command: `simctl view ${name}`,
        nodes: r.nodes,
        types: r.types.names,
        typeFamilies: r.types.names.map(familyOf),
        outcomes: r.outcomes.names,
        copyKinds: r.copyKinds.names,
        jobs: r.jobs.names,
        emitKinds: r.emitKinds.names,
        states: r.states,
        faults: this.bands(),
        violations: [],
        healAllUs: r.healAllUs,
        messageCount: r.m.sendUs.length,
        copyCount: r.c.msg.length,
        emitCount: r.e.atUs.length,
        payloads: false,
      },
      messages: r.m,
      copies: r.c,
      emits: r.e,
      payloads: null,
      details: r.details,
    };
  }

  /** Periods run from their start record to the next matching end record (or the heal-all). */
  private bands(): FaultBand[] {
    const out: FaultBand[] = [];
    const stop = this.r.healAllUs ?? this.endUs;
    for (const { atUs, step } of this.r.faults) {
      const node = typeof step["node"] === "string" ? this.node(step["node"]) : -1;
      const ender = PERIOD_START[step.action];
      if (ender !== undefined) {
        const next = this.r.faults.find((f) => f.atUs >= atUs && f.step.action === ender);
        out.push({
          action: step.action,
          label: `${step.action} (its nodes are not in the trace)`,
          fromUs: atUs,
          toUs: Math.min(next?.atUs ?? stop, stop),
          a: [],
          b: [],
        });
      } else if (!Object.values(PERIOD_START).includes(step.action))
        out.push({
          action: step.action,
          label: step.action,
          fromUs: atUs,
          toUs: null,
          a: node < 0 ? [] : [node],
          b: [],
        });
    }
    return out;
  }
}
