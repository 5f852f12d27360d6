// Repro file validation: a corrupt or mismatched file is refused with one line.

import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { captureRun } from "../../src/repro/capture.js";
import { readRepro, serializeRepro, writeReproInto } from "../../src/repro/io.js";
import { ReproFormatError } from "../../src/repro/schema.js";
import { parseRepro } from "../../src/repro/validate.js";
import { findScenario } from "../../src/scenarios/index.js";

const good = captureRun(
  findScenario("kernel/ping-pong")!,
  { seed: 2, overrides: { pairs: 2, rounds: 20 } },
  "test",
).repro;
const text = serializeRepro(good);

function refusal(t: string): string {
  try {
    parseRepro(t, "f.json");
  } catch (error) {
    expect(error).toBeInstanceOf(ReproFormatError);
    return (error as Error).message;
  }
  throw new Error("accepted");
}

describe("repro file validation", () => {
  it("round-trips a captured repro", () => {
    expect(parseRepro(text)).toEqual(good);
  });

  it("refuses truncated, foreign, unknown-version and malformed files with one line naming the problem", () => {
    expect(refusal(text.slice(0, text.length / 2))).toBe("f.json is not valid JSON (truncated or corrupt?)");
    expect(refusal("[1,2]")).toMatch(/not a simctl repro file/);
    expect(refusal(JSON.stringify({ ...good, schema: "other" }))).toMatch(/not a simctl repro file/);
    expect(refusal(JSON.stringify({ ...good, version: 9 }))).toBe(
      "f.json has repro format version 9; this simctl reads version 1",
    );
    expect(refusal(JSON.stringify({ ...good, seed: -1 }))).toBe(
      'f.json is corrupt: field "seed" is missing or malformed',
    );
    expect(refusal(JSON.stringify({ ...good, traceHash: "xyz" }))).toMatch(/"traceHash"/);
    expect(refusal(JSON.stringify({ ...good, faultSchedule: [{ action: "crash" }] }))).toMatch(/"faultSchedule"/);
    for (const msg of [refusal(""), refusal("{}")]) expect(msg).not.toContain("\n");
  });

  it("writes atomically under a conventional name and reads back the same file", () => {
    const dir = mkdtempSync(join(tmpdir(), "repro-io-"));
    const path = writeReproInto(join(dir, "nested"), good);
    expect(path).toMatch(/kernel_ping-pong-seed2-[0-9a-f]{8}\.json$/);
    expect(readdirSync(join(dir, "nested"))).toEqual([path.split("/").pop()]); // no temp file left
    expect(readRepro(path)).toEqual(good);
    writeFileSync(join(dir, "bad.json"), "{");
    expect(() => readRepro(join(dir, "bad.json"))).toThrow(ReproFormatError);
    expect(() => readRepro(join(dir, "missing.json"))).toThrow(/no such repro file/);
    expect(existsSync(join(dir, "missing.json"))).toBe(false);
  });
});
