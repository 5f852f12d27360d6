// finalize-reports fires when a gate ends a job before a dispatched DC reported or failed, or
// ends it COMPLETED without every DC's COMPLETED; it stays silent on every ending PROTOCOL allows.

import { describe, expect, it } from "vitest";
import { CHECK_NAMES } from "../../../src/nodes/checkers.js";
import { type Feed, feed, only } from "./feed.js";

const C = CHECK_NAMES.finalizeReports;

const dispatched = (f: Feed, job: string, dc: string) =>
  f.event("gate-1", "job.dispatched", { job, dc, manager: "m1" });
const reported = (f: Feed, job: string, dc: string, status: string) =>
  f.event("gate-1", "job.dcReported", { job, dc, status, fenceToken: 1 });
const terminal = (f: Feed, job: string, status: string, error: string | null = null) =>
  f.event("gate-1", "job.terminal", { job, status, error });

describe("finalize-reports: a gate ends a job only after every dispatched DC reported or failed", () => {
  it("stays silent on every ending the protocol allows", () => {
    const f = feed();
    // Every DC reported.
    dispatched(f, "all", "dc1");
    dispatched(f, "all", "dc2");
    reported(f, "all", "dc1", "completed");
    reported(f, "all", "dc2", "completed");
    terminal(f, "all", "completed");
    // A failed DC already fixes a non-COMPLETED outcome: no need to wait for dc2.
    dispatched(f, "early", "dc1");
    dispatched(f, "early", "dc2");
    reported(f, "early", "dc1", "failed");
    terminal(f, "early", "failed");
    // A DC whose dispatch failed everywhere is not waited for.
    dispatched(f, "failover", "dc1");
    f.event("gate-1", "job.dcFailed", { job: "failover", dc: "dc2" });
    reported(f, "failover", "dc1", "completed");
    terminal(f, "failover", "completed");
    // Nor is a DC that accepted the job and then failed: the invariant is "reported or failed".
    // (Today's gate fails a DC only while dispatching to it; the contract is wider.)
    dispatched(f, "lost", "dc1");
    dispatched(f, "lost", "dc2");
    f.event("gate-1", "job.dcFailed", { job: "lost", dc: "dc2" });
    reported(f, "lost", "dc1", "completed");
    terminal(f, "lost", "completed");
    // The gate's own job timeout ends a job whatever has reported.
    dispatched(f, "slow", "dc1");
    terminal(f, "slow", "timeout", "job timeout");
    // No DC accepted it: failed at once.
    terminal(f, "nowhere", "failed", "no DC accepted the job");
    expect(f.checks()).toEqual([]);
  });

  it("fires when a job ends while a dispatched DC has not reported", () => {
    const f = feed();
    dispatched(f, "j", "dc1");
    dispatched(f, "j", "dc2");
    reported(f, "j", "dc1", "completed");
    terminal(f, "j", "completed");
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toBe("gate-1 ended job j completed before dc2 reported");
  });

  it("fires when a timeout that is not the gate's own job timeout ends a job early", () => {
    const f = feed();
    dispatched(f, "j", "dc1");
    terminal(f, "j", "timeout", null);
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toBe("gate-1 ended job j timeout before dc1 reported");
  });

  it("fires when a job ends COMPLETED though a DC reported otherwise", () => {
    const f = feed();
    dispatched(f, "j", "dc1");
    dispatched(f, "j", "dc2");
    reported(f, "j", "dc1", "failed");
    reported(f, "j", "dc2", "completed");
    terminal(f, "j", "completed");
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toBe("gate-1 ended job j completed, but its DCs reported dc1:failed, dc2:completed");
  });

  it("fires when a job ends COMPLETED with no DC report at all", () => {
    const f = feed();
    terminal(f, "j", "completed");
    expect(f.checks()).toEqual(only(C));
    expect(f.messages()[0]).toBe("gate-1 ended job j completed, but its DCs reported nothing");
  });
});
