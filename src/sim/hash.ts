// 64-bit non-cryptographic hashing kept in two 32-bit lanes, so it runs on plain
// integer math (Math.imul) with no allocation. Used for trace hashes, payload digests
// and symbol ids. Stable across machines: it depends only on the input values.

const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const P4 = 0x27d4eb2f | 0;

/** Mixes one 32-bit word into lane `h` (murmur-style round). */
export function mix32(h: number, word: number, prime: number): number {
  let k = Math.imul(word | 0, prime);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, P3);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

export function avalanche32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit hash of a string (UTF-16 code units), used to name symbols in the trace. */
export function hashString32(text: string, seed = 0): number {
  let h = seed | 0;
  for (let i = 0; i < text.length; i++) h = mix32(h, text.charCodeAt(i), P1);
  return avalanche32(h ^ text.length);
}

/** A 64-bit accumulator: fold numbers in, read a 16-hex-digit digest out. */
export class Hash64 {
  hi = 0x2545f491 | 0;
  lo = 0x6a09e667 | 0;

  /** Folds a 32-bit integer. */
  word(w: number): void {
    this.lo = mix32(this.lo, w, P1);
    this.hi = mix32(this.hi ^ this.lo, w, P4);
  }

  /** Folds any finite number exactly (integers up to 2^53 and non-integers alike). */
  num(n: number): void {
    if (Number.isInteger(n) && n >= 0 && n <= Number.MAX_SAFE_INTEGER) {
      this.word(n >>> 0);
      this.word(Math.floor(n / 4294967296) >>> 0);
    } else {
      FLOAT_VIEW[0] = n;
      this.word(FLOAT_WORDS[0]!);
      this.word(FLOAT_WORDS[1]! ^ 0x5bd1e995);
    }
  }

  str(text: string): void {
    this.word(hashString32(text));
    this.word(text.length);
  }

  hex(): string {
    const hi = avalanche32(this.hi ^ this.lo);
    const lo = avalanche32(this.lo + Math.imul(this.hi, P2));
    return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
  }

  /** A 32-bit summary, for use as a payload digest. */
  digest32(): number {
    return avalanche32(this.lo ^ Math.imul(this.hi, P1));
  }
}

const FLOAT_VIEW = new Float64Array(1);
const FLOAT_WORDS = new Uint32Array(FLOAT_VIEW.buffer);

/**
 * Stable structural digest of a plain value (objects, arrays, strings, numbers,
 * booleans, null/undefined, bigint), keys included. Object keys are folded in insertion
 * order, which is deterministic for values built by deterministic code. Maps and Sets
 * are folded in iteration (insertion) order. Use it for configs and overrides, where
 * `{a: 1}` and `{b: 1}` must differ.
 */
export function digestValue(value: unknown): number {
  return avalanche32(fold(0x811c9dc5 | 0, value, 0, true));
}

/**
 * The trace's digest of a message payload: like digestValue, but object keys contribute
 * only their count, not their text. Every message of one kind is built by the same code
 * with the same keys in the same order, so the key text tells two runs apart only if
 * the values do too; hashing it cost two thirds of the digest (about 250 ns of 400 for a
 * typical message, measured on the standard cluster's traffic), and this runs once per
 * simulated message.
 */
export function payloadDigest(value: unknown): number {
  return avalanche32(fold(0x811c9dc5 | 0, value, 0, false));
}

const FNV_PRIME = 0x01000193;

function foldWord(h: number, word: number): number {
  return Math.imul(h ^ word, FNV_PRIME) ^ (h >>> 15);
}

/** FNV-style, two UTF-16 code units per multiply (halves the dependent chain). */
function foldString(h: number, text: string): number {
  const n = text.length;
  h = foldWord(h, n | 0x20000);
  let i = 0;
  for (; i + 1 < n; i += 2) h = Math.imul(h ^ (text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)), FNV_PRIME);
  if (i < n) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

