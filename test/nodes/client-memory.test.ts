// The client forgets a job answeredJobRetentionMs after its answer, and only then.

import { describe, expect, it } from "vitest";
import { ClusterWorld } from "../../src/scenarios/cluster/cluster-world.js";
import { defineScenario, runScenario } from "../../src/scenarios/index.js";

function jobsRemembered(retentionMs: number): { remembered: number; answered: number } {
  const seen = { remembered: -1, answered: -1 };
  const scenario = defineScenario({
    id: "test/client-forgets",
    title: "a client with a short memory",
    description: "test only",
    covers: [],
    options: {},
    schema: {},
    setup(ctx) {
      const c = new ClusterWorld(ctx, {
        gates: 1,
        dcs: 1,
        managersPerDc: 1,
        workersPerDc: 2,
        client: { jobCount: 40, submitIntervalMs: 1_000, answeredJobRetentionMs: retentionMs },
      });
      c.run(60_000, 120_000);
      ctx.onFinish(() => {
        seen.remembered = c.client()?.submissions.size ?? -1;
        seen.answered = c.count("client.result");
      });
    },
  });
  expect(runScenario(scenario, { seed: 1 }).verdict).toBe("pass");
  return seen;
}

describe("the client's memory follows its recent jobs", () => {
  it("answered jobs older than the retention are forgotten at the next submission or result", () => {
    const short = jobsRemembered(5_000);
    expect(short.answered).toBe(40);
    // About five seconds of answers (one job a second) plus the jobs still in flight.
    expect(short.remembered).toBeLessThan(15);
  });

  it("with the default ten minutes a short run forgets nothing", () => {
    expect(jobsRemembered(600_000).remembered).toBe(40);
  });
});
