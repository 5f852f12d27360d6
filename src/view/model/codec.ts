// The viewer's binary format: the header as JSON, then every column as a varint block
// (times and sequence numbers as deltas, a copy's times relative to its message), then
// the payload stores. Compression (gzip) is a separate step by whoever stores the bytes;
// columns of small deltas and repeated indices are what makes it pay.
//
// encodeRun and decodeRun are exact inverses; test/view/codec.test.ts holds them to it.

import { ByteReader, ByteWriter, readDeltas, readUints, writeDeltas, writeUints } from "./bytes.js";
import { PayloadReader, type PayloadWriter } from "./payloads.js";
import { VIEW_FORMAT, VIEW_MAGIC, type RunColumns, type RunHeader } from "./run-data.js";

export interface EncodeInput extends RunColumns {
  /** One record per message (its body without `type`), when header.payloads. */
  payloads: PayloadWriter | null;
  /** One record per observation (its detail). */
  details: PayloadWriter;
}

export interface DecodedRun {
  header: RunHeader;
  messages: {
    sendUs: Float64Array;
    sendSeq: Float64Array;
    src: Int32Array;
    dst: Int32Array;
    type: Int32Array;
    job: Int32Array;
  };
  copies: {
    msg: Float64Array;
    startUs: Float64Array;
    endUs: Float64Array;
    endSeq: Float64Array;
    outcome: Int32Array;
    flags: Int32Array;
    kind: Int32Array;
  };
  emits: { atUs: Float64Array; seq: Float64Array; node: Int32Array; kind: Int32Array; job: Int32Array };
  /** Message `i`'s body (without `type`), or undefined when the run was read from a trace. */
  payload(i: number): unknown;
  /** Observation `i`'s detail. */
  detail(i: number): unknown;
}

/** Differences of `a` and `b` (a[i] - b[map[i]]), for times stored relative to another column. */
function relative(a: ArrayLike<number>, b: ArrayLike<number>, map: ArrayLike<number> | null, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! - b[map === null ? i : map[i]!]!;
  return out;
}

export function encodeRun(input: EncodeInput): Uint8Array {
  const { header, messages: m, copies: c, emits: e } = input;
  const out = new ByteWriter();
  out.string(VIEW_MAGIC);
  out.string(JSON.stringify(header));
  const nm = header.messageCount;
  writeDeltas(out, m.sendUs, nm);
  writeDeltas(out, m.sendSeq, nm);
  for (const col of [m.src, m.dst, m.type, m.job]) writeUints(out, col, nm);
  const nc = header.copyCount;
  writeDeltas(out, c.msg, nc);
  writeDeltas(out, relative(c.startUs, m.sendUs, c.msg, nc), nc);
  writeDeltas(out, relative(c.endUs, c.startUs, null, nc), nc);
  writeDeltas(out, relative(c.endSeq, m.sendSeq, c.msg, nc), nc);
  for (const col of [c.outcome, c.flags, c.kind]) writeUints(out, col, nc);
  const ne = header.emitCount;
  writeDeltas(out, e.atUs, ne);
  writeDeltas(out, e.seq, ne);
  for (const col of [e.node, e.kind, e.job]) writeUints(out, col, ne);
  if (header.payloads !== (input.payloads !== null))
    throw new Error("header.payloads disagrees with the payload store");
  input.payloads?.write(out);
  input.details.write(out);
  return out.finish();
}

/** Adds b[map[i]] back to a relative column, in place. */
function absolute(rel: Float64Array, base: Float64Array, map: Float64Array | null): Float64Array {
  for (let i = 0; i < rel.length; i++) rel[i]! += base[map === null ? i : map[i]!]!;
  return rel;
}

export function decodeRun(bytes: Uint8Array): DecodedRun {
  const r = new ByteReader(bytes);
  if (r.string() !== VIEW_MAGIC) throw new Error("not a simctl view file");
  const header = JSON.parse(r.string()) as RunHeader;
  if (header.format !== VIEW_FORMAT) throw new Error(`view format ${header.format}; this viewer reads ${VIEW_FORMAT}`);
  const nm = header.messageCount;
  const sendUs = readDeltas(r, nm);
  const sendSeq = readDeltas(r, nm);
  const [src, dst, type, job] = [0, 1, 2, 3].map(() => readUints(r, nm)) as [
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
  ];
  const nc = header.copyCount;
  const msg = readDeltas(r, nc);
  const startUs = absolute(readDeltas(r, nc), sendUs, msg);
  const endUs = absolute(readDeltas(r, nc), startUs, null);
  const endSeq = absolute(readDeltas(r, nc), sendSeq, msg);
  const [outcome, flags, kind] = [0, 1, 2].map(() => readUints(r, nc)) as [Int32Array, Int32Array, Int32Array];
  const ne = header.emitCount;
  const atUs = readDeltas(r, ne);
  const seq = readDeltas(r, ne);
  const [node, emitKind, emitJob] = [0, 1, 2].map(() => readUints(r, ne)) as [Int32Array, Int32Array, Int32Array];
  const payloads = header.payloads ? new PayloadReader(r) : null;
  const details = new PayloadReader(r);
  return {
    header,
    messages: { sendUs, sendSeq, src, dst, type, job },
    copies: { msg, startUs, endUs, endSeq, outcome, flags, kind },
    emits: { atUs, seq, node, kind: emitKind, job: emitJob },
    payload: (i) => payloads?.get(i),
    detail: (i) => details.get(i),
  };
}
