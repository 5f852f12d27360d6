// orch/node-timeout, orch/pipeline-timeout, orch/cancellation, orch/error-recovery
// (ORCH-2..5). Each runs `trials` pipelines with drawn node durations, one after the
// other, and checks the typed error, the instant it was raised, that the running node
// was unwound at that instant, and that no later node ever started.

import { ms, now, sleep, spawn, join, type Micros, type Proc, type Rng } from "../../sim/index.js";
import { CancellationToken } from "../../async/cancellation-token.js";
import { CancellationError, NodeTimeoutError, PipelineTimeoutError, runPipeline } from "../../async/pipeline.js";
import type { ScenarioContext } from "../context.js";
import { defineScenario } from "../types.js";
import { integer } from "../option-spec.js";
import { NodeRecorder, capture } from "./orch-nodes.js";

type Trial = (rng: Rng, index: number) => Proc<string | null>;

/** Runs the trials in sequence; each returns null or what went wrong. */
function runTrials(ctx: ScenarioContext<{ trials: number }>, check: string, trial: Trial): void {
  const problems: string[] = [];
  let ran = 0;
  ctx.main(
    "trials",
    (function* () {
      for (let i = 0; i < ctx.options.trials; i++) {
        const problem = yield* trial(ctx.rng.fork(`trial-${i}`), i);
        ran++;
        if (problem !== null) problems.push(`trial ${i}: ${problem}`);
      }
    })(),
  );
  ctx.check(check, () =>
    problems.length === 0 ? null : `${problems.length} failing; ${problems.slice(0, 3).join(" | ")}`,
  );
  ctx.check("every trial ran", () => (ran === ctx.options.trials ? null : `${ran}/${ctx.options.trials} trials ran`));
}

/** `count` node durations below `limitUs`, at least 1 ms each. */
function durationsBelow(rng: Rng, count: number, limitUs: Micros): Micros[] {
  return Array.from({ length: count }, () => rng.int(ms(1), limitUs - 1));
}

export const orchNodeTimeout = defineScenario({
  id: "orch/node-timeout",
  title: "A node slower than the node timeout raises NodeTimeoutError",
  description:
    "Each trial runs a 3–5 node pipeline where one drawn node overruns the node timeout (all others are under it, and the pipeline timeout is generous). The caller must get a NodeTimeoutError naming that node exactly at its start + node timeout; the slow node is unwound then and no later node starts. A control pipeline with every node under the limit must complete.",
  covers: ["ORCH-2"],
  options: { trials: 40 },
  schema: {
    trials: integer(1, 100_000, "pipelines run one after the other"),
  },
  shrinkable: { trials: 1 },
  setup(ctx) {
    runTrials(
      ctx,
      "the slow node raises NodeTimeoutError at its deadline and nothing after it runs",
      function* (rng, i) {
        const count = rng.int(3, 5);
        const nodeTimeoutUs = rng.int(ms(10), ms(100));
        const slow = rng.int(0, count - 1);
        const durations = durationsBelow(rng, count, nodeTimeoutUs);
        durations[slow] = nodeTimeoutUs + rng.int(1, ms(50));
        const rec = new NodeRecorder();
        const nodes = durations.map((d, k) => rec.sleeper(`n${k}`, d));
        const r = yield* capture(
          runPipeline({ name: `t${i}`, nodes, nodeTimeoutUs, pipelineTimeoutUs: ms(10_000) }, 0),
        );
        if (r.ok) return "pipeline completed";
        const e = r.error;
        if (!(e instanceof NodeTimeoutError) || e.node !== `n${slow}`) return `got ${String(e)}`;
        const log = rec.of(`n${slow}`)!;
        if (r.atUs !== log.startedAtUs + nodeTimeoutUs || log.end !== "unwound" || log.endedAtUs !== r.atUs)
          return `raised at ${r.atUs}, node started ${log.startedAtUs}, ended ${log.end}@${log.endedAtUs}`;
        if (rec.logs.length !== slow + 1) return `${rec.logs.length - slow - 1} node(s) ran after the timeout`;
        const control = new NodeRecorder();
        const ok = yield* capture(
          runPipeline(
            {
              name: `c${i}`,
              nodes: durationsBelow(rng, count, nodeTimeoutUs).map((d, k) => control.sleeper(`n${k}`, d)),
              nodeTimeoutUs,
            },
            0,
          ),
        );
        return ok.ok ? null : `control failed: ${String(ok.error)}`;
      },
    );
  },
});

