// The async family claims every SOAK, ORCH, ASYNC and SPAWN row of the catalog.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { asyncScenarios } from "../../../src/scenarios/async/index.js";
import { allScenarios } from "../../../src/scenarios/index.js";

// The catalog rows this family owns (shared/scenario-catalog.tsv, parts SOAK/ORCH/ASYNC/SPAWN).
const ROWS = [
  ...Array.from({ length: 7 }, (_, i) => `SOAK-${i + 1}`),
  ...Array.from({ length: 5 }, (_, i) => `ORCH-${i + 1}`),
  ...Array.from({ length: 13 }, (_, i) => `ASYNC-${i + 1}`),
  ...Array.from({ length: 25 }, (_, i) => `SPAWN-${i + 1}`),
];

/**
 * shared/scenario-catalog.tsv sits beside the checkout (CI) or beside the main checkout of
 * a worktree farm, so look in every ancestor of the repo root; SIMCTL_CATALOG names it
 * explicitly. Not finding it fails the test: a comparison that silently ran zero
 * assertions used to pass whenever the checkout lived one folder deeper.
 */
function findCatalog(): string {
  const explicit = process.env["SIMCTL_CATALOG"];
  if (explicit !== undefined && explicit !== "") return explicit;
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  for (let dir = root; ; dir = dirname(dir)) {
    const candidate = join(dir, "shared", "scenario-catalog.tsv");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`shared/scenario-catalog.tsv is in no ancestor of ${root}; set SIMCTL_CATALOG to its path`);
}

describe("async family coverage", () => {
  it("every one of the 50 SOAK/ORCH/ASYNC/SPAWN rows is covered by an async scenario, and nothing else is claimed", () => {
    const covered = new Set(asyncScenarios.flatMap((s) => s.covers));
    expect(ROWS.filter((id) => !covered.has(id))).toEqual([]);
    expect([...covered].filter((id) => !ROWS.includes(id))).toEqual([]);
  });

  it("the embedded row list matches the shared catalog", () => {
    const ids = readFileSync(findCatalog(), "utf8")
      .split("\n")
      .map((l) => l.split("\t")[0]!)
      .filter((id) => /^(SOAK|ORCH|ASYNC|SPAWN)-/.test(id));
    expect(ids.sort()).toEqual([...ROWS].sort());
  });

  it("every async scenario is registered, under this family's prefixes, with a description and covers", () => {
    const registered = new Set(allScenarios().map((s) => s.id));
    for (const s of asyncScenarios) {
      expect(registered.has(s.id)).toBe(true);
      expect(s.id).toMatch(/^(soak|orch|async|spawn)\//);
      expect(s.covers.length).toBeGreaterThan(0);
      expect(s.description.length).toBeGreaterThan(80);
    }
  });
});
