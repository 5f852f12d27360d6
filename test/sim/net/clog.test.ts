// Clogs: messages on a clogged link or node are held (not dropped) and released in send
// order; `expireAfterMs` drops those held too long as clog-expiry; swizzle steps (clog
// nodes one by one, unclog in another order) keep a message held until its last clog goes.

import { describe, expect, it } from "vitest";
import { ms } from "../../../src/sim/index.js";
import { labels, on, runNet } from "./helpers.js";

const link = { sameDcMinUs: 1_000, sameDcMaxUs: 1_000 }; // exactly 1 ms

describe("clog", () => {
  it("holds messages to a clogged node and releases them in send order", () => {
    const run = runNet({
      link,
      plan: [
        { atMs: 10, action: "clog", node: "b", name: "c" },
        { atMs: 30, action: "unclog", name: "c" },
      ],
      script: (t) => {
        for (let n = 1; n <= 5; n++) t.at(10 + n, () => t.send("a", "b", n));
        t.atUs(12_500, () => t.send("c", "b", 6));
        t.at(12, () => t.send("a", "c", 7)); // not through b: unaffected
      },
    });
    expect(run.rec.receipts.filter((r) => r.to === "b").map((r) => [r.n, r.atUs])).toEqual([
      [1, ms(31)],
      [2, ms(31)],
      [6, ms(31)],
      [3, ms(31)],
      [4, ms(31)],
      [5, ms(31)],
    ]);
    expect(on(run.rec, "a", "c").map((r) => r.atUs)).toEqual([ms(13)]);
    expect(run.world.network.stats.held).toBe(6);
    expect(run.world.network.stats.dropped).toEqual({});
  });

  it("a node clog also holds what the node sends; a from/to clog holds one direction only", () => {
    const run = runNet({
      link,
      plan: [
        { atMs: 10, action: "clog", node: "b", durationMs: 10 },
        { atMs: 30, action: "clog", from: "a", to: "c", durationMs: 10 },
      ],
      script: (t) => {
        t.at(11, () => t.send("b", "a", 1));
        t.at(31, () => {
          t.send("a", "c", 2);
          t.send("c", "a", 3);
        });
      },
    });
    expect(on(run.rec, "b", "a").map((r) => r.atUs)).toEqual([ms(21)]);
    expect(on(run.rec, "a", "c").map((r) => r.atUs)).toEqual([ms(41)]);
    expect(on(run.rec, "c", "a").map((r) => r.atUs)).toEqual([ms(32)]);
  });

  it("expireAfterMs drops messages held longer than that as clog-expiry and releases the rest", () => {
    const run = runNet({
      link,
      plan: [
        { atMs: 10, action: "clog", node: "b", name: "c", expireAfterMs: 10 },
        { atMs: 30, action: "unclog", name: "c" },
      ],
      script: (t) => {
        t.at(11, () => t.send("a", "b", 1)); // held 19 ms: expired
        t.at(25, () => t.send("a", "b", 2)); // held 5 ms: delivered
      },
    });
    expect(labels(run.rec, "a", "b")).toEqual([2]);
    expect(run.world.network.stats.dropped).toEqual({ "clog-expiry": 1 });
  });

  it("swizzle: a message stays held until the last clog matching it is released", () => {
    const run = runNet({
      link,
      plan: [
        { atMs: 10, action: "clog", node: "a", name: "ca" },
        { atMs: 20, action: "clog", node: "b", name: "cb" },
        { atMs: 30, action: "unclog", name: "ca" },
        { atMs: 40, action: "unclog", name: "cb" },
      ],
      script: (t) => {
        t.at(15, () => t.send("b", "c", 1)); // before b's clog: passes
        t.at(25, () => {
          t.send("a", "b", 2);
          t.send("a", "c", 3);
        }); // held by ca; 2 then by cb too
        t.at(35, () => t.send("c", "b", 4)); // held by cb
      },
    });
    const at = (from: string, to: string) => on(run.rec, from, to).map((r) => r.atUs);
    expect(at("b", "c")).toEqual([ms(16)]);
    expect(at("a", "c")).toEqual([ms(31)]);
    expect(at("a", "b")).toEqual([ms(41)]);
    expect(at("c", "b")).toEqual([ms(41)]);
    expect(run.world.network.stats.held).toBe(4); // 2 was held twice
  });

  it("unclog without a name releases every clog", () => {
    const run = runNet({
      link,
      plan: [
        { atMs: 10, action: "clog", node: "a" },
        { atMs: 10, action: "clog", node: "b" },
        { atMs: 30, action: "unclog" },
      ],
      script: (t) =>
        t.at(15, () => {
          t.send("a", "c", 1);
          t.send("c", "b", 2);
        }),
    });
    expect(run.rec.receipts.map((r) => [r.n, r.atUs])).toEqual([
      [1, ms(31)],
      [2, ms(31)],
    ]);
  });

  it("a held message whose target crashed meanwhile is dropped as crashed-target, not given to the next incarnation", () => {
    const run = runNet({
      link,
      plan: [
        { atMs: 10, action: "clog", node: "b", name: "c" },
        { atMs: 20, action: "crash", node: "b" },
        { atMs: 25, action: "restart", node: "b" },
        { atMs: 30, action: "unclog", name: "c" },
      ],
      script: (t) =>
        t.at(15, () => {
          t.send("a", "b", 1);
          t.send("b", "a", 2);
        }),
    });
    expect(on(run.rec, "a", "b")).toEqual([]);
    expect(on(run.rec, "b", "a").map((r) => r.atUs)).toEqual([ms(31)]); // sent by b's first life: still delivered
    expect(run.world.network.stats.dropped).toEqual({ "crashed-target": 1 });
  });

  it("a clog name used again replaces the old clog, releasing what it held; healing then leaves nothing held", () => {
    const run = runNet({
      link,
      plan: [
        { atMs: 10, action: "clog", name: "k", node: "c" },
        { atMs: 20, action: "clog", name: "k", node: "b" },
      ],
      script: (t) => t.at(15, () => t.send("a", "c", 1)),
      phases: {
        faultPhaseMs: 100,
        livenessBudgetMs: 100,
        pending: (t) => (t.rec.receipts.length > 0 ? null : "a -> c never arrived"),
      },
    });
    expect(on(run.rec, "a", "c").map((r) => r.atUs)).toEqual([ms(21)]);
    expect(run.result.verdict).toBe("pass");
  });

  it("a timed unclog releases only its own clog, not a newer one under the same name", () => {
    const run = runNet({
      link,
      plan: [
        { atMs: 10, action: "clog", name: "k", node: "b", durationMs: 100 }, // would release at 110
        { atMs: 20, action: "unclog", name: "k" },
        { atMs: 50, action: "clog", name: "k", node: "b" },
        { atMs: 150, action: "unclog", name: "k" },
      ],
      script: (t) => t.at(60, () => t.send("a", "b", 1)),
      runMs: 200,
    });
    expect(on(run.rec, "a", "b").map((r) => r.atUs)).toEqual([ms(151)]);
  });
});
