// The coverage-mark registry (src/nodes/marks.ts) and the mark calls stay in step: every mark
// a node sets is declared, every declared mark is set somewhere, and each mark the chaos sweep
// cannot reach names a registered scenario that does reach it.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MARK_NAMES, MARKS, type MarkSpec } from "../../src/nodes/marks.js";
import { findScenario, runScenario } from "../../src/scenarios/index.js";

const MARK_NAME = /^[a-z]+\.[a-zA-Z]+(\.[a-zA-Z]+)*$/;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (path.endsWith(".ts") && !path.endsWith("marks.ts")) out.push(path);
  }
  return out;
}

/** Every dotted string literal inside a `.mark(...)` call, with its file. */
function markCalls(text: string): string[] {
  const found: string[] = [];
  let at = text.indexOf(".mark(");
  while (at >= 0) {
    let end = at + ".mark(".length;
    for (let depth = 1; depth > 0 && end < text.length; end++) {
      if (text[end] === "(") depth++;
      else if (text[end] === ")") depth--;
    }
    for (const m of text.slice(at, end).matchAll(/"([^"]+)"/g))
      if (MARK_NAME.test(m[1] as string)) found.push(m[1] as string);
    at = text.indexOf(".mark(", end);
  }
  return found;
}

const texts = sources("src/nodes").map((f) => readFileSync(f, "utf8"));

describe("coverage mark registry", () => {
  it("every mark a node sets is declared", () => {
    const called = new Set(texts.flatMap(markCalls));
    expect(called.size).toBeGreaterThan(150);
    expect([...called].filter((name) => !(name in MARKS))).toEqual([]);
  });

  it("every declared mark is set somewhere in src/nodes", () => {
    const all = texts.join("\n");
    expect(MARK_NAMES.filter((name) => !all.includes(`"${name}"`))).toEqual([]);
  });

  it("the scanner reads marks inside conditional expressions", () => {
    expect(markCalls('env.mark(x ? "a.one" : y === "free" ? "b.two.three" : "c.four")')).toEqual([
      "a.one",
      "b.two.three",
      "c.four",
    ]);
  });

  const scripted = Object.entries(MARKS as Record<string, MarkSpec>).filter(
    ([, spec]) => spec.notInChaos !== undefined,
  );
  it.each(scripted)("%s, out of the chaos sweep's reach, is reached by its scenario", (name, spec) => {
    const reachedBy = spec.notInChaos?.reachedBy ?? "";
    const scenario = findScenario(reachedBy);
    expect(scenario, `${name}: scenario ${reachedBy} is not registered`).toBeDefined();
    if (scenario === undefined) return;
    expect(runScenario(scenario, { seed: 1, trace: false }).coverage[name] ?? 0).toBeGreaterThan(0);
  });
});
