// Unit tests of the client (src/nodes/client.ts) against gates that answer only when told.

import { describe, expect, it } from "vitest";
import { clientFactory } from "../../src/nodes/client.js";
import type { ClientNode } from "../../src/nodes/client.js";
import type { ClusterMessage, NodeId } from "../../src/nodes/messages.js";
import { TestCluster } from "./harness.js";

describe("client submission (§1 client)", () => {
  it("a late acceptance from a gate tried earlier counts: that gate owns the job, and the client stops submitting", () => {
    const c = new TestCluster(
      { gates: 2, dcs: 0, managersPerDc: 0, workersPerDc: 0, clients: 1 },
      { gate: () => ({ start() {}, receive() {} }), client: clientFactory({ jobCount: 1, firstSubmitDelayMs: 1_000 }) },
    );
    const submissions: { atMs: number; gate: NodeId }[] = [];
    c.dropRule = (_from, to, msg: ClusterMessage) => {
      if (msg.type === "job-submission") submissions.push({ atMs: c.kernel.now / 1000, gate: to });
      return false;
    };
    c.start();
    // The first gate stays silent past the client's timeout, so the client tries the other;
    // then the first gate's acceptance arrives.
    let late: NodeId = "";
    let jobId = "";
    c.at(9_000, () => {
      const first = submissions[0];
      const client = c.node<ClientNode>("client-1");
      jobId = [...client.submissions.keys()][0] ?? "";
      late = first?.gate ?? "";
      client.receive(late, { type: "job-ack", jobId, accepted: true, error: null, leader: late });
    });
    c.run(60_000);
    expect(new Set(submissions.slice(0, 2).map((s) => s.gate)).size).toBe(2);
    expect(submissions.every((s) => s.atMs < 9_000)).toBe(true);
    expect(c.emitted("client.accepted").map((e) => e.detail)).toEqual([{ job: jobId, gate: late }]);
  });
});
