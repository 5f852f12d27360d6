// The async family claims every SOAK, ORCH, ASYNC and SPAWN row of the catalog.

import { existsSync, readFileSync } from "node:fs";
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

describe("async family coverage", () => {
  it("every one of the 50 SOAK/ORCH/ASYNC/SPAWN rows is covered by an async scenario, and nothing else is claimed", () => {
    const covered = new Set(asyncScenarios.flatMap((s) => s.covers));
    expect(ROWS.filter((id) => !covered.has(id))).toEqual([]);
    expect([...covered].filter((id) => !ROWS.includes(id))).toEqual([]);
  });

  it("the embedded row list matches the shared catalog when it is present", () => {
    const path = new URL("../../../../shared/scenario-catalog.tsv", import.meta.url);
    if (!existsSync(path)) return; // the repo can be used without the shared folder
    const ids = readFileSync(path, "utf8")
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
