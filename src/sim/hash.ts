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

// Payload digests hash the same short strings (field names, message types, node ids)
// over and over; caching their hashes halves the cost of a digest. The cached value is
// the same function of the text, so the cache cannot change any result; it is bounded
// by clearing it when full.
const stringHashCache = new Map<string, number>();
const STRING_CACHE_LIMIT = 65_536;

function cachedStringHash(text: string): number {
  if (text.length > 64) return hashString32(text);
  let h = stringHashCache.get(text);
  if (h === undefined) {
    h = hashString32(text);
    if (stringHashCache.size >= STRING_CACHE_LIMIT) stringHashCache.clear();
    stringHashCache.set(text, h);
  }
  return h;
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
    this.word(cachedStringHash(text));
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
 * booleans, null/undefined, bigint). Object keys are folded in insertion order, which
 * is deterministic for values built by deterministic code. Maps and Sets are folded
 * in iteration (insertion) order.
 */
export function digestValue(value: unknown): number {
  const h = new Hash64();
  foldValue(h, value, 0);
  return h.digest32();
}

function foldValue(h: Hash64, value: unknown, depth: number): void {
  if (depth > 32) {
    h.word(0xdead);
    return;
  }
  switch (typeof value) {
    case "number":
      h.word(1);
      h.num(value);
      return;
    case "string":
      h.word(2);
      h.str(value);
      return;
    case "boolean":
      h.word(value ? 3 : 4);
      return;
    case "undefined":
      h.word(5);
      return;
    case "bigint":
      h.word(6);
      h.str(value.toString());
      return;
    case "object":
      foldObject(h, value, depth);
      return;
    default:
      h.word(7);
      return;
  }
}

function foldObject(h: Hash64, value: object | null, depth: number): void {
  if (value === null) {
    h.word(8);
  } else if (Array.isArray(value)) {
    h.word(9);
    h.word(value.length);
    for (const item of value) foldValue(h, item, depth + 1);
  } else if (value instanceof Map) {
    h.word(10);
    for (const [k, v] of value) {
      foldValue(h, k, depth + 1);
      foldValue(h, v, depth + 1);
    }
  } else if (value instanceof Set) {
    h.word(11);
    for (const v of value) foldValue(h, v, depth + 1);
  } else {
    h.word(12);
    for (const key in value) {
      h.str(key);
      foldValue(h, (value as Record<string, unknown>)[key], depth + 1);
    }
  }
}
