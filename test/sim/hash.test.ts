// Unit tests of the trace hash and payload digests (src/sim/hash.ts).

import { describe, expect, it } from "vitest";
import { Hash64, digestValue, hashString32, messageDigest, payloadDigest, stringWord } from "../../src/sim/index.js";

function numHash(...values: number[]): string {
  const h = new Hash64();
  for (const v of values) h.num(v);
  return h.hex();
}

describe("Hash64", () => {
  it("num distinguishes 1 from 1.5 and from 2^32 (no truncation to 32 bits, no float/int aliasing)", () => {
    const hashes = [1, 1.5, 2 ** 32, 0, 2 ** 32 + 1, 2 ** 53 - 1, -1, 0.5].map((v) => numHash(v));
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it("num is a function of the value alone", () => {
    expect(numHash(1.5, 2 ** 40)).toBe(numHash(1.5, 2 ** 40));
  });

  it("word order matters", () => {
    expect(numHash(1, 2)).not.toBe(numHash(2, 1));
  });

  it("str folds text and length: different strings differ, equal strings agree", () => {
    const of = (s: string): string => {
      const h = new Hash64();
      h.str(s);
      return h.hex();
    };
    expect(of("abc")).toBe(of("abc"));
    expect(new Set(["", "a", "ab", "ba", "abc"].map(of)).size).toBe(5);
    expect(hashString32("Dispatch")).toBe(hashString32("Dispatch"));
    expect(hashString32("Dispatch")).not.toBe(hashString32("Dispatcj"));
  });
});

describe("digestValue", () => {
  it("equal structures digest equal; any leaf or key change digests differently", () => {
    const a = { job: "j7", attempt: 2, cores: [1, 2], ok: true, note: null };
    expect(digestValue(a)).toBe(digestValue({ job: "j7", attempt: 2, cores: [1, 2], ok: true, note: null }));
    const variants = [
      { job: "j8", attempt: 2, cores: [1, 2], ok: true, note: null },
      { job: "j7", attempt: 3, cores: [1, 2], ok: true, note: null },
      { job: "j7", attempt: 2, cores: [2, 1], ok: true, note: null },
      { job: "j7", attempt: 2, cores: [1, 2], ok: false, note: null },
      { job: "j7", attempt: 2, cores: [1, 2], ok: true, note: undefined },
      { job: "j7", attempt: 2, cores: [1, 2], ok: true, memo: null },
      { job: "j7", attempt: 2, cores: [1, 2, 3], ok: true, note: null },
    ];
    const digests = new Set([digestValue(a), ...variants.map(digestValue)]);
    expect(digests.size).toBe(variants.length + 1);
  });

  it("tells apart values of different types that print alike", () => {
    const values = [1, "1", true, null, undefined, [1], { 1: 1 }, new Map([[1, 1]]), new Set([1]), 1n];
    expect(new Set(values.map(digestValue)).size).toBe(values.length);
  });
});

describe("payloadDigest", () => {
  it("follows every value, the key count and the value order, but not the key text", () => {
    const m = { type: "workflow-progress", jobId: "job-7", fence: 3, done: [1, 2], ok: true };
    expect(payloadDigest(m)).toBe(
      payloadDigest({ type: "workflow-progress", jobId: "job-7", fence: 3, done: [1, 2], ok: true }),
    );
    const variants = [
      { type: "workflow-progress", jobId: "job-8", fence: 3, done: [1, 2], ok: true },
      { type: "workflow-progress", jobId: "job-7", fence: 4, done: [1, 2], ok: true },
      { type: "workflow-progress", jobId: "job-7", fence: 3, done: [2, 1], ok: true },
      { type: "workflow-progress", jobId: "job-7", fence: 3, done: [1, 2], ok: false },
      { type: "workflow-progress", jobId: "job-7", fence: 3, done: [1, 2] },
      { type: "workflow-progress", jobId: "job-7", fence: 3, done: [1, 2], ok: true, extra: undefined },
      { type: "workflow-progress", fence: 3, jobId: "job-7", done: [1, 2], ok: true },
    ];
    expect(new Set([payloadDigest(m), ...variants.map(payloadDigest)]).size).toBe(variants.length + 1);
    // Renaming a key alone is invisible (documented trade: the same code builds the same keys).
    expect(payloadDigest({ a: 1 })).toBe(payloadDigest({ b: 1 }));
    expect(digestValue({ a: 1 })).not.toBe(digestValue({ b: 1 }));
  });

  it("strings of odd and even length, and strings that differ only in their last unit, differ", () => {
    const texts = ["", "a", "ab", "abc", "abd", "abcd", "abce", "ba"];
    expect(new Set(texts.map(payloadDigest)).size).toBe(texts.length);
  });
});

describe("messageDigest", () => {
  it("equals payloadDigest for messages with nested values, wherever the type key sits", () => {
    const messages = [
      { type: "workflow-progress", jobId: "job-7", fence: 3, rate: 1.5, done: [1, "a"], body: { x: null, y: true } },
      { jobId: "job-7", type: "ack", seq: 2 ** 40 },
      { type: "probe" },
    ];
    for (const m of messages) expect(messageDigest(m, stringWord(m.type))).toBe(payloadDigest(m));
  });
});
