// Byte streams for the viewer's columnar encoding: unsigned and zigzag LEB128 varints
// over a growable Uint8Array, and the reader that undoes them. Values are whole numbers
// below 2^53 (virtual µs, event sequence numbers, table indices), so the arithmetic is
// done on doubles, never with 32-bit bit operators that would truncate them.
// Shared by the encoder (Node) and the decoder (Node and the browser): no Node or DOM APIs.

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

export class ByteWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  get length(): number {
    return this.len;
  }

  private room(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** An unsigned integer in [0, 2^53), 7 bits a byte, low bits first. */
  uint(value: number): void {
    if (!(value >= 0 && Number.isSafeInteger(value))) throw new RangeError(`varint out of range: ${value}`);
    this.room(8);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  /** A signed integer, zigzag-mapped (0, -1, 1, -2, ... → 0, 1, 2, 3, ...) so small magnitudes stay short. */
  int(value: number): void {
    this.uint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  bytes(data: Uint8Array): void {
    this.room(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  /** A length-prefixed UTF-8 string. */
  string(text: string): void {
    const data = utf8Encoder.encode(text);
    this.uint(data.length);
    this.bytes(data);
  }

  /** A length-prefixed block (another writer's bytes). */
  block(inner: ByteWriter): void {
    this.uint(inner.length);
    this.bytes(inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

export class ByteReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  uint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.buf.length) throw new RangeError("truncated varint");
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
  }

  int(): number {
    const z = this.uint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  bytes(length: number): Uint8Array {
    if (this.pos + length > this.buf.length) throw new RangeError("truncated block");
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  string(): string {
    return utf8Decoder.decode(this.bytes(this.uint()));
  }

  /** A length-prefixed block, as its own reader. */
  block(): ByteReader {
    return new ByteReader(this.bytes(this.uint()));
  }
}

/** Writes a column of whole numbers as zigzag deltas from the previous value (sorted times cost a byte or two). */
export function writeDeltas(out: ByteWriter, values: ArrayLike<number>, count: number): void {
  const w = new ByteWriter();
  let previous = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    w.int(v - previous);
    previous = v;
  }
  out.block(w);
}

export function readDeltas(input: ByteReader, count: number): Float64Array {
  const r = input.block();
  const out = new Float64Array(count);
  let previous = 0;
  for (let i = 0; i < count; i++) {
    previous += r.int();
    out[i] = previous;
  }
  return out;
}

/** Writes a column of small non-negative integers (indices into a table). */
export function writeUints(out: ByteWriter, values: ArrayLike<number>, count: number): void {
  const w = new ByteWriter();
  for (let i = 0; i < count; i++) w.uint(values[i]!);
  out.block(w);
}

export function readUints(input: ByteReader, count: number): Int32Array {
  const r = input.block();
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = r.uint();
  return out;
}
