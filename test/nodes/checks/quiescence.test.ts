// quiescence fires, once per node, when a node still holds per-job state after a run that
// waited for every job's cleanup; it stays silent on empty views, and when the run did not
// wait for cleanup or did not settle.

import { describe, expect, it } from "vitest";
import { CHECK_NAMES } from "../../../src/nodes/checkers.js";
import type { PerJobView } from "../../../src/nodes/checks/checker.js";
import { feed, only } from "./feed.js";

const C = CHECK_NAMES.quiescence;
const clean: PerJobView = { perJob: { runs: [], jobLeaders: [] }, coresInUse: 0, runCores: 0 };
const leaky: PerJobView = { perJob: { runs: [], jobLeaders: ["j1", "j2", "j3", "j4"] }, coresInUse: 0, runCores: 0 };

describe("quiescence: no node keeps per-job state once every job is cleaned up", () => {
  it("stays silent when every view is empty, the run did not wait for cleanup, or did not settle", () => {
    const f = feed();
    f.finish(100, { cleanedUp: true, views: { w1: clean, w2: null, m1: { perJob: { finalsOwed: [] } } } });
    f.finish(100, { cleanedUp: false, views: { w1: leaky } });
    f.finish(100, { settled: false, cleanedUp: true, views: { w1: leaky } });
    expect(f.checks()).toEqual([]);
  });

  it("fires once per node that still holds per-job state after cleanup (in the cluster's node order)", () => {
    const f = feed();
    f.finish(100, { cleanedUp: true, views: { w1: leaky, m1: { perJob: { finalsOwed: ["j9"] } }, w2: clean } });
    expect(f.checks()).toEqual(only(C, 2));
    expect(f.messages()).toEqual(["m1 still holds finalsOwed [j9]", "w1 still holds jobLeaders [j1, j2, j3, ...]"]);
  });
});
