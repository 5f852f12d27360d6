// cores-at-rest fires when a run ends holding cores, frees cores it never held, or a worker
// at rest has cores in use that no run holds; it stays silent when every path frees them.

import { describe, expect, it } from "vitest";
import { CHECK_NAMES } from "../../../src/nodes/checkers.js";
import { type Feed, feed, only } from "./feed.js";

const C = CHECK_NAMES.coresAtRest;

const allocated = (f: Feed, wf: string, cores: number, inUse: number) =>
  f.event("w1", "cores.allocated", { job: "j", workflow: wf, token: 1, cores, inUse, total: 4 });
const freed = (f: Feed, wf: string, cores: number, inUse: number) =>
  f.event("w1", "cores.freed", { job: "j", workflow: wf, cores, inUse, total: 4 });
const finished = (f: Feed, wf: string) =>
  f.event("w1", "workflow.finished", { job: "j", dc: "dc1", workflow: wf, token: 1, status: "completed" });

describe("cores-at-rest: a run's cores are freed when it ends, none leak at rest", () => {
  it("stays silent when runs free their cores (in parts, too), across a restart, and at rest", () => {
    const f = feed();
    f.event("w1", "node.started", { role: "worker", incarnation: 1, totalCores: 4 });
    allocated(f, "a", 2, 2);
    allocated(f, "b", 1, 3);
    // a frees its two cores one at a time: only the last free leaves it with none.
    freed(f, "a", 1, 2);
    freed(f, "a", 1, 1);
    finished(f, "a");
    // A restart loses the volatile allocation of b: its run never reports an end.
    f.event("w1", "node.started", { role: "worker", incarnation: 2, totalCores: 4 });
    allocated(f, "c", 4, 4);
    freed(f, "c", 4, 0);
    finished(f, "c");
    f.finish(100, { views: { w1: { perJob: {}, coresInUse: 0, runCores: 0 }, w2: null } });
    // A view that disagrees is no violation while the run has not settled.
    f.finish(100, { settled: false, views: { w1: { perJob: {}, coresInUse: 3, runCores: 0 } } });
    expect(f.checks()).toEqual([]);
  });

  it("fires when a run ends still holding cores (freed only part of them)", () => {
    const f = feed();
    allocated(f, "a", 2, 2);
    freed(f, "a", 1, 1);
    finished(f, "a");
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toBe("worker w1: run j/a ended still holding 1 core(s)");
  });

  it("fires when a run frees more cores than it held, though the worker's total still adds up", () => {
    const f = feed();
    allocated(f, "a", 2, 2);
    allocated(f, "b", 1, 3);
    freed(f, "b", 3, 0); // b frees a's cores too: the older cores check sees a consistent count
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toBe("worker w1: j/b freed 3 core(s) it did not hold");
  });

  it("fires at rest when a worker's cores in use differ from its runs' cores (a leak its events agree on)", () => {
    const f = feed();
    f.finish(100, {
      views: {
        w1: { perJob: {}, coresInUse: 2, runCores: 0 },
        w2: { perJob: {}, coresInUse: 1, runCores: 1 },
        // Only workers are judged: a manager's view has no cores.
        m1: { perJob: {} },
      },
    });
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toBe("worker w1 has 2 core(s) in use at rest, its runs hold 0");
  });
});
