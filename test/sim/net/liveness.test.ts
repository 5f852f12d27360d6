// The two phases: faults for faultPhaseMs, then a liveness phase that heals everything,
// stops random loss, and requires pending() to clear within the budget. A pending()
// that never clears is a liveness failure naming the reason; one that clears ends the
// run early and passes.

import { describe, expect, it } from "vitest";
import { ms } from "../../../src/sim/index.js";
import { runNet, type Script } from "./helpers.js";

/** a sends to b and c every 10 ms for the whole run. */
function chatter(t: Script, untilMs: number): void {
  for (let at = 5; at < untilMs; at += 10)
    t.at(at, () => {
      t.send("a", "b", at);
      t.send("a", "c", at);
    });
}

describe("liveness phase", () => {
  it("a pending() that never clears gives verdict liveness with the reason in the violation", () => {
    const run = runNet({
      phases: { faultPhaseMs: 100, livenessBudgetMs: 300, pending: () => "job j7: waiting for DC dc2 final result" },
    });
    expect(run.result.verdict).toBe("liveness");
    expect(run.result.failure?.kind).toBe("liveness");
    const v = run.result.violations.find((x) => x.check === "liveness");
    expect(v?.message).toBe("liveness: not converged 300ms after healing: job j7: waiting for DC dc2 final result");
    expect(v?.atUs).toBe(ms(400));
  });

  it("the violation names the reason pending() gave last", () => {
    const run = runNet({
      phases: {
        faultPhaseMs: 100,
        livenessBudgetMs: 300,
        pending: (t) => `still waiting at ${t.ctx.kernel.now / 1000}ms`,
      },
    });
    expect(run.result.failure?.message).toMatch(/still waiting at 400ms$/);
  });

  it("a pending() that converges ends the run early and passes", () => {
    const run = runNet({
      plan: [{ atMs: 10, action: "partition", a: ["a"], b: ["b"] }], // never healed by the plan
      script: (t) => chatter(t, 5_000),
      phases: {
        faultPhaseMs: 200,
        livenessBudgetMs: 5_000,
        checkEveryMs: 10,
        pending: (t) =>
          t.rec.receipts.some((r) => r.to === "b" && r.atUs > ms(200)) ? null : "b has not heard a since the heal",
      },
    });
    expect(run.result.verdict).toBe("pass");
    expect(run.result.virtualTimeUs).toBeLessThanOrEqual(ms(230));
    expect(run.rec.receipts.some((r) => r.to === "b" && r.atUs > ms(10) && r.atUs <= ms(200))).toBe(false);
  });

  it("healing undoes every fault: partitions, clogs, slow links, pauses, crashes and random loss", () => {
    const run = runNet({
      link: { sameDcMinUs: 1_000, sameDcMaxUs: 1_000 },
      plan: [
        { atMs: 10, action: "partition", a: ["a"], b: ["b"], oneWay: true },
        { atMs: 10, action: "clog", node: "c" },
        { atMs: 10, action: "slow-link", from: "b", to: "a", extraMs: 1_000 },
        { atMs: 10, action: "pause", node: "c" },
        { atMs: 10, action: "crash", node: "b" },
        { atMs: 10, action: "set-loss", probability: 1 },
        { atMs: 10, action: "set-duplicate", probability: 1 },
        { atMs: 150, action: "crash", node: "a" }, // planned after the fault phase: skipped
      ],
      script: (t) => chatter(t, 300),
      phases: { faultPhaseMs: 100, livenessBudgetMs: 200, pending: () => "keep running" },
    });
    const after = run.rec.receipts.filter((r) => r.atUs > ms(100));
    const heal = (to: string) => after.filter((r) => r.to === to);
    expect(heal("b").length).toBeGreaterThan(5); // partition healed and b restarted
    expect(heal("b").every((r) => r.incarnation === 2)).toBe(true);
    expect(heal("c").length).toBeGreaterThan(5); // clog released, pause resumed
    // no loss and no duplication once healed: every message sent after the heal arrives exactly once
    const sentAfter = Array.from({ length: 20 }, (_, i) => 105 + i * 10);
    for (const to of ["b", "c"])
      expect(
        heal(to)
          .filter((r) => r.n >= 105)
          .map((r) => r.n),
      ).toEqual(sentAfter);
    expect(run.world.network.stats.dropped["loss"] ?? 0).toBeGreaterThan(0); // while the faults stood, loss did happen
    expect(run.world.hostOf("a").state).toBe("up");
    expect(run.result.faultSchedule.some((s) => s.atMs === 150)).toBe(false);
  });
});
