// Payloads (message bodies, observation details) stored column by column. Each value is
// split into a *shape* — its keys, array lengths and leaf kinds, as a short signature like
// {"seq":i,"incarnation":i} — and its leaves. Leaves go to one column per (shape, leaf):
// integers as zigzag deltas from the previous value in that column (sequence numbers and
// counters cost about a byte), strings as indices into one string table, and true, false
// and null cost nothing (they are part of the shape). Records of one message type share a
// shape, so a run's payloads shrink to a few bytes each before compression.
//
// Shared by the encoder (Node) and the decoder (the browser, on demand per record).

import { type ByteReader, ByteWriter } from "./bytes.js";

/** Values past these bounds are kept whole, as one JSON leaf, instead of exploding the shape table. */
const MAX_DEPTH = 8;
const MAX_ARRAY = 32;
const MAX_LEAVES = 64;
const INT_LIMIT = 2 ** 51;

/** Leaf kinds: i integer, f other number (as text), s string, j JSON text, t true, F false, n null, u undefined. */
type LeafKind = "i" | "f" | "s" | "j" | "t" | "F" | "n" | "u";

function carriesData(kind: string): boolean {
  return kind === "i" || kind === "f" || kind === "s" || kind === "j";
}

/** JSON text for values the shape cannot hold (too deep, too long, not plain data). Never throws. */
function jsonLeaf(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_k, v: unknown) =>
      v instanceof Map ? Object.fromEntries(v) : v instanceof Set ? [...v] : typeof v === "bigint" ? String(v) : v,
    );
  } catch {
    text = undefined; // a cycle: described below
  }
  // A function or symbol has no JSON; a cyclic value cannot have one. Describe either as text.
  return text ?? JSON.stringify(String(value));
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

class ShapeWalk {
  sig = "";
  readonly kinds: LeafKind[] = [];
  readonly values: unknown[] = [];

  leaf(kind: LeafKind, value: unknown): void {
    this.sig += kind;
    this.kinds.push(kind);
    this.values.push(value);
  }

  walk(value: unknown, depth: number): void {
    if (value === null) return this.leaf("n", null);
    switch (typeof value) {
      case "number":
        // Integers as deltas only while any delta's zigzag stays a safe integer; others as text.
        return Number.isInteger(value) && Math.abs(value) < INT_LIMIT
          ? this.leaf("i", value)
          : this.leaf("f", String(value));
      case "string":
        return this.leaf("s", value);
      case "boolean":
        return this.leaf(value ? "t" : "F", value);
      case "undefined":
        return this.leaf("u", undefined);
      case "object":
        return this.walkObject(value, depth);
      default:
        return this.leaf("j", jsonLeaf(value));
    }
  }

  private walkObject(value: object, depth: number): void {
    if (depth >= MAX_DEPTH || this.kinds.length >= MAX_LEAVES) return this.leaf("j", jsonLeaf(value));
    if (Array.isArray(value)) {
      if (value.length > MAX_ARRAY) return this.leaf("j", jsonLeaf(value));
      this.sig += "[";
      value.forEach((item, index) => {
        if (index > 0) this.sig += ",";
        this.walk(item, depth + 1);
      });
      this.sig += "]";
      return;
    }
    if (!isPlainObject(value)) return this.leaf("j", jsonLeaf(value));
    this.sig += "{";
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      this.sig += `${first ? "" : ","}${JSON.stringify(key)}:`;
      first = false;
      this.walk(item, depth + 1);
    }
    this.sig += "}";
  }
}

interface Column {
  readonly kind: LeafKind;
  readonly out: ByteWriter;
  previous: number;
}

export class PayloadWriter {
  private readonly shapeIds = new Map<string, number>();
  private readonly shapes: string[] = [];
  private readonly columns: Column[][] = [];
  private readonly strings = new Map<string, number>();
  private readonly stringList: string[] = [];
  private readonly records = new ByteWriter();
  private recordCount = 0;

  get count(): number {
    return this.recordCount;
  }

  /** Appends one record (any JSON-like value); records are numbered in the order added. */
  add(value: unknown): void {
    const walk = new ShapeWalk();
    walk.walk(value, 0);
    let id = this.shapeIds.get(walk.sig);
    if (id === undefined) {
      id = this.shapes.length;
      this.shapeIds.set(walk.sig, id);
      this.shapes.push(walk.sig);
      this.columns.push(walk.kinds.filter(carriesData).map((kind) => ({ kind, out: new ByteWriter(), previous: 0 })));
    }
    this.records.uint(id);
    this.recordCount++;
    const columns = this.columns[id]!;
    let c = 0;
    for (let i = 0; i < walk.kinds.length; i++) {
      const kind = walk.kinds[i]!;
      if (!carriesData(kind)) continue;
      const column = columns[c++]!;
      if (kind === "i") {
        const v = walk.values[i] as number;
        column.out.int(v - column.previous);
        column.previous = v;
      } else column.out.uint(this.intern(walk.values[i] as string));
    }
  }

