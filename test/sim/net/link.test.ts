// The link model: one-way latency per pair class (same DC, same region, each region
// pair) with jitter, per-link overrides of latency and loss, and FIFO versus reordering.

import { beforeAll, describe, expect, it } from "vitest";
import { buildTopology, ms, spreadDcs } from "../../../src/sim/index.js";
import { DEFAULT_LINK, LinkTable, knobsFor, type LinkKnobs, type LinkOverride } from "../../../src/sim/net/link.js";
import { labels, on, range, runNet, type NetRun } from "./helpers.js";

const topology = buildTopology({
  regions: [
    { id: "us", dcs: ["dc1", "dc2"] },
    { id: "eu", dcs: ["dc3"] },
    { id: "asia", dcs: ["dc4"] },
  ],
  gates: 0,
  managersPerDc: 0,
  workersPerDc: 2,
  clients: 0,
});
const SEND_AT_MS = 10;
const COUNT = 200;

/** Sends COUNT messages each way on every listed pair at SEND_AT_MS. */
function latencies(pairs: [string, string][], seed = 1): NetRun {
  return runNet(
    {
      topology,
      runMs: 500,
      script: (t) =>
        t.at(SEND_AT_MS, () => {
          for (const [a, b] of pairs)
            for (let i = 0; i < COUNT; i++) {
              t.send(a, b, i);
              t.send(b, a, i);
            }
        }),
    },
    { seed },
  );
}

function delays(run: NetRun, from: string, to: string): number[] {
  return on(run.rec, from, to).map((r) => r.atUs - ms(SEND_AT_MS));
}

/** All COUNT delays lie in [lo, hi] and are not all equal (jitter is drawn). */
function expectSpread(d: number[], lo: number, hi: number): void {
  expect(d.length).toBe(COUNT);
  expect(Math.min(...d)).toBeGreaterThanOrEqual(lo);
  expect(Math.max(...d)).toBeLessThanOrEqual(hi);
  expect(new Set(d).size).toBeGreaterThan(10);
}

describe("latency classes", () => {
  const pairs: [string, string][] = [
    ["dc1-wrk-1", "dc1-wrk-2"], // same DC
    ["dc1-wrk-1", "dc2-wrk-1"], // us, cross-DC
    ["dc1-wrk-1", "dc3-wrk-1"], // us <-> eu
    ["dc2-wrk-2", "dc4-wrk-1"], // us <-> asia
    ["dc3-wrk-2", "dc4-wrk-2"], // eu <-> asia
  ];
  let run: NetRun;
  beforeAll(() => {
    run = latencies(pairs);
  });

  it("same DC: one-way latency within [0.2 ms, 1 ms]", () => {
    expectSpread(delays(run, "dc1-wrk-1", "dc1-wrk-2"), 200, 1_000);
    expectSpread(delays(run, "dc1-wrk-2", "dc1-wrk-1"), 200, 1_000);
  });

  it("same region, cross-DC: about 10 ms one way (within 10% jitter)", () => {
    expectSpread(delays(run, "dc1-wrk-1", "dc2-wrk-1"), 9_000, 11_000);
    expectSpread(delays(run, "dc2-wrk-1", "dc1-wrk-1"), 9_000, 11_000);
  });

  it("US<->EU about 50 ms, US<->Asia about 100 ms, EU<->Asia about 125 ms one way, both directions", () => {
    expectSpread(delays(run, "dc1-wrk-1", "dc3-wrk-1"), 45_000, 55_000);
    expectSpread(delays(run, "dc3-wrk-1", "dc1-wrk-1"), 45_000, 55_000);
    expectSpread(delays(run, "dc2-wrk-2", "dc4-wrk-1"), 90_000, 110_000);
    expectSpread(delays(run, "dc4-wrk-1", "dc2-wrk-2"), 90_000, 110_000);
    expectSpread(delays(run, "dc3-wrk-2", "dc4-wrk-2"), 112_500, 137_500);
    expectSpread(delays(run, "dc4-wrk-2", "dc3-wrk-2"), 112_500, 137_500);
  });

  it("the mean delay sits near the class latency (jitter is centred)", () => {
    const mean = (d: number[]) => d.reduce((s, x) => s + x, 0) / d.length;
    expect(Math.abs(mean(delays(run, "dc1-wrk-1", "dc3-wrk-1")) - 50_000)).toBeLessThan(1_000);
    expect(Math.abs(mean(delays(run, "dc1-wrk-1", "dc1-wrk-2")) - 600)).toBeLessThan(60);
  });
});

