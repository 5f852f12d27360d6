// simctl describe and list --json: every scenario's declared options, as text and as data.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allScenarios } from "../../src/scenarios/index.js";
import { ensureBuilt, expectOneLineError, simctl } from "./repro-harness.js";

let cwd = "";
beforeAll(() => {
  ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), "simctl-describe-"));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe.concurrent("simctl describe", () => {
  it("prints every option with its type, default, allowed range and description", async () => {
    const r = await simctl(cwd, "describe", "cluster/chaos");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}workersPerDc\s+integer\s+4\s+\[1, 1000\]\s+workers in each DC$/m);
    expect(r.stdout).toMatch(/^ {2}faultPhaseMs\s+duration\s+1m\s+\[1ms, 24h\]\s+how long the fault phase runs/m);
    expect(r.stdout).toMatch(/^size\s+nodes² \/ 40 .*: 88 with the defaults; runs above 100,000 need --force$/m);
  });

  it("--json gives the schema as data, in declaration order", async () => {
    const r = await simctl(cwd, "describe", "kernel/ping-pong", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { options: { name: string; type: string; min?: number }[]; size: unknown };
    expect(out.options.map((o) => o.name)).toEqual([
      "pairs",
      "rounds",
      "maxJitterMs",
      "channelCapacity",
      "plantBugAtRound",
    ]);
    expect(out.options[2]).toMatchObject({ type: "duration", default: 5, min: 0, text: { default: "5ms" } });
    expect(out.size).toMatchObject({ formula: "pairs × rounds / 10", estimate: 160, bound: 100_000 });
  });

  it("an unknown scenario is one line naming the close ones, exit 2", async () => {
    expectOneLineError(
      await simctl(cwd, "describe", "cluster/chaoss"),
      /unknown scenario "cluster\/chaoss"; did you mean cluster\/chaos/,
    );
  });

  it("list --json carries each scenario's schema", async () => {
    const r = await simctl(cwd, "list", "--json");
    const out = JSON.parse(r.stdout) as { scenarios: { id: string; schema: { name: string; doc: string }[] }[] };
    expect(out.scenarios).toHaveLength(allScenarios().length);
    for (const s of out.scenarios) {
      const def = allScenarios().find((d) => d.id === s.id)!;
      expect(s.schema.map((o) => o.name)).toEqual(Object.keys(def.options));
    }
  });
});