export const orchPipelineTimeout = defineScenario({
  id: "orch/pipeline-timeout",
  title: "Cumulative node time beyond the pipeline timeout raises PipelineTimeoutError",
  description:
    "Each trial runs 3–6 nodes, each under the node timeout, whose sum exceeds the pipeline timeout. The caller must get a PipelineTimeoutError exactly at start + pipeline timeout, listing the nodes completed by then; the node running at that instant is unwound and none starts after. A control whose sum fits must complete.",
  covers: ["ORCH-3"],
  options: { trials: 40 },
  schema: {
    trials: integer(1, 100_000, "pipelines run one after the other"),
  },
  shrinkable: { trials: 1 },
  setup(ctx) {
    runTrials(
      ctx,
      "the pipeline raises PipelineTimeoutError at its deadline, cancelling the running node",
      function* (rng, i) {
        const count = rng.int(3, 6);
        const nodeTimeoutUs = ms(100);
        const durations = durationsBelow(rng, count, nodeTimeoutUs);
        const total = durations.reduce((a, b) => a + b, 0);
        const pipelineTimeoutUs = rng.int(ms(1), total - 1);
        const rec = new NodeRecorder();
        const t0 = now();
        const r = yield* capture(
          runPipeline(
            {
              name: `t${i}`,
              nodes: durations.map((d, k) => rec.sleeper(`n${k}`, d)),
              nodeTimeoutUs,
              pipelineTimeoutUs,
            },
            0,
          ),
        );
        if (r.ok) return "pipeline completed";
        if (!(r.error instanceof PipelineTimeoutError)) return `got ${String(r.error)}`;
        if (r.atUs !== t0 + pipelineTimeoutUs) return `raised at ${r.atUs - t0}us, limit ${pipelineTimeoutUs}us`;
        const finished = rec.logs.filter((l) => l.end === "finished").map((l) => l.node);
        if (finished.join() !== r.error.completedNodes.join())
          return `error lists [${r.error.completedNodes.join()}], finished [${finished.join()}]`;
        const running = rec.logs[rec.logs.length - 1]!;
        if (running.end !== "unwound" || running.endedAtUs !== r.atUs)
          return `node ${running.node} ended ${running.end}@${running.endedAtUs}`;
        const fits = yield* capture(
          runPipeline(
            {
              name: `c${i}`,
              nodes: durations.map((d, k) => new NodeRecorder().sleeper(`n${k}`, d)),
              nodeTimeoutUs,
              pipelineTimeoutUs: total + 1,
            },
            0,
          ),
        );
        return fits.ok ? null : `control failed: ${String(fits.error)}`;
      },
    );
  },
});

