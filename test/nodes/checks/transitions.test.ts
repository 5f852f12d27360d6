// transitions fires on each job or workflow step PROTOCOL forbids (a step from the wrong state,
// under the wrong attempt, or after an ending, under any leader); it stays silent on every
// allowed life, takeovers and relearned endings included.

import { describe, expect, it } from "vitest";
import { CHECK_NAMES } from "../../../src/nodes/checkers.js";
import { managerConfig } from "../../../src/nodes/config.js";
import type { EmitDetail } from "../../../src/sim/index.js";
import { type Feed, feed, only } from "./feed.js";

const C = CHECK_NAMES.transitions;

/** One event: [node, kind, detail]. A life is played one step every STEP_MS. */
type Step = [node: string, kind: string, detail: EmitDetail];
/** Longer than the dispatch timeout, so "dispatch timeout" always holds for work-leaves-worker. */
const STEP_MS = 2 * managerConfig().requestTimeoutStandardMs;

const wf = { job: "j", dc: "dc1", workflow: "a" };
const dispatched = (token: number, node = "m1"): Step => [
  node,
  "workflow.dispatched",
  { ...wf, worker: "w1", token, workerIncarnation: 1 },
];
const running = (token: number, node = "m1"): Step => [node, "workflow.running", { ...wf, worker: "w1", token }];
const workerEnded = (token: number, status = "completed"): Step => [
  "w1",
  "workflow.finished",
  { ...wf, token, status },
];
const failed = (token: number, retry: boolean, node = "m1"): Step => [
  node,
  "workflow.failed",
  { ...wf, worker: "w1", token, reason: "dispatch timeout", retry, blame: true },
];
const requeued = (node = "m1"): Step => [node, "workflow.requeued", { ...wf, attempts: 1 }];
const terminal = (token: number, status: string, node = "m1"): Step => [
  node,
  "workflow.terminal",
  { ...wf, token, status, reason: null },
];
const takeover = (node: string): Step => [node, "job.takeover", { job: "j", dc: "dc1", fenceToken: 9, from: "m1" }];
const reconciled = (token: number, node: string): Step => [
  node,
  "workflow.reconciled",
  { ...wf, worker: "w1", token, was: "running" },
];
const gate = (kind: string, d: EmitDetail): Step => ["gate-1", kind, { job: "g", ...d }];

/** Plays `steps` into `f`, step i at (from + i) × STEP_MS. */
function play(f: Feed, steps: Step[], from = 0): Feed {
  for (const [i, [node, kind, d]] of steps.entries()) f.event(node, kind, d, (from + i) * STEP_MS);
  return f;
}

describe("transitions: every job and workflow transition is one PROTOCOL allows", () => {
  it("stays silent on every allowed life of a workflow", () => {
    const lives: Step[][] = [
      // Dispatched, acked, completed by the worker, terminal.
      [dispatched(1), running(1), workerEnded(1), terminal(1, "completed")],
      // A completed result may overtake the dispatch ACK.
      [dispatched(1), workerEnded(1), terminal(1, "completed")],
      // A failed attempt is retried, then fails for good.
      [dispatched(1), failed(1, true), requeued(), dispatched(2), running(2), failed(2, false), terminal(2, "failed")],
      // An attempt that fails after its job timed out ends CANCELLED: the cancel overrides the retry.
      [dispatched(1), running(1), failed(1, false), terminal(1, "cancelled")],
      // Cancelled while still pending (a job timeout), or while running.
      [terminal(-1, "cancelled")],
      [dispatched(1), running(1), terminal(1, "cancelled")],
      // A takeover's first step is taken as given; a later leader may relearn the same ending.
      [dispatched(1), takeover("m2"), reconciled(1, "m2"), workerEnded(1), terminal(1, "completed", "m2")],
      [
        dispatched(1),
        workerEnded(1),
        terminal(1, "completed"),
        takeover("m2"),
        reconciled(1, "m2"),
        terminal(1, "completed", "m2"),
      ],
      // At the gate: dispatched before the job ended; after deletion the id is free again.
      [
        gate("job.dispatched", { dc: "dc1", manager: "m1" }),
        gate("job.dcReported", { dc: "dc1", status: "failed", fenceToken: 1 }),
        gate("job.terminal", { status: "failed", error: null }),
        gate("job.deleted", { role: "gate" }),
        gate("job.dispatched", { dc: "dc1", manager: "m1" }),
      ],
    ];
    for (const life of lives) expect(play(feed(), life).checks(), JSON.stringify(life)).toEqual([]);
  });

  // Each violation's steps before the last are a legal life: only the last step breaks it.
  const violations: [what: string, steps: Step[], says: string][] = [
    ["running without a dispatch", [running(1)], "running from pending"],
    [
      "running again on a late ack of an attempt that failed and was requeued",
      [dispatched(1), failed(1, true), requeued(), running(1)],
      "running from pending (token 1)",
    ],
    ["running under another attempt's token", [dispatched(2), running(1)], "running from dispatched (token 1)"],
    ["dispatched again while running", [dispatched(1), running(1), dispatched(2)], "dispatched from running"],
    ["failed with no attempt in flight", [failed(1, true)], "failed from pending"],
    ["requeued without a failed attempt", [dispatched(1), running(1), requeued()], "requeued from running"],
    ["requeued after a final failure", [dispatched(1), failed(1, false), requeued()], "requeued from failed"],
    ["completed while pending", [workerEnded(1), terminal(1, "completed")], "became completed from pending"],
    [
      "failed for good from running, skipping the failed attempt",
      [dispatched(1), running(1), terminal(1, "failed")],
      "became failed from running",
    ],
    [
      "completed without the worker's completed result for that attempt",
      [dispatched(1), running(1), workerEnded(1, "failed"), terminal(1, "completed")],
      "completed without a worker's completed result for token 1",
    ],
    [
      "dispatched again after it completed (terminal is absorbing)",
      [dispatched(1), workerEnded(1), terminal(1, "completed"), dispatched(2)],
      "dispatched from ended",
    ],
    [
      "failed after it completed, under a new leader",
      [dispatched(1), workerEnded(1), terminal(1, "completed"), takeover("m2"), failed(1, true, "m2")],
      "failed from ended",
    ],
    [
      "ended a second time, differently",
      [dispatched(1), workerEnded(1), terminal(1, "completed"), terminal(1, "cancelled")],
      "became cancelled from ended",
    ],
    [
      "a job dispatched to a DC after the gate ended it",
      [
        gate("job.dispatched", { dc: "dc1", manager: "m1" }),
        gate("job.dcReported", { dc: "dc1", status: "failed", fenceToken: 1 }),
        gate("job.terminal", { status: "failed", error: null }),
        gate("job.dispatched", { dc: "dc2", manager: "m4" }),
      ],
      "dispatched job g to dc2 after it ended",
    ],
  ];

  for (const [what, steps, says] of violations)
    it(`fires on ${what}`, () => {
      const f = play(feed(), steps.slice(0, -1));
      expect(f.checks(), "the steps before the last are legal").toEqual([]);
      play(f, steps.slice(-1), steps.length - 1);
      expect(f.checks()).toEqual(only(C));
      expect(f.messages()[0]).toContain(says);
    });
});
