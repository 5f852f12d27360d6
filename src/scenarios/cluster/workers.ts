// Manager ↔ worker scenarios (catalog MW-6, MW-7): a worker dying mid-workflow or before
// its ACK, every worker failing a workflow, and a job timeout cancelling what runs.

import type { Observation } from "../../sim/index.js";
import { managerConfig } from "../../nodes/config.js";
import { defineScenario } from "../types.js";
import { clusterSpecs } from "./option-specs.js";
import { phaseSpecs } from "../phase-specs.js";
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
  schema: { workflowDurationMs: clusterSpecs.workflowDurationMs, ...phaseSpecs },
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
  schema: { ...phaseSpecs },
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
    "each run goes RUNNING → FAILED with an execution error; the retry never returns to a worker that already failed " +
    "it, and once all three have, the workflow fails for good and the client hears FAILED.",
  covers: ["MW-7.1.4"],
  options: { faultPhaseMs: 60_000, livenessBudgetMs: 120_000 },
  schema: { ...phaseSpecs },
  setup(ctx) {
    const c = oneDc(ctx, {}, { workflowFailurePerMillion: 1_000_000 });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    ctx.check("MW-7.1.4: every run ended FAILED with an execution error", () => {
      const f = c.events("workflow.failed");
      return f.length === 3 && f.every((e) => detail(e, "reason") === "execution error")
        ? null
        : `failures: ${f.map((e) => detail(e, "reason")).join("; ")}`;
    });
    ctx.check("MW-7.1.4: each worker ran it once; the workflow failed for good and the DC reported FAILED", () => {
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

export const allWorkersDieBeforeAck = defineScenario({
  id: "cluster/all-workers-die-before-ack",
  title: "Every worker dies before acking: the dispatch-timeout blame path fails the workflow",
  description:
    "1 gate, dc1 with 3 managers and 3 workers; one workflow. Each worker the job leader dispatches it to crashes while " +
    "the dispatch is in flight and stays down. MW-6.2.3: every attempt fails as a dispatch timeout " +
    "requestTimeoutStandardMs after it was sent, and the timeout alone blames the worker: the retry goes to a worker " +
    "not yet tried, each worker gets exactly one dispatch, and after the third timeout the workflow fails for good " +
    "('no worker left') within that attempt's backoff — before the job leader has even declared the last worker dead. " +
    "The DC reports FAILED to the gate and the client hears FAILED once.",
  covers: ["MW-6.2.3"],
  options: { faultPhaseMs: 90_000, livenessBudgetMs: 120_000 },
  schema: { ...phaseSpecs },
  setup(ctx) {
    const c = oneDc(ctx, {});
    c.world.onEmit((e) => {
      const target = detail(e, "worker");
      if (e.kind === "workflow.dispatched" && c.world.isUp(target)) c.world.crash(target);
    });
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    ctx.check("MW-6.2.3: each worker got exactly one dispatch and never started it", () => {
      const to = c
        .events("workflow.dispatched")
        .map((e) => detail(e, "worker"))
        .sort();
      if (to.join(",") !== c.ids("worker", "dc1").sort().join(",")) return `dispatched to [${to.join(", ")}]`;
      return c.events("workflow.started").length + c.events("workflow.running").length === 0
        ? null
        : "a worker started or acked it";
    });
    ctx.check(
      "MW-6.2.3: every attempt failed as a dispatch timeout, requestTimeoutStandardMs after its dispatch",
      () => {
        const sent = c.events("workflow.dispatched");
        const failed = c.events("workflow.failed");
        if (failed.length !== sent.length) return `${sent.length} dispatches, ${failed.length} failures`;
        for (const [i, f] of failed.entries()) {
          const gapUs = f.atUs - sent[i]!.atUs;
          if (detail(f, "reason") !== "dispatch timeout" || gapUs !== MANAGER.requestTimeoutStandardMs * 1000)
            return `attempt ${i + 1}: ${detail(f, "reason")} after ${gapUs / 1000} ms`;
        }
        return null;
      },
    );
    ctx.check("MW-6.2.3: the timeouts alone excluded the workers: failed for good within the last backoff", () => {
      const lastTimeout = c.events("workflow.failed").at(-1);
      const end = c.events("workflow.terminal")[0];
      if (lastTimeout === undefined || end === undefined) return "no final failure";
      const lastWorker = detail(lastTimeout, "worker");
      const declaredDead = c.events("member.dead", (e) => e.node === end.node && detail(e, "node") === lastWorker)[0];
      const backoffMs = Math.min(
        MANAGER.dispatchBackoffMaxMs,
        MANAGER.dispatchBackoffBaseMs * 2 ** (c.ids("worker", "dc1").length - 1),
      );
      if (detail(end, "status") !== "failed" || detail(end, "reason") !== "no worker left")
        return `ended ${detail(end, "status")} (${detail(end, "reason")})`;
      // Plus one in-DC round trip: the ending is recorded once a majority of managers holds it.
      if (end.atUs - lastTimeout.atUs > backoffMs * 1000 + 10_000)
        return `failed ${(end.atUs - lastTimeout.atUs) / 1000} ms after the last timeout`;
      return declaredDead === undefined || declaredDead.atUs > end.atUs
        ? null
        : `${lastWorker} was declared dead first, at ${declaredDead.atUs / 1000} ms`;
    });
    ctx.check("MW-6.2.3: the DC reported FAILED to the gate and the client heard FAILED once", () => {
      const dc = c.events("job.dcTerminal").map((e) => detail(e, "status"));
      return dc.join(",") === "failed" ? expectOne(c.clientStatuses(), "failed") : `DC results [${dc.join(", ")}]`;
    });
  },
});

export const jobTimeoutCancels = defineScenario({
  id: "cluster/job-timeout-cancels",
  title: "A job past its timeout is cancelled in every state: pending, dispatched and running",
  description:
    "1 gate checking timeouts every second, dc1 with 3 one-core workers; one job with a 2 s timeout and four 10-minute " +
    "workflows. The moment the job leader accepts the job, dc1-wrk-3 pauses, so the dispatch it is sent stays unacked. " +
    "When the gate times the job out, w1 and w2 run, w3 is DISPATCHED and w4 PENDING (no core free); the worker " +
    "resumes once the job leader has acted on the timeout. MW-7.1.5: every workflow ends CANCELLED — the pending one " +
    "at once and never dispatched, the running and the dispatched ones on their workers (the late ACK included) — " +
    "within seconds, every core is freed, the DC reports TIMEOUT and the client hears TIMEOUT.",
  covers: ["MW-7.1.5"],
  options: { jobTimeoutMs: 2_000, faultPhaseMs: 90_000, livenessBudgetMs: 120_000 },
  schema: { jobTimeoutMs: clusterSpecs.jobTimeoutMs, ...phaseSpecs },
  setup(ctx) {
    const c = new ClusterWorld(ctx, {
      gates: 1,
      dcs: 1,
      managersPerDc: 3,
      workersPerDc: 3,
      client: { jobCount: 1, workflowsPerJob: 4, workflowDurationMs: 600_000, jobTimeoutMs: ctx.options.jobTimeoutMs },
      gate: { timeoutCheckIntervalMs: 1_000 },
      worker: { totalCores: 1 },
      keepEvents: true,
    });
    const slow = "dc1-wrk-3";
    // Before the job leader's first dispatches go out (they follow in the same step).
    c.once("job.leaderAccepted", () => c.world.pause(slow));
    c.once(
      "workflow.terminal",
      () => c.world.resume(slow),
      (e) => detail(e, "reason") === "job timeout",
    );
    c.run(ctx.options.faultPhaseMs, ctx.options.livenessBudgetMs);
    const timedOutAt = (): number => c.events("job.terminal", (e) => detail(e, "status") === "timeout")[0]?.atUs ?? -1;
    ctx.check("MW-7.1.5: when the gate timed the job out, workflows were running, dispatched and pending", () => {
      const t = timedOutAt();
      if (t < 0) return "the gate never timed the job out";
      const states = ["w1", "w2", "w3", "w4"].map((w) => stateAt(c, w, t));
      return states.includes("running") && states.includes("dispatched") && states.includes("pending")
        ? null
        : `states at the timeout: ${states.join(", ")}`;
    });
    ctx.check("MW-7.1.5: every workflow ended CANCELLED at the job leader within 10 s, none dispatched after", () => {
      const t = timedOutAt();
      const ends = c.events("workflow.terminal");
      const late = c.events("workflow.dispatched", (e) => e.atUs > t);
      if (late.length > 0) return `${detail(late[0]!, "workflow")} dispatched after the timeout`;
      const bad = ends.filter((e) => detail(e, "status") !== "cancelled" || e.atUs - t > 10_000_000);
      return ends.length === 4 && bad.length === 0
        ? null
        : `ends: ${ends.map((e) => `${detail(e, "workflow")} ${detail(e, "status")} +${(e.atUs - t) / 1000} ms`).join(", ")}`;
    });
    ctx.check("MW-7.1.5: every run ended cancelled on its worker (the late-acked one too) and freed its cores", () => {
      const runs = c.events("workflow.started").length;
      const ends = c.events("workflow.finished").map((e) => detail(e, "status"));
      if (runs !== 3 || ends.length !== 3 || ends.some((s) => s !== "cancelled"))
        return `${runs} runs, ended [${ends.join(", ")}]`;
      const busy = c.ids("worker").filter((w) => (c.worker(w)?.coresInUse ?? -1) !== 0);
      return busy.length === 0 ? null : `cores still in use on ${busy.join(", ")}`;
    });
    ctx.check("MW-7.1.5: the DC reported TIMEOUT and the client heard TIMEOUT", () => {
      const dc = c.events("job.dcTerminal").map((e) => detail(e, "status"));
      return dc.join(",") === "timeout" ? expectOne(c.clientStatuses(), "timeout") : `DC [${dc.join(", ")}]`;
    });
  },
});

/** A workflow's state at the job leader at `atUs`, from its last dispatched/running event (none: pending). */
function stateAt(c: ClusterWorld, workflow: string, atUs: number): string {
  const mine = (e: Observation): boolean => detail(e, "workflow") === workflow && e.atUs <= atUs;
  const last = [...c.events("workflow.dispatched", mine), ...c.events("workflow.running", mine)]
    .sort((a, b) => a.atUs - b.atUs)
    .at(-1);
  return last === undefined ? "pending" : last.kind === "workflow.running" ? "running" : "dispatched";
}
