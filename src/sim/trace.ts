// The trace: one canonical record per event — (time, seq, kind, node, peer, message
// type, payload digest) — folded into a rolling 64-bit hash. Every `checkpointEvery`
// records the running hash is kept as a checkpoint, so two runs can be compared and the
// first divergent window found without storing the records themselves.
//
// Names (kinds, node ids, message types) are symbols: 32-bit hashes of their text,
// computed once. The hot path folds integers only; text is produced only when a sink
// or listener asks for records.

import { Hash64, hashString32, mix32 } from "./hash.js";

const P_LO = 0x9e3779b1 | 0;
const P_HI = 0x27d4eb2f | 0;

export type Sym = number;

export interface TraceRecord {
  index: number;
  atUs: number;
  seq: number;
  kind: string;
  node: string;
  peer: string;
  type: string;
  digest: number;
}

export type TraceListener = (record: TraceRecord) => void;

const names = new Map<Sym, string>();
const symbols = new Map<string, Sym>();

/** The symbol of a name. Cached; the empty string is symbol 0. */
export function sym(name: string): Sym {
  let s = symbols.get(name);
  if (s === undefined) {
    s = name === "" ? 0 : hashString32(name) || 1;
    symbols.set(name, s);
    names.set(s, name);
  }
  return s;
}

/**
 * The symbol `sym(name)` gives, without remembering the name: for names made once and
 * never seen again (a task's path). sym() would keep every one of them for the life of
 * the process; only a trace listener, which prints names, needs them kept.
 */
export function transientSym(name: string): Sym {
  const s = symbols.get(name);
  if (s !== undefined) return s;
  return name === "" ? 0 : hashString32(name) || 1;
}

export function symName(s: Sym): string {
  // The kernel keeps symbols in Int32Arrays, so they may come back sign-flipped.
  return s === 0 ? "" : (names.get(s) ?? names.get(s >>> 0) ?? `#${(s >>> 0).toString(16)}`);
}

export const NO_SYM: Sym = 0;

/** The trace hash of an untraced run, which has none. */
export const UNTRACED = "untraced";

export class Trace {
  private readonly hash = new Hash64();
  private records = 0;
  /** Two int32 words per checkpoint, in a typed array: a day-long run has 10^5 of them. */
  private checkpointWords = new Int32Array(256);
  private checkpointCount = 0;
  /** Called with a full record for every event when set (JSONL sinks, divergence windows). */
  listener: TraceListener | null = null;

  /**
   * @param enabled false for an untraced run: records are dropped unread (count stays 0),
   * and callers skip payload digests and name lookups. The run itself is the same run.
   */
  constructor(
    readonly checkpointEvery = 1024,
    readonly enabled = true,
  ) {}

  get count(): number {
    return this.records;
  }

  /**
   * Folds one record. Every field goes through the low lane (one mix each); the high
   * lane is mixed once per record from the low lane and the record index, so the state
   * stays 64 bits at 10 mixes a record instead of 14. Times and sequence numbers are
   * non-negative integers below 2^53: they are split into two 32-bit words directly.
   */
  record(atUs: number, seq: number, kind: Sym, node: Sym, peer: Sym, type: Sym, digest: number): void {
    if (!this.enabled) return;
    const h = this.hash;
    let lo = h.lo;
    lo = mix32(lo, atUs >>> 0, P_LO);
    lo = mix32(lo, (atUs / 4294967296) >>> 0, P_LO);
    lo = mix32(lo, seq >>> 0, P_LO);
    lo = mix32(lo, (seq / 4294967296) >>> 0, P_LO);
    lo = mix32(lo, kind, P_LO);
    lo = mix32(lo, node, P_LO);
    lo = mix32(lo, peer, P_LO);
    lo = mix32(lo, type, P_LO);
    lo = mix32(lo, digest, P_LO);
    h.lo = lo;
    const index = this.records++;
    h.hi = mix32(h.hi ^ lo, index, P_HI);
    if (this.records % this.checkpointEvery === 0) this.checkpoint(h.hi, h.lo);
    if (this.listener !== null) {
      this.listener({
        index,
        atUs,
        seq,
        kind: symName(kind),
        node: symName(node),
        peer: symName(peer),
        type: symName(type),
        digest: digest >>> 0,
      });
    }
  }

  private checkpoint(hi: number, lo: number): void {
    let words = this.checkpointWords;
    const at = this.checkpointCount * 2;
    if (at + 2 > words.length) {
      words = new Int32Array(words.length * 2);
      words.set(this.checkpointWords);
      this.checkpointWords = words;
    }
    words[at] = hi;
    words[at + 1] = lo;
    this.checkpointCount++;
  }

  /** The final trace hash, 16 hex digits; UNTRACED for an untraced run. */
  hashHex(): string {
    if (!this.enabled) return UNTRACED;
    return this.hash.hex();
  }

  /** Checkpoint hashes, one per `checkpointEvery` records, as hex. */
  checkpoints(): string[] {
    const out: string[] = [];
    const tmp = new Hash64();
    for (let i = 0; i < this.checkpointCount * 2; i += 2) {
      tmp.hi = this.checkpointWords[i]!;
      tmp.lo = this.checkpointWords[i + 1]!;
      out.push(tmp.hex());
    }
    return out;
  }
}
