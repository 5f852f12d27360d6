// Applying a mutant: the exactly-once check, the mutated text, and a revert that restores
// the file byte for byte.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Mutant } from "../../src/mutants/data.js";
import { applyMutant, checkMutants, locateProblem, mutateText, occurrences } from "../../src/mutants/patch.js";

const mutant = (original: string, replacement: string): Mutant => ({
  id: "t.m",
  file: "src/a.ts",
  original,
  replacement,
  why: "test",
  equivalent: null,
  family: "test",
});

describe("occurrences and locateProblem", () => {
  it("counts every occurrence, overlapping ones too", () => {
    expect(occurrences("aaa", "aa")).toBe(2);
    expect(occurrences("x <= y; x <= y", "x <= y")).toBe(2);
    expect(occurrences("abc", "")).toBe(0);
  });

  it("accepts exactly one occurrence and says what to do about zero or several", () => {
    expect(locateProblem(mutant("b <= c", "b < c"), "a; b <= c; d")).toBeNull();
    expect(locateProblem(mutant("b <= c", "b < c"), "a; b < c")).toMatch(/no longer occurs in src\/a\.ts.*test\.json/);
    expect(locateProblem(mutant("x", "y"), "x x")).toMatch(/occurs 2 times/);
  });
});

describe("mutateText", () => {
  it("replaces the one occurrence, multi-line and deletions included", () => {
    expect(mutateText(mutant("b <= c", "b < c"), "if (b <= c) f();")).toBe("if (b < c) f();");
    expect(mutateText(mutant("  g();\n", ""), "f();\n  g();\nh();")).toBe("f();\nh();");
    expect(() => mutateText(mutant("q", "r"), "abc")).toThrow(/no longer occurs/);
  });
});

describe("applyMutant and checkMutants", () => {
  const root = mkdtempSync(join(tmpdir(), "simctl-mutant-patch-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, "src"));
  const original = "export const f = (a: number, b: number): boolean => a <= b;\r\n// trailing, no newline";
  writeFileSync(join(root, "src/a.ts"), original);

  it("writes the mutant and the revert restores the file exactly", () => {
    const revert = applyMutant(root, mutant("a <= b", "a < b"));
    expect(readFileSync(join(root, "src/a.ts"), "utf8")).toContain("=> a < b;");
    revert();
    expect(readFileSync(join(root, "src/a.ts"), "utf8")).toBe(original);
  });

  it("leaves the file untouched when the original is not found", () => {
    expect(() => applyMutant(root, mutant("a >= b", "a > b"))).toThrow(/no longer occurs/);
    expect(readFileSync(join(root, "src/a.ts"), "utf8")).toBe(original);
  });

  it("reports missing files and moved code, one line each", () => {
    const problems = checkMutants(root, [
      mutant("a <= b", "a < b"),
      { ...mutant("x", "y"), id: "gone", file: "src/none.ts" },
      { ...mutant("a >= b", "a > b"), id: "moved" },
    ]);
    expect(problems).toEqual([
      "mutant gone: src/none.ts does not exist",
      expect.stringMatching(/^mutant moved: its original text no longer occurs/),
    ]);
  });
});