describe("per-link overrides", () => {
  it("override latency and loss on one directed link only", () => {
    const run = runNet({
      linkOverrides: {
        "a->b": { oneWayUs: 7_000 },
        "a->c": { packetLossProbability: 1 },
        "c->b": { sameDcMinUs: 3_000, sameDcMaxUs: 4_000 },
      },
      script: (t) =>
        t.at(10, () => {
          for (let i = 0; i < 50; i++)
            for (const [x, y] of [
              ["a", "b"],
              ["b", "a"],
              ["a", "c"],
              ["c", "a"],
              ["c", "b"],
            ] as const)
              t.send(x, y, i);
        }),
    });
    const d = (x: string, y: string) => on(run.rec, x, y).map((r) => r.atUs - 10_000);
    expect(new Set(d("a", "b"))).toEqual(new Set([7_000]));
    expect(d("b", "a").every((x) => x >= 200 && x <= 1_000)).toBe(true);
    expect(d("a", "c")).toEqual([]);
    expect(d("c", "a")).toHaveLength(50);
    expect(d("c", "b").every((x) => x >= 3_000 && x <= 4_000)).toBe(true);
    expect(run.world.network.stats.dropped).toEqual({ loss: 50 });
  });
});

describe("ordering", () => {
  /** a sends 1..200 to b, one every 50 µs. */
  function stream(link: Record<string, unknown>, seed = 3): number[] {
    const run = runNet(
      {
        link,
        script: (t) => {
          for (const n of range(1, 200)) t.atUs(10_000 + n * 50, () => t.send("a", "b", n));
        },
      },
      { seed },
    );
    return labels(run.rec, "a", "b");
  }
  const inversions = (xs: number[]) => xs.filter((x, i) => i > 0 && x < xs[i - 1]!).length;

  it("without FIFO, reordering lets later messages overtake earlier ones", () => {
    const got = stream({ reorderProbability: 0.3, reorderExtraMaxUs: 5_000 });
    expect(got.slice().sort((x, y) => x - y)).toEqual(range(1, 200));
    expect(inversions(got)).toBeGreaterThan(5);
  });

  it("FIFO mode keeps per-link send order under reordering and duplication", () => {
    const got = stream({ fifo: true, reorderProbability: 0.3, reorderExtraMaxUs: 5_000, duplicateProbability: 0.2 });
    expect(inversions(got)).toBe(0);
    expect(new Set(got)).toEqual(new Set(range(1, 200)));
    expect(got.length).toBeGreaterThan(200);
  });
});

describe("the link table resolves knobs by class, without a pair table", () => {
  const cluster = buildTopology({
    regions: spreadDcs(3),
    gates: 2,
    managersPerDc: 2,
    workersPerDc: 4,
    clients: 1,
  });
  const options = { ...DEFAULT_LINK, jitterFraction: 0.2 };

  it("every pair gets the knobs its two classes give it, and pairs of the same classes share one object", () => {
    const table = new LinkTable(cluster, options, new Map());
    const distinct = new Set<LinkKnobs>();
    for (const from of cluster.nodes)
      for (const to of cluster.nodes) {
        const k = table.knobs(from.index, to.index);
        expect(k).toEqual(knobsFor(options, from, to, undefined));
        distinct.add(k);
      }
    // Classes: each DC, plus gates and clients per region (no DC): far fewer objects than pairs.
    expect(distinct.size).toBeLessThan(50);
  });

  it("an override reaches its own directed pair only; one naming an unknown node reaches none", () => {
    const overrides = new Map<string, LinkOverride>([
      ["dc1-mgr-1->dc1-wrk-1", { oneWayUs: 42 }],
      ["nobody->dc1-wrk-1", { oneWayUs: 7 }],
    ]);
    const table = new LinkTable(cluster, options, overrides);
    const index = (id: string) => cluster.nodes.find((n) => n.id === id)!.index;
    expect(table.knobs(index("dc1-mgr-1"), index("dc1-wrk-1")).baseUs).toBe(42);
    expect(table.knobs(index("dc1-wrk-1"), index("dc1-mgr-1")).baseUs).toBe(options.sameDcMinUs);
    expect(table.knobs(index("dc1-mgr-2"), index("dc1-wrk-1")).baseUs).toBe(options.sameDcMinUs);
  });
});
