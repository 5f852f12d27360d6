// Membership sized to need (PROTOCOL.md §1, issue 22): each kind tracks only the peers it talks to,
// gossip about a peer goes only to members that track it, and indirect probes go through such members.

import { describe, expect, it } from "vitest";
import { ClusterWorld } from "../../../src/scenarios/cluster/cluster-world.js";
import { defineScenario, runScenario } from "../../../src/scenarios/index.js";
import { PeerScope } from "../../../src/nodes/parts/peer-scope.js";
import type { TraceRecord } from "../../../src/sim/index.js";

interface Seen {
  tables: Map<string, string[]>;
}

/** 2 gates; 2 DCs x 2 managers x 3 workers; dc1-wrk-1 crashes at 20 s for good. */
function cluster(seen: Seen, crashWorker: boolean) {
  return defineScenario({
    id: "test/peer-scope",
    title: "membership tables of a small two-DC cluster",
    description: "test only",
    covers: [],
    options: {},
    schema: {},
    setup(ctx) {
      const c = new ClusterWorld(ctx, { gates: 2, dcs: 2, managersPerDc: 2, workersPerDc: 3, clients: 0 });
      if (crashWorker) ctx.kernel.at(20_000_000, () => c.world.crash("dc1-wrk-1"));
      ctx.kernel.at(119_000_000, () => {
        for (const id of c.world.ids()) {
          const node = c.world.node(id) as { membership?: { members: ReadonlyMap<string, unknown> } } | null;
          if (node?.membership !== undefined) seen.tables.set(id, [...node.membership.members.keys()].sort());
        }
      });
      c.run(120_000, 1_000);
    },
  });
}

describe("membership sized to need", () => {
  it("a worker tracks its DC's managers; a manager its DC's managers and workers and the gates; a gate the gates and managers", () => {
    const seen: Seen = { tables: new Map() };
    expect(runScenario(cluster(seen, false), { seed: 1 }).verdict).toBe("pass");
    expect(seen.tables.get("dc1-wrk-2")).toEqual(["dc1-mgr-1", "dc1-mgr-2"]);
    expect(seen.tables.get("dc2-mgr-1")).toEqual([
      "dc2-mgr-2",
      "dc2-wrk-1",
      "dc2-wrk-2",
      "dc2-wrk-3",
      "gate-1",
      "gate-2",
    ]);
    expect(seen.tables.get("gate-1")).toEqual(["dc1-mgr-1", "dc1-mgr-2", "dc2-mgr-1", "dc2-mgr-2", "gate-2"]);
  });

  it("a dead worker is found by its managers, whose ping-reqs go through managers only, and gossip about it reaches no worker or gate", () => {
    const seen: Seen = { tables: new Map() };
    const sends: TraceRecord[] = [];
    const r = runScenario(cluster(seen, true), {
      seed: 3,
      traceListener: (rec) => {
        if (rec.kind === "send" && ["ping-req", "suspect", "dead"].includes(rec.type)) sends.push(rec);
      },
    });
    expect(r.verdict).toBe("pass");
    const pingReqs = sends.filter((s) => s.type === "ping-req");
    expect(pingReqs.length).toBeGreaterThan(0);
    for (const s of pingReqs) expect([s.node, s.peer].every((id) => /^dc1-mgr-/.test(id))).toBe(true);
    // Suspect and dead gossip about the worker goes between the DC's managers; nobody else hears of it.
    const gossip = sends.filter((s) => s.type !== "ping-req");
    expect(gossip.length).toBeGreaterThan(0);
    for (const s of gossip) expect(s.peer).toMatch(/^dc1-(mgr|wrk-1)/);
    // Both managers hold it as dead; other workers never learned of it.
    expect(seen.tables.get("dc1-mgr-1")).toContain("dc1-wrk-1");
    expect(seen.tables.get("dc1-wrk-2")).not.toContain("dc1-wrk-1");
  });

  it("who tracks whom is symmetric, and roles the protocol does not name track everyone", () => {
    for (const a of ["worker", "manager", "gate"])
      for (const b of ["worker", "manager", "gate"]) expect(PeerScope.tracks(a, b)).toBe(PeerScope.tracks(b, a));
    expect(PeerScope.tracks("worker", "worker")).toBe(false);
    expect(PeerScope.tracks("gate", "worker")).toBe(false);
    expect(PeerScope.tracks("", "worker")).toBe(true);
    expect(PeerScope.open(["a"]).roleOf("anyone")).toBe("");
  });
});
