// The registered cluster scenarios run through the library (not the binary) and pass (the chaos sweep
// has its own file, chaos-sweep.test.ts).

import { describe, expect, it } from "vitest";
import { renderRun } from "../../src/cli/render.js";
import { CHECK_NAMES } from "../../src/nodes/checkers.js";
import { clusterScenarios } from "../../src/scenarios/cluster/index.js";
import { runScenario } from "../../src/scenarios/runner.js";

describe("cluster scenarios (library runs, not the binary)", () => {
  for (const scenario of clusterScenarios.filter((s) => s.id !== "cluster/chaos")) {
    it(`${scenario.id} passes every check at seed 1`, () => {
      const r = runScenario(scenario, { seed: 1 });
      const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
      expect(failed).toEqual([]);
      expect(r.verdict).toBe("pass");
    });
  }

  it("every cluster scenario but chaos names the catalog rows it asserts", () => {
    const uncovered = clusterScenarios.filter((s) => s.covers.length === 0).map((s) => s.id);
    expect(uncovered.sort()).toEqual([
      "cluster/adoption-inherits-result",
      "cluster/chaos",
      "cluster/dispatch-after-terminal",
      "cluster/job-leader-takeover",
      "cluster/lease-lapse-worker-dies",
      "cluster/lease-late-grant",
      "cluster/progress-ack-stale-leader",
      "cluster/refutation-rate-limit",
      "cluster/stale-dc-result",
      "cluster/stale-gate-transfer",
      "cluster/takeover-redispatch-running",
      "cluster/takeover-stale-attempt",
      "cluster/takeover-unsynced-dispatch",
    ]);
  });

  it("a gates-only scenario shows the job checkers as not applicable, in the result and in `run` output", () => {
    const scenario = clusterScenarios.find((s) => s.id === "cluster/gate-peer-recovers")!;
    const r = runScenario(scenario, { seed: 1 });
    const byName = new Map(r.checks.map((c) => [c.name, c.status]));
    expect(byName.get(CHECK_NAMES.leaderPerTerm)).toBe("pass");
    for (const name of [CHECK_NAMES.cores, CHECK_NAMES.fencing, CHECK_NAMES.singleRun, CHECK_NAMES.cleanup])
      expect(byName.get(name)).toBe("not-applicable");
    const text = renderRun(r, { wallMs: 1 }, scenario);
    expect(text).toContain(`${CHECK_NAMES.cores} — not applicable: gates only`);
    expect(text).not.toMatch(new RegExp(`✓ ${CHECK_NAMES.cores}`));
  });
});
