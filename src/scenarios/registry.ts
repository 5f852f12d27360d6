// Every scenario, by family. A family's index.ts exports an array; add it here once.

import type { ScenarioDef } from "./types.js";
import { schemaProblems } from "./options.js";
import { kernelScenarios } from "./kernel/index.js";
import { netScenarios } from "./net/index.js";
import { asyncScenarios } from "./async/index.js";
import { clusterScenarios } from "./cluster/index.js";

const families: readonly (readonly ScenarioDef[])[] = [kernelScenarios, netScenarios, asyncScenarios, clusterScenarios];

let cache: ScenarioDef[] | null = null;

export function allScenarios(): ScenarioDef[] {
  if (cache === null) {
    cache = families.flat();
    const seen = new Set<string>();
    for (const s of cache) {
      if (seen.has(s.id)) throw new Error(`duplicate scenario id ${s.id}`);
      seen.add(s.id);
    }
    // A schema that does not match its defaults is our bug: refuse to start rather than misjudge input.
    const problems = cache.flatMap(schemaProblems);
    if (problems.length > 0) throw new Error(`scenario option schemas: ${problems.join("; ")}`);
  }
  return cache;
}

export function findScenario(id: string): ScenarioDef | undefined {
  return allScenarios().find((s) => s.id === id);
}

/** Closest scenario ids to a mistyped one, best first. */
export function suggestScenarios(id: string, count = 3): string[] {
  const scored = allScenarios().map((s) => ({ id: s.id, d: distance(id, s.id) - (s.id.includes(id) ? 5 : 0) }));
  scored.sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1));
  const limit = Math.max(3, Math.floor(id.length / 2));
  return scored
    .filter((s) => s.d <= limit)
    .slice(0, count)
    .map((s) => s.id);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
