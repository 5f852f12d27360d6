// `npm run bench:peers`: the async toolkit against SimPy 3 on the same models, side by
// side in one run (issue 22). Never part of `npm test`: it needs Python and SimPy, and
// takes about a minute.
//
//   ORCH-1           1,000 three-node pipelines sharing 500 slots, with node and pipeline
//                    timeouts (orch/concurrent-requests; SimPy's copy in
//                    scripts/peers/simpy_models.py). Warm medians; ours untraced (SimPy
//                    hashes nothing) and, for reference, traced.
//   generator hold   PENDING generator processes each sleeping the same LCG delays, at 10^3
//                    and 10^5 pending: resumes per second. Ours also against the bare
//                    typed-array loop in the same run (the kernel bench's x bare).
//
// SimPy comes from Debian's python3-simpy3. Without it the bench says how to install it and
// exits 0.

import { execFileSync, spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { orchConcurrent } from "../scenarios/async/orch-concurrent.js";
import { runScenario } from "../scenarios/index.js";
import { bareHoldLoop } from "./bare-loop.js";
import { kernelProcesses, makeDelays, median } from "./kernel.js";

const SCRIPT = fileURLToPath(new URL("../../scripts/peers/simpy_models.py", import.meta.url));
const PYTHONS = ["python3", "/usr/bin/python3"];

export interface PeerRow {
  name: string;
  /** Our events (resumes) per second, or our wall ms for ORCH. */
  ours: number;
  simpy: number;
  /** How many times faster we are (SimPy time / ours). */
  speedup: number;
  unit: "ms" | "events/s";
  detail: string;
}

/** A Python that can import simpy, or null. */
export function findSimpy(): string | null {
  for (const python of PYTHONS) {
    const r = spawnSync(python, ["-c", "import simpy"], { stdio: "ignore" });
    if (r.status === 0) return python;
  }
  return null;
}

function simpy(python: string, args: string[]): { wallS: number; events: number; simpy: string } {
  const out = execFileSync(python, [SCRIPT, ...args], { encoding: "utf8" });
  return JSON.parse(out) as { wallS: number; events: number; simpy: string };
}

function orchOurs(trace: boolean, repeats: number): number {
  runScenario(orchConcurrent, { seed: 1, trace }); // warm-up
  const walls: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    const r = runScenario(orchConcurrent, { seed: 1, trace });
    walls.push(performance.now() - start);
    if (r.verdict !== "pass") throw new Error(`orch/concurrent-requests did not pass: ${r.verdict}`);
  }
  return median(walls);
}

/** Resumes per second of our generator hold model, and its ratio to the bare loop, medians of paired rounds. */
function holdOurs(pending: number, events: number, repeats: number): { perSec: number; xBare: number } {
  const delays = makeDelays();
  const walls: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round <= repeats; round++) {
    const t = performance.now();
    bareHoldLoop(pending, events, delays);
    const bare = performance.now() - t;
    const procs = kernelProcesses(pending, events, delays);
    if (round === 0) continue; // warm-up
    walls.push(procs);
    ratios.push(bare / procs);
  }
  return { perSec: events / (median(walls) / 1000), xBare: median(ratios) };
}

export function peerBenchmarks(python: string, log: (line: string) => void = () => {}): PeerRow[] {
  const rows: PeerRow[] = [];
  log("peers: ORCH-1, ours");
  const untraced = orchOurs(false, 9);
  const traced = orchOurs(true, 9);
  log("peers: ORCH-1, SimPy");
  const sp = simpy(python, ["orch", "5", "1000"]);
  rows.push({
    name: "ORCH-1 1,000 pipelines (wall ms)",
    ours: untraced,
    simpy: sp.wallS * 1000,
    speedup: (sp.wallS * 1000) / untraced,
    unit: "ms",
    detail: `traced: ${traced.toFixed(1)} ms, ${((sp.wallS * 1000) / traced).toFixed(2)}x; SimPy ${sp.simpy}`,
  });
  for (const pending of [1_000, 100_000]) {
    const events = 1_000_000;
    log(`peers: generator hold at ${pending} pending, ours`);
    const ours = holdOurs(pending, events, 5);
    log(`peers: generator hold at ${pending} pending, SimPy`);
    const s = simpy(python, ["hold", "3", String(pending), String(events)]);
    const simpyPerSec = s.events / s.wallS;
    rows.push({
      name: `generator hold, ${pending.toLocaleString("en-US")} pending (resumes/s)`,
      ours: ours.perSec,
      simpy: simpyPerSec,
      speedup: ours.perSec / simpyPerSec,
      unit: "events/s",
      detail: `ours ${ours.xBare.toFixed(2)} x the bare loop in this run`,
    });
  }
  return rows;
}

export function formatPeers(rows: readonly PeerRow[]): string {
  const lines = [
    `${"model".padEnd(44)} ${"ours".padStart(12)} ${"SimPy".padStart(12)} ${"x SimPy".padStart(8)}  detail`,
  ];
  for (const r of rows) {
    const fmt = (v: number) => (r.unit === "ms" ? `${v.toFixed(1)} ms` : Math.round(v).toLocaleString("en-US"));
    lines.push(
      `${r.name.padEnd(44)} ${fmt(r.ours).padStart(12)} ${fmt(r.simpy).padStart(12)} ${r.speedup.toFixed(2).padStart(8)}  ${r.detail}`,
    );
  }
  return lines.join("\n");
}

const python = findSimpy();
if (python === null) {
  process.stdout.write(
    "bench:peers compares the async toolkit with SimPy 3 and needs it: on Debian, `apt-get install python3-simpy3` " +
      "(or `pip install 'simpy<4'`). Skipped.\n",
  );
} else {
  const rows = peerBenchmarks(python, (line) => process.stderr.write(`${line}\n`));
  if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify({ node: process.version, rows })}\n`);
  else {
    process.stdout.write(`simctl bench:peers — node ${process.version}, ${python}\n`);
    process.stdout.write(`${formatPeers(rows)}\n`);
    process.stdout.write(
      "x SimPy: how many times faster than SimPy's same model in this run (warm medians). Goals (issue 22): ORCH >= 5, " +
        "hold >= 10 at 1,000 pending and >= 5 at 100,000; ours >= 0.3 x the bare loop at 100,000.\n",
    );
  }
}
