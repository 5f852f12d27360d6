// work-leaves-worker fires on each reason a job leader may give for moving work off a worker
// when the run's events contradict it; it stays silent when every reason holds, timeouts
// included at the earliest moment the checker's clock slack allows.

import { describe, expect, it } from "vitest";
import { CHECK_NAMES } from "../../../src/nodes/checkers.js";
import { managerConfig } from "../../../src/nodes/config.js";
import { type Feed, feed, M_MAX, M_MIN, only } from "./feed.js";

const C = CHECK_NAMES.workLeavesWorker;
const TIMEOUT_MS = managerConfig().requestTimeoutStandardMs;
/** The earliest a timeout may fire: the leader's clock may run 2000 ppm fast. */
const EARLIEST_MS = TIMEOUT_MS - TIMEOUT_MS / 500;

const base = { dc: "dc1", workflow: "a", worker: "w1" };
const dispatch = (f: Feed, job: string, atMs: number, workerIncarnation = 1) =>
  f.event("m1", "workflow.dispatched", { ...base, job, token: 1, workerIncarnation }, atMs);
const fail = (f: Feed, job: string, reason: string, atMs: number, node = "m1") =>
  f.event(node, "workflow.failed", { ...base, job, token: 1, reason, retry: true, blame: true }, atMs);
const workerSays = (f: Feed, job: string, status: string, atMs: number) =>
  f.event("w1", "workflow.finished", { job, dc: "dc1", workflow: "a", token: 1, status }, atMs);
const takeover = (f: Feed, job: string, atMs: number) =>
  f.event("m2", "job.takeover", { job, dc: "dc1", fenceToken: 2, from: "m1" }, atMs);

describe("work-leaves-worker: work leaves a worker only for a reason that holds", () => {
  it("stays silent when every reason holds", () => {
    const f = feed();
    f.event("w1", "node.started", { role: "worker", incarnation: 1, totalCores: 4 }, 0);
    f.event("m1", "member.confirmed", { node: "w1", incarnation: 1 }, 0);
    dispatch(f, "dead", 1000);
    f.event("m1", "member.suspect", { node: "w1", incarnation: 1, lhm: 0, minMs: M_MIN, maxMs: M_MAX }, 2000);
    f.event("m1", "member.dead", { node: "w1", incarnation: 1, via: "gossip" }, 3000);
    fail(f, "dead", "worker dead", 3000);
    dispatch(f, "restart", 4000);
    f.event("w1", "node.started", { role: "worker", incarnation: 2, totalCores: 4 }, 5000);
    fail(f, "restart", "worker restarted", 5000);
    dispatch(f, "slow", 6000, 2);
    fail(f, "slow", "dispatch timeout", 6000 + EARLIEST_MS);
    dispatch(f, "refused", 20_000, 2);
    f.event("w1", "workflow.rejected", { ...base, job: "refused", token: 1, reason: "insufficient-cores" }, 20_001);
    fail(f, "refused", "dispatch rejected: insufficient-cores", 20_002);
    dispatch(f, "broke", 21_000, 2);
    workerSays(f, "broke", "failed", 21_500);
    fail(f, "broke", "execution error", 21_501);
    dispatch(f, "broke-late-copy", 21_600, 2);
    workerSays(f, "broke-late-copy", "failed", 21_700);
    f.event(
      "w1",
      "workflow.rejected",
      { ...base, job: "broke-late-copy", token: 1, reason: "stale fence token" },
      21_800,
    );
    fail(f, "broke-late-copy", "execution error", 21_900);
    dispatch(f, "orphan", 22_000, 2);
    workerSays(f, "orphan", "cancelled", 22_500);
    fail(f, "orphan", "orphaned on worker", 22_501);
    dispatch(f, "lost", 23_000, 2);
    takeover(f, "lost", 24_000);
    fail(f, "lost", "lost in takeover", 24_000 + EARLIEST_MS, "m2");
    expect(f.checks()).toEqual([]);
  });

  const violations: [what: string, plant: (f: Feed) => void, says: string][] = [
    [
      "worker dead, while the leader only suspects it",
      (f) => {
        f.event("m1", "member.confirmed", { node: "w1", incarnation: 1 }, 0);
        dispatch(f, "j", 1000);
        f.event("m1", "member.suspect", { node: "w1", incarnation: 1, lhm: 0, minMs: M_MIN, maxMs: M_MAX }, 2000);
        fail(f, "j", "worker dead", 2000);
      },
      'm1 moved j/a off w1 ("worker dead") while it did not hold the worker dead',
    ],
    [
      "worker restarted, though the addressed life goes on",
      (f) => {
        f.event("w1", "node.started", { role: "worker", incarnation: 3, totalCores: 4 }, 0);
        dispatch(f, "j", 1000, 3);
        fail(f, "j", "worker restarted", 2000);
      },
      "but that worker life had not ended",
    ],
    [
      "dispatch timeout, a millisecond before the timeout (less its slack)",
      (f) => {
        dispatch(f, "j", 1000);
        fail(f, "j", "dispatch timeout", 1000 + EARLIEST_MS - 1);
      },
      `after ${EARLIEST_MS - 1} ms`,
    ],
    [
      "dispatch rejected, though the worker did not refuse",
      (f) => {
        dispatch(f, "j", 1000);
        fail(f, "j", "dispatch rejected: insufficient-cores", 1500);
      },
      "but the worker did not refuse it",
    ],
    [
      "execution error, though the worker reported it completed",
      (f) => {
        dispatch(f, "j", 1000);
        workerSays(f, "j", "completed", 1500);
        fail(f, "j", "execution error", 1600);
      },
      "but the worker did not report it failed",
    ],
    [
      "orphaned on worker, though the worker did not cancel it",
      (f) => {
        dispatch(f, "j", 1000);
        fail(f, "j", "orphaned on worker", 1500);
      },
      "but the worker did not cancel it",
    ],
    [
      "lost in takeover, without a takeover",
      (f) => {
        dispatch(f, "j", 1000);
        fail(f, "j", "lost in takeover", 1000 + TIMEOUT_MS, "m2");
      },
      "without a takeover",
    ],
    [
      "lost in takeover, though a worker confirmed it",
      (f) => {
        dispatch(f, "j", 1000);
        takeover(f, "j", 2000);
        f.event("m2", "workflow.reconciled", { ...base, job: "j", token: 1, was: "dispatched" }, 2100);
        fail(f, "j", "lost in takeover", 2000 + TIMEOUT_MS, "m2");
      },
      "though a worker confirmed it",
    ],
    [
      "lost in takeover, a millisecond before the reconciliation window closed",
      (f) => {
        dispatch(f, "j", 1000);
        takeover(f, "j", 2000);
        fail(f, "j", "lost in takeover", 2000 + EARLIEST_MS - 1, "m2");
      },
      "before the reconciliation window closed",
    ],
    [
      "a reason no evidence can support",
      (f) => {
        dispatch(f, "j", 1000);
        fail(f, "j", "rebalancing", 1500);
      },
      "for a reason no evidence can support",
    ],
  ];

  for (const [what, plant, says] of violations)
    it(`fires on ${what}`, () => {
      const f = feed();
      plant(f);
      expect(f.checks()).toEqual(only(C));
      expect(f.messages()[0]).toContain(says);
    });
});
