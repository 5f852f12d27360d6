// The shape of the source tree, read from its import statements: layers point one way
// (cli → repro → scenarios → nodes → async → sim), the async toolkit knows nothing of
// the cluster, and no files import each other in a circle (type-only imports included).

import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const SRC = join(ROOT, "src");

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (path.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Every relative import of every file under src, as repository-relative paths. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) =>
      relative(ROOT, resolve(dirname(file), m[1] as string)).replace(/\.js$/, ".ts"),
    );
    graph.set(relative(ROOT, file), targets);
  }
  return graph;
}

/** The top folder under src (`sim`, `nodes` …), which is the file's layer. */
function layerOf(path: string): string {
  return path.split("/")[1] ?? "";
}

/** Each layer and the layers it may import (itself always allowed). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  sim: [],
  async: ["sim"],
  nodes: ["sim", "async"],
  scenarios: ["sim", "async", "nodes"],
  repro: ["sim", "async", "nodes", "scenarios"],
  testing: ["sim", "scenarios", "repro"],
  view: ["sim", "async", "nodes", "scenarios", "repro"],
  bench: ["sim", "async", "nodes", "scenarios", "repro", "view"],
  cli: ["sim", "async", "nodes", "scenarios", "repro", "view"],
  // The mutation harness drives the built CLI as a child process; it imports no layer.
  mutants: [],
};

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w) || w === v) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w === undefined) break;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("source structure", () => {
  const graph = importGraph();

  it("reads a plausible graph (the detector would see the files it judges)", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get("src/sim/kernel.ts")).toContain("src/sim/process.ts");
  });

  it("every layer imports only the layers below it", () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      const allowed = MAY_IMPORT[from];
      if (allowed === undefined) continue; // src/index.ts, the package's front door
      for (const target of targets) {
        const to = layerOf(target);
        if (to !== from && !allowed.includes(to)) wrong.push(`${file} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("no files import each other, directly or around a circle", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("the cycle detector finds a planted two-file circle", () => {
    const planted = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["a.ts"]],
      ["c.ts", ["a.ts"]],
    ]);
    expect(cycles(planted)).toEqual([["a.ts", "b.ts"]]);
  });
});