  private intern(text: string): number {
    let index = this.strings.get(text);
    if (index === undefined) {
      index = this.stringList.length;
      this.strings.set(text, index);
      this.stringList.push(text);
    }
    return index;
  }

  write(out: ByteWriter): void {
    out.uint(this.stringList.length);
    for (const s of this.stringList) out.string(s);
    out.uint(this.shapes.length);
    for (const s of this.shapes) out.string(s);
    out.uint(this.recordCount);
    out.block(this.records);
    for (const columns of this.columns) for (const column of columns) out.block(column.out);
  }
}

/** A parsed shape: how to rebuild a value from its leaf columns. */
type Template =
  | { readonly t: "obj"; readonly keys: string[]; readonly items: Template[] }
  | { readonly t: "arr"; readonly items: Template[] }
  | { readonly t: "leaf"; readonly kind: LeafKind; readonly column: number };

/** Parses a shape signature; `next` numbers the data-carrying leaves in order. */
function parseShape(sig: string): { template: Template; kinds: LeafKind[] } {
  let pos = 0;
  const kinds: LeafKind[] = [];
  const value = (): Template => {
    const c = sig[pos++];
    if (c === "{") {
      const keys: string[] = [];
      const items: Template[] = [];
      while (sig[pos] !== "}") {
        if (sig[pos] === ",") pos++;
        const end = endOfJsonString(sig, pos);
        keys.push(JSON.parse(sig.slice(pos, end)) as string);
        pos = end + 1; // past the colon
        items.push(value());
      }
      pos++;
      return { t: "obj", keys, items };
    }
    if (c === "[") {
      const items: Template[] = [];
      while (sig[pos] !== "]") {
        if (sig[pos] === ",") pos++;
        items.push(value());
      }
      pos++;
      return { t: "arr", items };
    }
    const kind = c as LeafKind;
    if (!carriesData(kind)) return { t: "leaf", kind, column: -1 };
    kinds.push(kind);
    return { t: "leaf", kind, column: kinds.length - 1 };
  };
  const template = value();
  return { template, kinds };
}

function endOfJsonString(text: string, start: number): number {
  let i = start + 1;
  while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
  return i + 1;
}

export class PayloadReader {
  readonly count: number;
  private readonly strings: string[] = [];
  private readonly templates: Template[] = [];
  private readonly shapeOf: Int32Array;
  private readonly ordinal: Int32Array;
  /** Per shape, per data leaf: its values in record order (integers, or string-table indices). */
  private readonly columns: Float64Array[][] = [];

  constructor(input: ByteReader) {
    const stringCount = input.uint();
    for (let i = 0; i < stringCount; i++) this.strings.push(input.string());
    const shapeCount = input.uint();
    const kinds: LeafKind[][] = [];
    for (let i = 0; i < shapeCount; i++) {
      const parsed = parseShape(input.string());
      this.templates.push(parsed.template);
      kinds.push(parsed.kinds);
    }
    this.count = input.uint();
    const records = input.block();
    this.shapeOf = new Int32Array(this.count);
    this.ordinal = new Int32Array(this.count);
    const perShape = new Int32Array(shapeCount);
    for (let i = 0; i < this.count; i++) {
      const s = records.uint();
      this.shapeOf[i] = s;
      this.ordinal[i] = perShape[s]!++;
    }
    for (let s = 0; s < shapeCount; s++)
      this.columns.push(kinds[s]!.map((kind) => readColumn(input.block(), kind, perShape[s]!)));
  }

  /** Record `index`, rebuilt as a fresh plain value. */
  get(index: number): unknown {
    const s = this.shapeOf[index]!;
    return this.build(this.templates[s]!, this.columns[s]!, this.ordinal[index]!);
  }

  private build(t: Template, columns: Float64Array[], row: number): unknown {
    switch (t.t) {
      case "obj": {
        const out: Record<string, unknown> = {};
        t.keys.forEach((key, i) => {
          out[key] = this.build(t.items[i]!, columns, row);
        });
        return out;
      }
      case "arr":
        return t.items.map((item) => this.build(item, columns, row));
      case "leaf":
        return this.leaf(t.kind, t.column < 0 ? 0 : columns[t.column]![row]!);
    }
  }

  private leaf(kind: LeafKind, v: number): unknown {
    switch (kind) {
      case "i":
        return v;
      case "f":
        return Number(this.strings[v]);
      case "s":
        return this.strings[v];
      case "j":
        return JSON.parse(this.strings[v]!) as unknown;
      case "t":
        return true;
      case "F":
        return false;
      case "n":
        return null;
      case "u":
        return undefined;
    }
  }
}

function readColumn(r: ByteReader, kind: LeafKind, count: number): Float64Array {
  const out = new Float64Array(count);
  let previous = 0;
  for (let i = 0; i < count; i++) {
    if (kind === "i") {
      previous += r.int();
      out[i] = previous;
    } else out[i] = r.uint();
  }
  return out;
}