/**
 * The digest word of a string, cached. Payload strings repeat endlessly (node ids, job
 * ids, message types), and a Map lookup costs about 20 ns whatever the length, while
 * hashing the characters in JS costs 3-5 ns each. The cached value depends only on the
 * text, so the cache can be cleared at any time without changing any digest.
 */
const stringDigests = new Map<string, number>();
const STRING_CACHE_LIMIT = 1 << 16;
const STRING_CACHE_MAX_LENGTH = 256;
const STRING_SEED = 0x2f6b3c1d;

function stringDigest(text: string): number {
  if (text.length > STRING_CACHE_MAX_LENGTH) return foldString(STRING_SEED, text);
  let d = stringDigests.get(text);
  if (d === undefined) {
    d = foldString(STRING_SEED, text);
    if (stringDigests.size >= STRING_CACHE_LIMIT) stringDigests.clear();
    stringDigests.set(text, d);
  }
  return d;
}

function foldNumber(h: number, n: number): number {
  if ((n | 0) === n) return foldWord(foldWord(h, 0x10001), n);
  FLOAT_VIEW[0] = n;
  return foldWord(foldWord(foldWord(h, 0x10002), FLOAT_WORDS[0]!), FLOAT_WORDS[1]!);
}

function fold(h: number, value: unknown, depth: number, keys: boolean): number {
  switch (typeof value) {
    case "number":
      return foldNumber(h, value);
    case "string":
      return foldWord(foldWord(h, 0x20001), stringDigest(value));
    case "boolean":
      return foldWord(h, value ? 3 : 4);
    case "undefined":
      return foldWord(h, 5);
    case "bigint":
      return foldString(foldWord(h, 6), value.toString());
    case "object":
      return depth > 32 ? foldWord(h, 0xdead) : foldObject(h, value, depth, keys);
    default:
      return foldWord(h, 7);
  }
}

function foldObject(h: number, value: object | null, depth: number, keys: boolean): number {
  if (value === null) return foldWord(h, 8);
  if (Array.isArray(value)) {
    h = foldWord(h, 0x90000 | value.length);
    for (let i = 0; i < value.length; i++) h = fold(h, value[i], depth + 1, keys);
    return h;
  }
  if (value instanceof Map) {
    h = foldWord(h, 10);
    for (const [k, v] of value) h = fold(fold(h, k, depth + 1, keys), v, depth + 1, keys);
    return h;
  }
  if (value instanceof Set) {
    h = foldWord(h, 11);
    for (const v of value) h = fold(h, v, depth + 1, keys);
    return h;
  }
  h = foldWord(h, 12);
  let count = 0;
  for (const key in value) {
    if (keys) h = foldString(h, key);
    h = foldField(h, (value as Record<string, unknown>)[key], depth + 1, keys);
    count++;
  }
  return foldWord(h, 0xb0000 | count);
}

/** One object field: the two kinds nearly every payload field is, inline (a third cheaper than fold). */
function foldField(h: number, v: unknown, depth: number, keys: boolean): number {
  if (typeof v === "number") return foldNumber(h, v);
  if (typeof v === "string") return foldWord(foldWord(h, 0x20001), stringDigest(v));
  return fold(h, v, depth, keys);
}

/** The digest word payloadDigest uses for a string (cached). */
export function stringWord(text: string): number {
  return stringDigest(text);
}

/**
 * payloadDigest of a message (a plain object), given the word of its `type` field: the
 * network already looks the type up once per message for its symbol, and keeps the
 * word with it, which saves one string lookup. Equal to payloadDigest(msg).
 */
export function messageDigest(msg: object, typeWord: number): number {
  let h = foldWord(0x811c9dc5 | 0, 12);
  let count = 0;
  for (const key in msg) {
    h =
      key === "type"
        ? foldWord(foldWord(h, 0x20001), typeWord)
        : foldField(h, (msg as Record<string, unknown>)[key], 1, false);
    count++;
  }
  return avalanche32(foldWord(h, 0xb0000 | count));
}
