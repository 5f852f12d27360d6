// orch/concurrent-requests (ORCH-1): 1,000 three-node pipelines launched at the same
// instant on an orchestrator whose node executions share a pool of slots.
//
// Latency model: each node takes 2 ms plus an exponential draw (mean 8 ms), rounded to
// whole µs, while holding one of `executorSlots` slots; node and pipeline timeouts are
// set (they must not fire). Durations are drawn up front from one stream, so the
// workload is the same whatever order the pipelines run in. Checks: every pipeline
// completes with the right output, each pipeline's latency is exactly what its drawn
// durations give under the FIFO slot schedule (fifo-slots.ts), and the virtual p95
// pipeline latency is reported and below `p95LimitMs`.

import { Semaphore, gather, ms, now, type Proc } from "../../sim/index.js";
import { Histogram } from "../../async/histogram.js";
import { runPipeline, type PipelineSpec } from "../../async/pipeline.js";
import { defineScenario } from "../types.js";
import { duration, integer } from "../option-spec.js";
import { fifoSlotLatencies } from "./fifo-slots.js";
import { NodeRecorder, capture } from "./orch-nodes.js";

export const orchConcurrent = defineScenario({
  id: "orch/concurrent-requests",
  title: "1,000 concurrent three-node pipelines; p95 latency under 250 ms",
  description:
    "Launches `pipelines` pipelines of three nodes at t=0. Node i of pipeline p transforms its input (x+1, x*2, x+p) so each output is checked. " +
    "Latency model: a node holds one of `executorSlots` shared slots for nodeBaseMs + Exp(nodeMeanExtraMs). Node timeout 250 ms and pipeline timeout 1 s are armed but must not fire. " +
    "Each pipeline's latency must equal what its drawn durations give when the slots are handed out first come, first " +
    "served (computed without the kernel), and the p95 of submit-to-result latency (virtual) is reported as metrics " +
    "and must be below p95LimitMs.",
  covers: ["ORCH-1"],
  options: { pipelines: 1000, executorSlots: 500, nodeBaseMs: 2, nodeMeanExtraMs: 8, p95LimitMs: 250 },
  schema: {
    pipelines: integer(1, 100_000, "three-node pipelines launched at t=0"),
    executorSlots: integer(1, 100_000, "shared slots node executions hold"),
    nodeBaseMs: duration("0ms", "1h", "fixed part of a node's duration"),
    nodeMeanExtraMs: duration("0ms", "1h", "mean of the exponential extra a node takes"),
    p95LimitMs: duration("1ms", "24h", "bound the p95 pipeline latency must stay under"),
  },
  size: { formula: "pipelines", estimate: (o) => o.pipelines },
  shrinkable: { pipelines: 1, executorSlots: 1 },
  setup(ctx) {
    const { pipelines, executorSlots, nodeBaseMs, nodeMeanExtraMs, p95LimitMs } = ctx.options;
    const rng = ctx.rng.fork("latency");
    const durations = Array.from(
      { length: pipelines * 3 },
      () => ms(nodeBaseMs) + Math.round(rng.exponential(ms(nodeMeanExtraMs))),
    );
    const slots = new Semaphore(executorSlots, "orchestrator slots");
    const recorder = new NodeRecorder();
    const latency = new Histogram();
    const latencies: number[] = [];
    const outputs: unknown[] = [];
    const errors: string[] = [];

    function spec(p: number): PipelineSpec {
      return {
        name: `pipeline-${p}`,
        nodeTimeoutUs: ms(250),
        pipelineTimeoutUs: ms(1000),
        nodes: [
          recorder.sleeper(`p${p}-n0`, durations[p * 3]!, (x) => x + 1),
          recorder.sleeper(`p${p}-n1`, durations[p * 3 + 1]!, (x) => x * 2),
          recorder.sleeper(`p${p}-n2`, durations[p * 3 + 2]!, (x) => x + p),
        ],
      };
    }

    function* one(p: number): Proc<void> {
      const started = now();
      const r = yield* capture(runPipeline(spec(p), p, { slots }));
      if (r.ok) {
        outputs[p] = r.value;
        latency.record(r.atUs - started);
        latencies[p] = r.atUs - started;
      } else errors.push(`pipeline ${p}: ${String(r.error)}`);
    }

    ctx.main(
      "orchestrator",
      (function* () {
        yield* gather(Array.from({ length: pipelines }, (_, p) => one(p)));
      })(),
    );

    ctx.check("all pipelines complete", () =>
      errors.length === 0 && latency.count === pipelines
        ? null
        : `${latency.count}/${pipelines} completed; ${errors.slice(0, 3).join("; ")}`,
    );
    ctx.check("every output is (p+1)*2+p", () => {
      const bad = outputs.findIndex((v, p) => v !== (p + 1) * 2 + p);
      return bad < 0 ? null : `pipeline ${bad} returned ${String(outputs[bad])}`;
    });
    ctx.check("each pipeline's latency is what its drawn durations give under the FIFO slot schedule", () => {
      const want = fifoSlotLatencies({ pipelines, nodes: 3, slots: executorSlots, durationsUs: durations });
      const off = want.findIndex((us, p) => latencies[p] !== us);
      if (off < 0) return null;
      const took = latencies[off];
      return took === undefined
        ? `pipeline ${off} did not complete, so no latency matches the FIFO schedule`
        : `pipeline ${off} took ${took} µs, the FIFO schedule gives ${want[off]} µs`;
    });
    ctx.check(`p95 pipeline latency below the limit`, () => {
      const p95 = latency.percentile(95);
      return p95 < ms(p95LimitMs) ? null : `p95 ${p95 / 1000} ms >= ${p95LimitMs} ms`;
    });
    ctx.check("node executions never exceeded the shared slots", () => {
      const edges = recorder.logs.flatMap((l) => [
        { t: l.startedAtUs, d: 1 },
        { t: l.endedAtUs ?? Number.POSITIVE_INFINITY, d: -1 },
      ]);
      edges.sort((a, b) => a.t - b.t || a.d - b.d); // ends before starts at the same instant
      let running = 0;
      let peak = 0;
      for (const e of edges) {
        running += e.d;
        peak = Math.max(peak, running);
      }
      return peak <= executorSlots ? null : `peak ${peak} nodes running, ${executorSlots} slots`;
    });
    ctx.onFinish(() => {
      const s = latency.summary();
      ctx.metric("completed", latency.count);
      ctx.metric("p50LatencyMs", s.p50Us / 1000);
      ctx.metric("p95LatencyMs", s.p95Us / 1000);
      ctx.metric("p99LatencyMs", s.p99Us / 1000);
      ctx.metric("maxLatencyMs", s.maxUs / 1000);
      ctx.metric("makespanMs", ctx.now() / 1000);
    });
  },
});
