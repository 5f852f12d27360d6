// The mutant data still fits the code: every mutant's original text occurs exactly once in
// its file (so moved code fails CI, not the next mutation run), the set is as large and as
// spread out as issue 21 and FAMILIES.md ask, and every survivor can be read about.

import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { familyFiles, loadMutants } from "../../src/mutants/data.js";
import { checkMutants } from "../../src/mutants/patch.js";

const ROOT = resolve(import.meta.dirname, "../..");
const mutants = loadMutants(ROOT);

/**
 * Every node kind and every part the cluster family's mutants must touch (issue 21 item 5):
 * the node files, and every file under the node folders, so a mechanism added to the model
 * without a mutant fails here rather than going unmeasured.
 */
const NODE_FILES = ["src/nodes/client.ts", "src/nodes/worker.ts", "src/nodes/worker-leadership.ts"];
const NODE_DIRS = ["src/nodes/gate", "src/nodes/manager", "src/nodes/parts"];
/** Files with no behaviour of their own to mutate, and why. */
const NO_BEHAVIOUR: Record<string, string> = {
  "src/nodes/parts/member.ts": "a membership row's type and its constructor; membership.ts holds the logic",
};
const MUST_COVER = [
  ...NODE_FILES,
  ...NODE_DIRS.flatMap((dir) =>
    readdirSync(resolve(ROOT, dir))
      .filter((f) => f.endsWith(".ts"))
      .sort()
      .map((f) => `${dir}/${f}`),
  ),
].filter((f) => NO_BEHAVIOUR[f] === undefined);

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
