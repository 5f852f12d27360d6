// A compact log of a run's trace records, kept in repro files so a later replay can name
// the recorded side of the first differing event, not just the checkpoint window it is
// in. Each record is seven int32s (time and seq as deltas, four name indexes into a
// string table, the payload digest), deflated and base64-encoded: a few bytes a record.
// Only the first `limit` records are kept; beyond that replay falls back to windows.

import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { TraceListener, TraceRecord } from "../sim/index.js";

export interface RecordLog {
  /** Records stored (the first `count` of the run). */
  count: number;
  /** False when the run had more records than were kept. */
  complete: boolean;
  /** Kinds, nodes, peers and message types, indexed by the rows. */
  names: string[];
  /** base64(deflate-raw(int32 little-endian rows)). */
  data: string;
}

export const RECORD_LOG_LIMIT = 100_000; // about 2 MB of JSON at most for busy network traces
const FIELDS = 7;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export class RecordLogBuilder {
  private rows = new Int32Array(FIELDS * 1024);
  private count = 0;
  private truncated = false;
  private prevAt = 0;
  private prevSeq = 0;
  private readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(private readonly limit = RECORD_LOG_LIMIT) {}

  readonly listener: TraceListener = (r) => {
    if (this.truncated) return;
    const dt = r.atUs - this.prevAt;
    const dseq = r.seq - this.prevSeq;
    // A delta that does not fit 32 bits ends the log here (it stays a valid prefix).
    if (this.count >= this.limit || dt < INT32_MIN || dt > INT32_MAX || dseq < INT32_MIN || dseq > INT32_MAX) {
      this.truncated = true;
      return;
    }
    if ((this.count + 1) * FIELDS > this.rows.length) this.grow();
    const o = this.count * FIELDS;
    this.rows[o] = dt;
    this.rows[o + 1] = dseq;
    this.rows[o + 2] = this.nameIndex(r.kind);
    this.rows[o + 3] = this.nameIndex(r.node);
    this.rows[o + 4] = this.nameIndex(r.peer);
    this.rows[o + 5] = this.nameIndex(r.type);
    this.rows[o + 6] = r.digest | 0;
    this.prevAt = r.atUs;
    this.prevSeq = r.seq;
    this.count++;
  };

  build(): RecordLog {
    const bytes = Buffer.alloc(this.count * FIELDS * 4);
    for (let i = 0; i < this.count * FIELDS; i++) bytes.writeInt32LE(this.rows[i]!, i * 4);
    return {
      count: this.count,
      complete: !this.truncated,
      names: [...this.names],
      data: deflateRawSync(bytes, { level: 9 }).toString("base64"),
    };
  }

  private nameIndex(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }

  private grow(): void {
    const next = new Int32Array(this.rows.length * 2);
    next.set(this.rows);
    this.rows = next;
  }
}

/** Decodes records [from, to) of a log (clamped to what it holds). Throws on a corrupt log. */
export function decodeRecordLog(log: RecordLog, from = 0, to = log.count): TraceRecord[] {
  const bytes = inflateRawSync(Buffer.from(log.data, "base64"));
  if (bytes.length !== log.count * FIELDS * 4)
    throw new Error(`record log holds ${bytes.length} bytes, expected ${log.count * FIELDS * 4}`);
  const out: TraceRecord[] = [];
  const end = Math.min(to, log.count);
  let atUs = 0;
  let seq = 0;
  const name = (i: number): string => {
    const n = log.names[i];
    if (n === undefined) throw new Error(`record log names index ${i} of ${log.names.length}`);
    return n;
  };
  for (let i = 0; i < end; i++) {
    const o = i * FIELDS * 4;
    atUs += bytes.readInt32LE(o);
    seq += bytes.readInt32LE(o + 4);
    if (i < from) continue;
    out.push({
      index: i,
      atUs,
      seq,
      kind: name(bytes.readInt32LE(o + 8)),
      node: name(bytes.readInt32LE(o + 12)),
      peer: name(bytes.readInt32LE(o + 16)),
      type: name(bytes.readInt32LE(o + 20)),
      digest: bytes.readInt32LE(o + 24) >>> 0,
    });
  }
  return out;
}
