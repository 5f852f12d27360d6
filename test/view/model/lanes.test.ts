// Lane order and node periods: grouped by region, clients and gates before DCs, managers
// above workers; a crash is a down period until the restart, a node off until it boots.

import { describe, expect, it } from "vitest";
import { buildTopology, spreadDcs } from "../../../src/sim/index.js";
import { laneRows } from "../../../src/view/model/lanes.js";
import { statePeriods } from "../../../src/view/model/lifecycle.js";

describe("lanes", () => {
  it("groups a cluster by region, then DC and role", () => {
    const t = buildTopology({ regions: spreadDcs(2), gates: 2, managersPerDc: 1, workersPerDc: 2, clients: 1 });
    const nodes = t.nodes.map((n) => ({ id: n.id, role: n.role, region: n.region, dc: n.dc }));
    const text = laneRows(nodes).map((r) => (r.kind === "group" ? `[${r.label}]` : nodes[r.node]!.id));
    expect(text).toEqual([
      "[region us]",
      "[clients]",
      "client-1",
      "[gates]",
      "gate-1",
      "[dc1]",
      "[managers]",
      "dc1-mgr-1",
      "[workers]",
      "dc1-wrk-1",
      "dc1-wrk-2",
      "[region eu]",
      "[gates]",
      "gate-2",
      "[dc2]",
      "[managers]",
      "dc2-mgr-1",
      "[workers]",
      "dc2-wrk-1",
      "dc2-wrk-2",
    ]);
  });
});

describe("node periods", () => {
  it("draws off before the first boot, down from a crash to the restart, paused until resumed", () => {
    const states = [
      { node: 0, atUs: 0, state: "up", incarnation: 1 },
      { node: 1, atUs: 5, state: "up", incarnation: 1 },
      { node: 0, atUs: 100, state: "down", incarnation: 1 },
      { node: 0, atUs: 300, state: "up", incarnation: 2 },
      { node: 1, atUs: 400, state: "paused", incarnation: 1 },
    ];
    expect(statePeriods(states, 3, 1000)).toEqual([
      { node: 1, state: "off", fromUs: 0, toUs: 5 },
      { node: 0, state: "down", fromUs: 100, toUs: 300 },
      { node: 1, state: "paused", fromUs: 400, toUs: 1000 },
      { node: 2, state: "off", fromUs: 0, toUs: 1000 },
    ]);
  });
});