export const orchCancellation = defineScenario({
  id: "orch/cancellation",
  title: "Setting the cancellation token stops a long pipeline with CancellationError",
  description:
    "Each trial starts a long pipeline and sets its CancellationToken from another process at a drawn instant inside the run (and, every fourth trial, before the run starts). The caller must get a CancellationError at that instant carrying the reason; the pipeline never completes, the running node is unwound then, and no node starts afterwards.",
  covers: ["ORCH-4"],
  options: { trials: 40 },
  schema: {
    trials: integer(1, 100_000, "pipelines run one after the other"),
  },
  shrinkable: { trials: 1 },
  setup(ctx) {
    runTrials(ctx, "the token stops the pipeline at once with CancellationError", function* (rng, i) {
      const durations = Array.from({ length: rng.int(3, 6) }, () => rng.int(ms(20), ms(200)));
      const total = durations.reduce((a, b) => a + b, 0);
      const early = i % 4 === 3;
      const cancelAfterUs = early ? 0 : rng.int(1, total - 1);
      const token = new CancellationToken();
      if (early) token.cancel("cancelled before start");
      const rec = new NodeRecorder();
      const t0 = now();
      const canceller = spawn(
        "canceller",
        (function* () {
          yield* sleep(cancelAfterUs);
          token.cancel(`user stop ${i}`);
        })(),
      );
      const r = yield* capture(
        runPipeline({ name: `t${i}`, nodes: durations.map((d, k) => rec.sleeper(`n${k}`, d)) }, 0, { token }),
      );
      yield* join(canceller);
      if (r.ok) return "pipeline completed";
      if (!(r.error instanceof CancellationError) || r.error.reason !== token.reason) return `got ${String(r.error)}`;
      if (r.atUs !== t0 + cancelAfterUs) return `raised at +${r.atUs - t0}us, token set at +${cancelAfterUs}us`;
      if (early) return rec.logs.length === 0 ? null : "a node ran after an early cancel";
      if (rec.logs.length === durations.length && rec.logs.every((l) => l.end === "finished"))
        return "every node finished";
      const last = rec.logs[rec.logs.length - 1]!;
      return last.end === "unwound" && last.endedAtUs === r.atUs
        ? null
        : `running node ${last.node} ended ${last.end}@${last.endedAtUs}`;
    });
  },
});

class NodeBoom extends Error {
  override readonly name = "NodeBoom";
  constructor(readonly trial: number) {
    super(`node exploded in trial ${trial}`);
  }
}

export const orchErrorRecovery = defineScenario({
  id: "orch/error-recovery",
  title: "An exception inside a node propagates to the caller unchanged",
  description:
    "Each trial runs a pipeline whose drawn node throws a NodeBoom, concurrently with a healthy pipeline. The caller must catch the very same NodeBoom object (not a wrapper), raised when the node threw; no later node runs; the concurrent healthy pipeline and the next trial's pipelines complete, so one node's error never poisons the orchestrator.",
  covers: ["ORCH-5"],
  options: { trials: 40 },
  schema: {
    trials: integer(1, 100_000, "pipelines run one after the other"),
  },
  shrinkable: { trials: 1 },
  setup(ctx) {
    runTrials(ctx, "the node's own exception reaches the caller unchanged and others keep running", function* (rng, i) {
      const count = rng.int(2, 5);
      const bad = rng.int(0, count - 1);
      const boom = new NodeBoom(i);
      const rec = new NodeRecorder();
      const nodes = Array.from({ length: count }, (_, k) =>
        k === bad ? rec.thrower(`n${k}`, rng.int(ms(1), ms(30)), boom) : rec.sleeper(`n${k}`, rng.int(ms(1), ms(30))),
      );
      const healthy = spawn(
        "healthy",
        capture(runPipeline({ name: `h${i}`, nodes: [new NodeRecorder().sleeper("h0", ms(40), (x) => x + 1)] }, i)),
      );
      const r = yield* capture(
        runPipeline({ name: `t${i}`, nodes, nodeTimeoutUs: ms(100), pipelineTimeoutUs: ms(1000) }, 0),
      );
      const h = yield* join(healthy);
      if (r.ok) return "pipeline completed";
      if (r.error !== boom) return `caller got ${String(r.error)} instead of the node's own error`;
      if (r.atUs !== rec.of(`n${bad}`)!.endedAtUs) return "error surfaced late";
      if (rec.logs.length !== bad + 1) return "a node ran after the failing one";
      return h.ok && h.value === i + 1 ? null : "the concurrent healthy pipeline did not complete";
    });
  },
});
