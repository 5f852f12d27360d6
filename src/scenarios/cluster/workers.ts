// Manager ↔ worker scenarios (catalog MW-6, MW-7): a worker dying mid-workflow or before
// its ACK, every worker failing a workflow, and a job timeout cancelling what runs.

import type { Observation } from "../../sim/index.js";
import { managerConfig } from "../../nodes/config.js";
import { defineScenario } from "../types.js";
import { ClusterWorld } from "./cluster-world.js";
import { expectOne } from "./expect.js";

const MANAGER = managerConfig();

function detail(o: Observation, key: string): string {
  return String(o.detail?.[key]);
}

function oneDc(ctx: ConstructorParameters<typeof ClusterWorld>[0], client: object, worker: object = {}): ClusterWorld {
  return new ClusterWorld(ctx, {
    gates: 1,
    dcs: 1,
    managersPerDc: 3,
    workersPerDc: 3,
    client: { jobCount: 1, workflowsPerJob: 1, ...client },
    worker,
    keepEvents: true,
  });
}

export const workerDiesMidWorkflow = defineScenario({
  id: "cluster/worker-dies-mid-workflow",
  title: "A worker dies mid-workflow: detection, orphan, grace, reschedule",
  description:
    "1 gate, dc1 with 3 managers and 3 workers; one 60 s workflow. Once it runs (ACKed), its worker crashes and stays " +
    "down. MW-6.1.1: the job leader's membership suspects, then declares the worker dead. MW-6.1.2: the job leader marks " +
    "the workflow orphaned when the suspicion starts. MW-6.1.3: it waits out the suspicion (the grace period) instead of " +
    "rescheduling at once. MW-6.1.4: then it reschedules on another worker under a higher fence token, and the job completes.",
  covers: ["MW-6.1.1", "MW-6.1.2", "MW-6.1.3", "MW-6.1.4"],
  options: { workflowDurationMs: 60_000, faultPhaseMs: 240_000, livenessBudgetMs: 120_000 },
  setup(ctx) {
    const c = oneDc(ctx, { workflowDurationMs: ctx.options.workflowDurationMs });
    let victim = "";
    let crashUs = 0;
    // Once the job leader has the worker's ACK (the workflow is RUNNING), the worker dies.
    c.once("workflow.running", (o) => {
      victim = detail(o, "worker");
      crashUs = ctx.kernel.now;
      c.world.crash(victim);
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    const leader = (): string => c.events("job.leaderAccepted")[0]?.node ?? "";
    ctx.check("MW-6.1.1: the job leader suspected, then declared the worker dead", () => {
      const s = c.events("member.suspect", (e) => e.node === leader() && detail(e, "node") === victim);
      const d = c.events("member.dead", (e) => e.node === leader() && detail(e, "node") === victim);
      return s.length >= 1 && d.length === 1 && s[0]!.atUs < d[0]!.atUs
        ? null
        : `${s.length} suspicions, ${d.length} deaths`;
    });
    ctx.check("MW-6.1.2: the workflow was marked orphaned when the suspicion began", () => {
      const o = c.events("workflow.orphaned", (e) => e.node === leader() && detail(e, "node") === victim)[0];
      const s = c.events("member.suspect", (e) => e.node === leader() && detail(e, "node") === victim)[0];
      return o !== undefined && s !== undefined && o.atUs === s.atUs ? null : "no orphan mark at the suspicion";
    });
    ctx.check(
      "MW-6.1.3: nothing was rescheduled before the death was confirmed (≥ the manager's minimum suspicion)",
      () => {
        const failed = c.events("workflow.failed")[0];
        const dead = c.events("member.dead", (e) => e.node === leader() && detail(e, "node") === victim)[0];
        if (failed === undefined || dead === undefined) return "no failure or no death";
        return failed.atUs >= dead.atUs && failed.atUs - crashUs >= MANAGER.globalSuspicionMinMs * 1000
          ? null
          : `failed ${(failed.atUs - crashUs) / 1000} ms after the crash`;
      },
    );
    ctx.check("MW-6.1.4: rescheduled on another worker under a higher token; the job completed", () => {
      const starts = c.events("workflow.started");
      if (starts.length !== 2 || starts[1]!.node === victim) return `runs on [${starts.map((s) => s.node).join(", ")}]`;
      if (Number(starts[1]!.detail?.["token"]) <= Number(starts[0]!.detail?.["token"]))
        return "the rerun's token is not higher";
      return expectOne(c.clientStatuses(), "completed");
    });
  },
});

export const workerDiesBeforeAck = defineScenario({
  id: "cluster/worker-dies-before-ack",
  title: "A worker dies before acking a dispatch: timeout, then another worker",
  description:
    "1 gate, dc1 with 3 managers and 3 workers. The first worker a dispatch is sent to crashes while the dispatch is in " +
    "flight. MW-6.2.1: no ACK comes, and the job leader fails the attempt after requestTimeoutStandardMs. MW-6.2.2: the " +
    "retry goes to a different worker and the job completes.",
  covers: ["MW-6.2.1", "MW-6.2.2"],
  options: { faultPhaseMs: 90_000, livenessBudgetMs: 120_000 },
  setup(ctx) {
    const c = oneDc(ctx, {});
    let victim = "";
    c.once("workflow.dispatched", (o) => {
      victim = detail(o, "worker");
      c.world.crash(victim);
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    ctx.check("MW-6.2.1: the attempt failed as a dispatch timeout, requestTimeoutStandardMs after the send", () => {
      const sent = c.events("workflow.dispatched")[0];
      const failed = c.events("workflow.failed")[0];
      if (sent === undefined || failed === undefined) return "no dispatch or no failure";
      return detail(failed, "reason") === "dispatch timeout" &&
        failed.atUs - sent.atUs === MANAGER.requestTimeoutStandardMs * 1000
        ? null
        : `${detail(failed, "reason")} after ${(failed.atUs - sent.atUs) / 1000} ms`;
    });
    ctx.check("MW-6.2.2: the retry went to a different worker and the job completed", () => {
      const next = c.events("workflow.dispatched")[1];
      if (next === undefined || detail(next, "worker") === victim) return "no retry to another worker";
      return expectOne(c.clientStatuses(), "completed");
    });
  },
});

export const allWorkersFail = defineScenario({
  id: "cluster/all-workers-fail",
  title: "Every worker fails the workflow: a permanent failure reported to the gate",
  description:
    "1 gate, dc1 with 3 managers and 3 workers whose every run fails (workflowFailurePerMillion = 1,000,000). MW-7.1.4: " +
    "each run goes RUNNING → FAILED with an execution error. MW-6.2.3: the retry never returns to a worker that already " +
    "failed it; once all three have, the workflow fails for good, the DC reports FAILED to the gate and the client hears FAILED.",
  covers: ["MW-6.2.3", "MW-7.1.4"],
  options: { faultPhaseMs: 60_000, livenessBudgetMs: 120_000 },
  setup(ctx) {
    const c = oneDc(ctx, {}, { workflowFailurePerMillion: 1_000_000 });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    ctx.check("MW-7.1.4: every run ended FAILED with an execution error", () => {
      const f = c.events("workflow.failed");
      return f.length === 3 && f.every((e) => detail(e, "reason") === "execution error")
        ? null
        : `failures: ${f.map((e) => detail(e, "reason")).join("; ")}`;
    });
    ctx.check("MW-6.2.3: each worker ran it once; the workflow failed for good and the DC reported FAILED", () => {
      const runs = c
        .events("workflow.started")
        .map((e) => e.node)
        .sort();
      if (runs.join(",") !== c.ids("worker", "dc1").sort().join(",")) return `runs on [${runs.join(", ")}]`;
      const dc = c.events("job.dcTerminal").map((e) => detail(e, "status"));
      return dc.join(",") === "failed" ? null : `DC results [${dc.join(", ")}]`;
    });
    ctx.check("the client heard FAILED exactly once", () => expectOne(c.clientStatuses(), "failed"));
  },
});

export const jobTimeoutCancels = defineScenario({
  id: "cluster/job-timeout-cancels",
  title: "A job past its timeout is cancelled down to the worker",
  description:
    "1 gate, dc1; one job with a 30 s timeout whose workflow would run 10 minutes. MW-7.1.5: at the gate's timeout check " +
    "the job goes TIMEOUT, the gate tells the DC's job leader, which cancels the running workflow on its worker; the run " +
    "ends CANCELLED, its cores are freed and the DC reports TIMEOUT.",
  covers: ["MW-7.1.5"],
  options: { faultPhaseMs: 90_000, livenessBudgetMs: 120_000 },
  setup(ctx) {
    const c = oneDc(ctx, { workflowDurationMs: 600_000, jobTimeoutMs: 30_000 });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    ctx.check("the client heard TIMEOUT", () => expectOne(c.clientStatuses(), "timeout"));
    ctx.check("MW-7.1.5: the running workflow was cancelled on its worker and its cores freed", () => {
      const f = c.events("workflow.finished");
      if (f.length !== 1 || detail(f[0]!, "status") !== "cancelled")
        return `runs ended [${f.map((e) => detail(e, "status")).join(", ")}]`;
      return (c.worker(f[0]!.node)?.coresInUse ?? -1) === 0 ? null : "cores still in use";
    });
    ctx.check("MW-7.1.5: the job leader recorded CANCELLED and the DC reported TIMEOUT", () => {
      const t = c.events("workflow.terminal").map((e) => detail(e, "status"));
      const dc = c.events("job.dcTerminal").map((e) => detail(e, "status"));
      return t.join(",") === "cancelled" && dc.join(",") === "timeout"
        ? null
        : `workflow [${t.join(", ")}], DC [${dc.join(", ")}]`;
    });
  },
});
