// Partitions: one-way and symmetric, heal, and the dc:/region:/role: selectors.

import { describe, expect, it } from "vitest";
import { buildTopology, selectNodes } from "../../../src/sim/index.js";
import { labels, runNet, type Script } from "./helpers.js";

/** Every node sends one message to every other node at `atMs`; labels are unique per pair. */
function allPairs(t: Script, atMs: number, base: number): void {
  const ids = t.world.topology.nodes.map((n) => n.id);
  t.at(atMs, () =>
    ids.forEach((from, i) => {
      ids.forEach((to, j) => {
        if (from !== to) t.send(from, to, base + i * 100 + j);
      });
    }),
  );
}

/** Directed pairs "from->to" that received nothing. */
function silentPairs(run: ReturnType<typeof runNet>): string[] {
  const ids = run.world.topology.nodes.map((n) => n.id);
  const out: string[] = [];
  for (const a of ids) for (const b of ids) if (a !== b && labels(run.rec, a, b).length === 0) out.push(`${a}->${b}`);
  return out.sort();
}

const topology = buildTopology({
  regions: [
    { id: "us", dcs: ["dc1", "dc2"] },
    { id: "eu", dcs: ["dc3"] },
  ],
  gates: 2,
  managersPerDc: 1,
  workersPerDc: 1,
  clients: 0,
});

describe("partition", () => {
  it("a one-way partition drops a->b and still delivers b->a", () => {
    const run = runNet({
      plan: [{ atMs: 10, action: "partition", a: ["a"], b: ["b"], oneWay: true }],
      script: (t) =>
        t.at(20, () => {
          t.send("a", "b", 1);
          t.send("b", "a", 2);
          t.send("a", "c", 3);
        }),
    });
    expect(labels(run.rec, "a", "b")).toEqual([]);
    expect(labels(run.rec, "b", "a")).toEqual([2]);
    expect(labels(run.rec, "a", "c")).toEqual([3]);
    expect(run.world.network.stats.dropped).toEqual({ partition: 1 });
  });

  it("a symmetric partition drops both directions and nothing else", () => {
    const run = runNet({
      plan: [{ atMs: 10, action: "partition", a: ["a"], b: ["b"] }],
      script: (t) =>
        t.at(20, () => {
          t.send("a", "b", 1);
          t.send("b", "a", 2);
          t.send("c", "a", 3);
        }),
    });
    expect(labels(run.rec, "a", "b")).toEqual([]);
    expect(labels(run.rec, "b", "a")).toEqual([]);
    expect(labels(run.rec, "c", "a")).toEqual([3]);
    expect(run.world.network.stats.dropped).toEqual({ partition: 2 });
  });

  it("heal restores delivery; messages sent before the partition still arrive", () => {
    const run = runNet({
      plan: [
        { atMs: 10, action: "partition", name: "p", a: ["a"], b: ["b"] },
        { atMs: 30, action: "heal", name: "p" },
      ],
      script: (t) => {
        t.at(5, () => t.send("a", "b", 1));
        t.at(20, () => {
          t.send("a", "b", 2);
          t.send("b", "a", 3);
        });
        t.at(40, () => {
          t.send("a", "b", 4);
          t.send("b", "a", 5);
        });
      },
    });
    expect(labels(run.rec, "a", "b")).toEqual([1, 4]);
    expect(labels(run.rec, "b", "a")).toEqual([5]);
  });

  it("heal by name removes only that partition", () => {
    const run = runNet({
      plan: [
        { atMs: 10, action: "partition", name: "p1", a: ["a"], b: ["b"] },
        { atMs: 10, action: "partition", name: "p2", a: ["a"], b: ["c"] },
        { atMs: 20, action: "heal", name: "p1" },
      ],
      script: (t) =>
        t.at(30, () => {
          t.send("a", "b", 1);
          t.send("a", "c", 2);
        }),
    });
    expect(labels(run.rec, "a", "b")).toEqual([1]);
    expect(labels(run.rec, "a", "c")).toEqual([]);
  });

  it("dc: and region: selectors cut exactly the links between those node sets", () => {
    const run = runNet({
      topology,
      plan: [{ atMs: 10, action: "partition", a: ["dc:dc1"], b: ["region:eu"] }],
      script: (t) => allPairs(t, 20, 0),
    });
    const dc1 = ["dc1-mgr-1", "dc1-wrk-1"];
    const eu = ["gate-2", "dc3-mgr-1", "dc3-wrk-1"]; // gate-2 is placed in eu (round-robin)
    const expected = dc1.flatMap((a) => eu.flatMap((b) => [`${a}->${b}`, `${b}->${a}`])).sort();
    expect(silentPairs(run)).toEqual(expected);
  });

  it("role: selectors (with and without @dc) cut exactly those links, one way", () => {
    const run = runNet({
      topology,
      plan: [{ atMs: 10, action: "partition", a: ["role:gate"], b: ["role:manager@dc2"], oneWay: true }],
      script: (t) => allPairs(t, 20, 0),
    });
    expect(silentPairs(run)).toEqual(["gate-1->dc2-mgr-1", "gate-2->dc2-mgr-1"]);
  });

  it("selectNodes resolves ids and selectors and rejects what matches nothing", () => {
    expect(selectNodes(topology, "dc:dc2")).toEqual(["dc2-mgr-1", "dc2-wrk-1"]);
    expect(selectNodes(topology, "region:eu")).toEqual(["gate-2", "dc3-mgr-1", "dc3-wrk-1"]);
    expect(selectNodes(topology, "role:manager")).toEqual(["dc1-mgr-1", "dc2-mgr-1", "dc3-mgr-1"]);
    expect(selectNodes(topology, "role:worker@dc3")).toEqual(["dc3-wrk-1"]);
    expect(selectNodes(topology, "gate-1")).toEqual(["gate-1"]);
    for (const bad of ["gate-9", "dc:dc9", "zone:x", "role:manager@dc9"]) expect(selectNodes(topology, bad)).toBeNull();
  });

  it("a partition name used again replaces the old rule, so a heal (or the liveness phase) leaves nothing behind", () => {
    const run = runNet({
      plan: [
        { atMs: 10, action: "partition", name: "p", a: ["a"], b: ["b"] },
        { atMs: 20, action: "partition", name: "p", a: ["a"], b: ["c"] },
      ],
      script: (t) =>
        t.at(30, () => {
          t.send("a", "b", 1);
          t.send("a", "c", 2);
        }),
      phases: { faultPhaseMs: 100, livenessBudgetMs: 50, pending: () => "run to the end" },
    });
    expect(labels(run.rec, "a", "b")).toEqual([1]); // the first "p" is gone
    expect(labels(run.rec, "a", "c")).toEqual([]);
    expect(run.world.network.rules.size).toBe(0); // healed by the liveness phase
  });

  it("a timed heal heals only its own partition, not a newer one under the same name", () => {
    const run = runNet({
      plan: [
        { atMs: 10, action: "partition", name: "p", a: ["a"], b: ["b"], durationMs: 100 }, // would heal at 110
        { atMs: 20, action: "heal", name: "p" },
        { atMs: 50, action: "partition", name: "p", a: ["a"], b: ["b"] },
      ],
      script: (t) => t.at(120, () => t.send("a", "b", 1)),
      runMs: 200,
    });
    expect(labels(run.rec, "a", "b")).toEqual([]);
  });
});
