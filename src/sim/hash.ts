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
 * booleans, null/undefined, bigint). Object keys are folded in insertion order, which
 * is deterministic for values built by deterministic code. Maps and Sets are folded
 * in iteration (insertion) order.
 *
 * It runs once per simulated message, so it is built for speed: one 32-bit lane
 * (the result is 32 bits anyway), FNV-1a over string characters (no lookups), and an
 * integer fast path for numbers.
 */
export function digestValue(value: unknown): number {
  return avalanche32(fold(0x811c9dc5 | 0, value, 0));
}

const FNV_PRIME = 0x01000193;

function foldWord(h: number, word: number): number {
  return Math.imul(h ^ word, FNV_PRIME) ^ (h >>> 15);
}

function foldString(h: number, text: string): number {
  h = foldWord(h, text.length | 0x20000);
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

function foldNumber(h: number, n: number): number {
  if ((n | 0) === n) return foldWord(foldWord(h, 0x10001), n);
  FLOAT_VIEW[0] = n;
  return foldWord(foldWord(foldWord(h, 0x10002), FLOAT_WORDS[0]!), FLOAT_WORDS[1]!);
}

function fold(h: number, value: unknown, depth: number): number {
  if (depth > 32) return foldWord(h, 0xdead);
  switch (typeof value) {
    case "number":
      return foldNumber(h, value);
    case "string":
      return foldString(h, value);
    case "boolean":
      return foldWord(h, value ? 3 : 4);
    case "undefined":
      return foldWord(h, 5);
    case "bigint":
      return foldString(foldWord(h, 6), value.toString());
    case "object":
      return foldObject(h, value, depth);
    default:
      return foldWord(h, 7);
  }
}

function foldObject(h: number, value: object | null, depth: number): number {
  if (value === null) return foldWord(h, 8);
  if (Array.isArray(value)) {
    h = foldWord(h, 0x90000 | value.length);
    for (let i = 0; i < value.length; i++) h = fold(h, value[i], depth + 1);
    return h;
  }
  if (value instanceof Map) {
    h = foldWord(h, 10);
    for (const [k, v] of value) h = fold(fold(h, k, depth + 1), v, depth + 1);
    return h;
  }
  if (value instanceof Set) {
    h = foldWord(h, 11);
    for (const v of value) h = fold(h, v, depth + 1);
    return h;
  }
  h = foldWord(h, 12);
  for (const key in value) {
    h = foldString(h, key);
    h = fold(h, (value as Record<string, unknown>)[key], depth + 1);
  }
  return h;
}
