// Parsing the mutant data: a family file's shape, each entry's fields, unique ids, --only.

import { describe, expect, it } from "vitest";
import { MutantDataError, parseMutantFile, selectMutants } from "../../src/mutants/data.js";

const entry = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: "part.bug",
  file: "src/nodes/x.ts",
  original: "a <= b",
  replacement: "a < b",
  why: "an off-by-one",
  ...over,
});
const file = (...mutants: unknown[]): string => JSON.stringify({ family: "demo", mutants });

describe("parseMutantFile", () => {
  it("reads every field and tags each mutant with its family", () => {
    const [m, eq] = parseMutantFile(file(entry(), entry({ id: "part.eq", equivalent: "never reached" })), "demo.json");
    expect(m).toEqual({
      id: "part.bug",
      file: "src/nodes/x.ts",
      original: "a <= b",
      replacement: "a < b",
      why: "an off-by-one",
      equivalent: null,
      family: "demo",
    });
    expect(eq?.equivalent).toBe("never reached");
  });

  it("allows an empty replacement (a deleted line)", () => {
    expect(parseMutantFile(file(entry({ replacement: "" })), "d")[0]?.replacement).toBe("");
  });

  it("names the file and every problem at once", () => {
    const bad = file(
      entry({ why: "" }),
      entry({ id: "Bad Id" }),
      entry({ id: "same", replacement: "a <= b" }),
      entry({ id: "escape", file: "../outside.ts" }),
      entry({ id: "eq", equivalent: "" }),
    );
    let message = "";
    try {
      parseMutantFile(bad, "bad.json");
    } catch (error) {
      expect(error).toBeInstanceOf(MutantDataError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/^bad\.json: /);
    for (const part of ["missing or empty why", "lowercase", "equals the original", "inside the repository", "reason"])
      expect(message).toContain(part);
  });

  it("refuses duplicate ids, a wrong shape and text that is not JSON", () => {
    expect(() => parseMutantFile(file(entry(), entry()), "d")).toThrow(/duplicate id part\.bug/);
    expect(() => parseMutantFile(JSON.stringify({ mutants: [] }), "d")).toThrow(/expected \{ "family"/);
    expect(() => parseMutantFile("{", "d")).toThrow(/d: not JSON/);
  });
});

describe("selectMutants", () => {
  const all = parseMutantFile(file(entry({ id: "a" }), entry({ id: "b" }), entry({ id: "c" })), "d");
  it("keeps the data's order and refuses unknown ids", () => {
    expect(selectMutants(all, ["c", "a"]).map((m) => m.id)).toEqual(["a", "c"]);
    expect(() => selectMutants(all, ["a", "zz"])).toThrow(/no mutant named zz/);
  });
});
