// The page's filters, over a recorded cluster run: one job's messages and observations,
// one node's traffic, hidden families and outcome choices each keep what they say.

import { describe, expect, it } from "vitest";
import { findScenario } from "../../../src/scenarios/index.js";
import { recordRun } from "../../../src/view/capture/record.js";
import { decodeRun, encodeRun } from "../../../src/view/model/codec.js";
import { copyMask, emitMask, mentionsJob, NO_FILTER } from "../../../src/view/model/filter.js";
import { OUTCOME_DELIVERED } from "../../../src/view/model/run-data.js";

const run = decodeRun(encodeRun(recordRun(findScenario("cluster/chaos")!, { seed: 1 }, "cmd").input));
const count = (mask: Uint8Array): number => mask.reduce((n, v) => n + v, 0);

describe("filters", () => {
  it("passes everything with no filter", () => {
    expect(count(copyMask(run, NO_FILTER))).toBe(run.header.copyCount);
    expect(count(emitMask(run, NO_FILTER))).toBe(run.header.emitCount);
  });

  it("keeps one job's whole life: only its messages and observations, through every role", () => {
    const job = run.header.jobs.indexOf("client-1-j3") + 1;
    const copies = copyMask(run, { ...NO_FILTER, job });
    const emits = emitMask(run, { ...NO_FILTER, job });
    expect(count(copies)).toBeGreaterThan(10);
    expect(count(copies)).toBeLessThan(run.header.copyCount / 10);
    const roles = new Set<string>();
    copies.forEach((keep, i) => {
      if (keep === 0) return;
      const m = run.copies.msg[i]!;
      expect(run.messages.job[m]).toBe(job);
      roles.add(run.header.nodes[run.messages.src[m]!]!.role);
    });
    expect([...roles].sort()).toEqual(["client", "gate", "manager", "worker"]);
    emits.forEach((keep, i) => {
      if (keep === 1) expect((run.detail(i) as { job: string }).job).toBe("client-1-j3");
    });
  });

  it("keeps one node's traffic, hides families, and picks outcomes", () => {
    const node = run.header.nodes.findIndex((n) => n.id === "gate-1");
    const mine = copyMask(run, { ...NO_FILTER, node });
    mine.forEach((keep, i) => {
      const m = run.copies.msg[i]!;
      expect(keep === 1).toBe(run.messages.src[m] === node || run.messages.dst[m] === node);
    });
    const noMembership = copyMask(run, { ...NO_FILTER, hiddenFamilies: new Set(["membership"]) });
    expect(count(noMembership)).toBeLessThan(run.header.copyCount);
    const dropped = copyMask(run, { ...NO_FILTER, show: "dropped" });
    dropped.forEach((keep, i) => {
      expect(keep === 1).toBe(run.copies.outcome[i] !== OUTCOME_DELIVERED);
    });
  });

  it("matches job ids whole: client-1-j1 is not named by client-1-j10", () => {
    expect(mentionsJob("waiting for client-1-j10", "client-1-j1")).toBe(false);
    expect(mentionsJob("jobs client-1-j10, client-1-j1", "client-1-j1")).toBe(true);
  });
});
