// A whole cluster end to end in the test harness: jobs submitted, run and answered.

import { describe, expect, it } from "vitest";
import { clientFactory } from "../../src/nodes/client.js";
import { gateFactory } from "../../src/nodes/gate/index.js";
import { managerFactory } from "../../src/nodes/manager/index.js";
import { workerFactory } from "../../src/nodes/worker.js";
import { TestCluster } from "./harness.js";

describe("cluster end to end (harness)", () => {
  it("one job goes client → gate → DC leader → workers and back, and the client hears it exactly once", () => {
    const c = new TestCluster(
      { gates: 1, dcs: 1, managersPerDc: 3, workersPerDc: 3, clients: 1 },
      {
        gate: gateFactory(),
        manager: managerFactory(),
        worker: workerFactory(),
        client: clientFactory({ jobCount: 1 }),
      },
    );
    const { checkers, violations } = c.withCheckers();
    c.start();
    c.run(120_000);
    checkers.finish(c.kernel.now, true);
    const kinds = new Map<string, number>();
    for (const e of c.events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
    console.log([...kinds].join("\n"), c.delivered);
    expect(violations).toEqual([]);
    expect(c.emitted("client.result").map((e) => e.detail)).toEqual([{ job: "client-1-j1", status: "completed" }]);
  });
});
