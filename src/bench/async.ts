// Async-runtime benchmarks: ORCH-1 (1,000 concurrent three-node pipelines) and the soak
// jitter storm, run through the ordinary scenario runner. Each is run once to warm up,
// then `repeats` times; the median wall time is reported with the run's event count.
// `src/bench/main.ts` prints these rows; `node dist/bench/async.js` prints them alone.

import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { orchConcurrent } from "../scenarios/async/orch-concurrent.js";
import { soakScenarios } from "../scenarios/async/soak.js";
import { runScenario, type Options, type RunResult, type ScenarioDef } from "../scenarios/index.js";

export interface AsyncBenchRow {
  name: string;
  wallMs: number;
  events: number;
  detail: string;
}

function timed(scenario: ScenarioDef, overrides: Options, repeats: number): { wallMs: number; result: RunResult } {
  runScenario(scenario, { seed: 1, overrides }); // warm-up: JIT and caches
  const walls: number[] = [];
  let result: RunResult | null = null;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    result = runScenario(scenario, { seed: 1, overrides });
    walls.push(performance.now() - start);
  }
  walls.sort((a, b) => a - b);
  return { wallMs: walls[Math.floor(walls.length / 2)]!, result: result! };
}

function perSec(events: number, wallMs: number): string {
  return Math.round(events / (wallMs / 1000)).toLocaleString("en-US");
}

export function asyncBenchmarks(options: { repeats?: number } = {}): AsyncBenchRow[] {
  const repeats = options.repeats ?? 5;
  const rows: AsyncBenchRow[] = [];
  const orch = timed(orchConcurrent, {}, repeats);
  rows.push({
    name: "ORCH-1 1,000 concurrent pipelines",
    wallMs: orch.wallMs,
    events: orch.result.events,
    detail: `${orch.result.verdict}; p95 ${orch.result.metrics["p95LatencyMs"]} ms virtual; ${perSec(orch.result.events, orch.wallMs)} events/s`,
  });
  const storm = soakScenarios.find((s) => s.id === "soak/jitter-storm")!;
  const iterations = 200;
  const st = timed(storm, { iterations }, repeats);
  rows.push({
    name: `jitter storm x${iterations} iterations`,
    wallMs: st.wallMs,
    events: st.result.events,
    detail: `${st.result.verdict}; ${st.result.metrics["submitted"]} tasks; ${perSec(st.result.events, st.wallMs)} events/s`,
  });
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of asyncBenchmarks()) {
    process.stdout.write(
      `${r.name.padEnd(36)} ${r.wallMs.toFixed(1).padStart(9)} ms ${String(r.events).padStart(9)} events  ${r.detail}\n`,
    );
  }
}
