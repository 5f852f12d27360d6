// The mutant data still fits the code: every mutant's original text occurs exactly once in
// its file (so moved code fails CI, not the next mutation run), the set is as large and as
// spread out as issue 21 and FAMILIES.md ask, and every survivor can be read about.

import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { familyFiles, loadMutants } from "../../src/mutants/data.js";
import { checkMutants } from "../../src/mutants/patch.js";

const ROOT = resolve(import.meta.dirname, "../..");
const mutants = loadMutants(ROOT);

/** Every node kind and every part the cluster family's mutants must touch (issue 21 item 5). */
const MUST_COVER = [
  "src/nodes/client.ts",
  "src/nodes/worker.ts",
  "src/nodes/worker-leadership.ts",
  "src/nodes/manager/index.ts",
  "src/nodes/manager/jobs.ts",
  "src/nodes/manager/takeover.ts",
  "src/nodes/manager/workers.ts",
  "src/nodes/manager/job-state.ts",
  "src/nodes/gate/index.ts",
  "src/nodes/gate/jobs.ts",
  "src/nodes/gate/dc-view.ts",
  "src/nodes/gate/job-state.ts",
  "src/nodes/gate/leases.ts",
  "src/nodes/gate/orphans.ts",
  "src/nodes/parts/membership.ts",
  "src/nodes/parts/probe-rounds.ts",
  "src/nodes/parts/election.ts",
  "src/nodes/parts/quorum.ts",
  "src/nodes/parts/core-allocator.ts",
  "src/nodes/parts/fencing.ts",
  "src/nodes/parts/dead-peer-reaper.ts",
  "src/nodes/parts/registrar.ts",
];

describe("mutant data (mutants/*.json)", () => {
  it("every mutant's original text occurs exactly once in its file", () => {
    expect(checkMutants(ROOT, mutants)).toEqual([]);
  });

  it("holds at least 40 mutants, and at least 8 per family", () => {
    expect(mutants.length).toBeGreaterThanOrEqual(40);
    for (const file of familyFiles(ROOT)) {
      const family = loadMutants(ROOT, [file]);
      expect(family.length, `${file} holds ${family.length} mutants`).toBeGreaterThanOrEqual(8);
    }
  });

  it("mutates only src/nodes, and touches every node kind and every part", () => {
    expect(mutants.filter((m) => !m.file.startsWith("src/nodes/")).map((m) => m.id)).toEqual([]);
    const touched = new Set(mutants.map((m) => m.file));
    expect(MUST_COVER.filter((f) => !touched.has(f))).toEqual([]);
  });
});
