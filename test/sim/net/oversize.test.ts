// The message size limit: an oversized message is dropped with reason "oversize", the
// sender's `undeliverable` is called, and the receiver never sees it.

import { describe, expect, it } from "vitest";
import { labels, runNet } from "./helpers.js";

describe("oversize", () => {
  it("drops a message over the limit, tells the sender, and delivers one at the limit", () => {
    const run = runNet({
      link: { maxMessageBytes: 1_024 },
      script: (t) =>
        t.at(10, () => {
          t.send("a", "b", 1, "big", 1_025);
          t.send("a", "b", 2, "edge", 1_024);
          t.send("a", "b", 3);
        }),
    });
    expect(labels(run.rec, "a", "b")).not.toContain(1);
    expect(labels(run.rec, "a", "b").sort()).toEqual([2, 3]);
    expect(run.world.network.stats.dropped).toEqual({ oversize: 1 });
    expect(run.rec.undeliverable).toEqual([{ atUs: 10_000, from: "a", to: "b", n: 1, reason: "oversize" }]);
  });

  it("a per-link size limit applies to that link only", () => {
    const run = runNet({
      linkOverrides: { "a->b": { maxMessageBytes: 100 } },
      script: (t) =>
        t.at(10, () => {
          t.send("a", "b", 1, "m", 200);
          t.send("a", "c", 2, "m", 200);
        }),
    });
    expect(labels(run.rec, "a", "b")).toEqual([]);
    expect(labels(run.rec, "a", "c")).toEqual([2]);
    expect(run.rec.undeliverable.map((u) => u.to)).toEqual(["b"]);
  });

  it("a sender that crashed before being told learns nothing (no call into a dead node)", () => {
    const run = runNet({
      link: { maxMessageBytes: 10 },
      script: (t) =>
        t.at(10, () => {
          t.send("a", "b", 1, "m", 20);
          t.world.hostOf("a").crash();
        }),
    });
    expect(run.rec.undeliverable).toEqual([]);
    expect(run.result.verdict).toBe("pass");
  });

  it("a sender paused before being told learns of it only when it resumes", () => {
    const run = runNet({
      link: { maxMessageBytes: 10 },
      script: (t) => {
        t.at(10, () => {
          t.send("a", "b", 1, "m", 20);
          t.world.hostOf("a").pause();
        });
        t.at(15, () => t.world.hostOf("a").resume());
      },
    });
    expect(run.rec.undeliverable.map((u) => [u.atUs, u.reason])).toEqual([[15_000, "oversize"]]);
  });
});
