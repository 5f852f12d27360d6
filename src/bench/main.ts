// `npm run bench`: every benchmark, printed as a table of ratios against a baseline
// measured in the same run (never as pass/fail timing assertions). `--json` for machines.
// `--only=a,b` picks some: kernel (always, as the baseline of the next three), network,
// async, cluster; and two that take minutes and run only when named: scale (scale.ts) and
// soak (soak.ts).

import { kernelBenchmarks, type BenchRow } from "./kernel.js";
import { networkBenchmarks, type NetworkBenchRow } from "./network.js";
import { asyncBenchmarks } from "./async.js";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ClusterBenchResult, ClusterRunTiming, WarmTiming } from "./cluster.js";
import { formatScale, SCALE_LEGEND, scaleBenchmarks, type ScaleRowResult } from "./scale.js";
import { formatSoak, soakInChild, type SoakResult } from "./soak.js";

/** The cluster bench runs in a child process so its peak RSS is its own. */
function clusterInChild(): ClusterBenchResult {
  const script = fileURLToPath(new URL("./cluster.js", import.meta.url));
  return JSON.parse(execFileSync(process.execPath, [script], { encoding: "utf8" })) as ClusterBenchResult;
}

function printTable(title: string, rows: BenchRow[]): void {
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(
    `${"benchmark".padEnd(40)} ${"pending".padStart(8)} ${"events".padStart(10)} ${"wall ms".padStart(9)} ${"events/s".padStart(12)} ${"x bare".padStart(7)}\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `${r.name.padEnd(40)} ${String(r.pending).padStart(8)} ${String(r.events).padStart(10)} ${r.wallMs.toFixed(1).padStart(9)} ${r.eventsPerSec.toLocaleString("en-US").padStart(12)} ${(r.ratioToBare === null ? "1.00" : r.ratioToBare.toFixed(2)).padStart(7)}\n`,
    );
  }
}

function printNetwork(rows: NetworkBenchRow[], kernelHoldEventsPerSec: number): void {
  process.stdout.write(
    `\nnetwork (delivered messages/s; kernel hold-model events/s in this run: ${Math.round(kernelHoldEventsPerSec).toLocaleString("en-US")})\n`,
  );
  process.stdout.write(
    `${"benchmark".padEnd(40)} ${"delivered".padStart(10)} ${"events".padStart(10)} ${"wall ms".padStart(9)} ${"delivered/s".padStart(12)} ${"x kernel".padStart(8)}\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `${r.name.padEnd(40)} ${String(r.delivered).padStart(10)} ${String(r.events).padStart(10)} ${r.wallMs.toFixed(1).padStart(9)} ${Math.round(r.deliveredPerSec).toLocaleString("en-US").padStart(12)} ${(r.deliveredPerSec / kernelHoldEventsPerSec).toFixed(2).padStart(8)}\n`,
    );
  }
}

function printCluster(c: ClusterBenchResult, kernelHoldEventsPerSec: number): void {
  process.stdout.write(
    `\nstandard cluster (3 gates; 3 DCs x 3 managers x 10 workers; 1 job/s for 10 virtual min; then drain; goal 1,000,000 delivered msgs/s)\n`,
  );
  process.stdout.write(
    `verdict ${c.verdict}  jobs answered ${c.jobsAnswered}  events ${c.events}  delivered ${c.delivered}  trace ${c.traceHash}${c.identicalRuns ? " (every run identical)" : " (RUNS DIFFER: nondeterminism!)"}  peak RSS ${c.peakRssMb} MB\n`,
  );
  const row = (label: string, t: ClusterRunTiming, extra: string): string =>
    `${label.padEnd(40)} ${t.wallMs.toFixed(0).padStart(7)} ms ${t.deliveredPerSec.toLocaleString("en-US").padStart(10)} delivered/s ${(t.deliveredPerSec / kernelHoldEventsPerSec).toFixed(2).padStart(6)} x kernel  virtual/wall ${t.virtualPerWall}x${extra}\n`;
  const floor = (t: WarmTiming): string => `  ${t.floorMultiple.toFixed(2)} x floor`;
  process.stdout.write(row("cold (first run in a fresh process)", c.cold, ""));
  process.stdout.write(
    row(`warm (median of ${c.warm.runs} more runs)`, c.warm, `  best ${c.warm.bestWallMs} ms${floor(c.warm)}`),
  );
  if (c.untraced.runs > 0)
    process.stdout.write(
      row(
        `warm untraced (sweeps; ${c.untraced.runs} runs)`,
        c.untraced,
        `  best ${c.untraced.bestWallMs} ms${floor(c.untraced)}`,
      ),
    );
  process.stdout.write(
    `floor: one message (queue, handler, 3 draws, hashed trace record) ${c.floor.nsPerMessage} ns in this run (DESIGN.md measured 160 ns); ` +
      `x floor = ns per delivered message / floor ns, median over rounds; the goal is ${c.floor.goalFloorMultiple.toFixed(2)} x floor (1000 ns / 160 ns)\n`,
  );
}

/** The benches that take minutes: only when `--only` names them. */
async function longBenches(
  only: readonly string[],
  json: boolean,
): Promise<{ scale: ScaleRowResult[] | null; soak: SoakResult | null }> {
  const log = (line: string) => process.stderr.write(line === "" ? "" : `${line}\n`);
  const scale = only.includes("scale")
    ? await scaleBenchmarks({ instructions: !process.argv.includes("--no-instructions"), log })
    : null;
  if (scale !== null && !json) {
    process.stdout.write(
      `\nscale (issue 22): cost and memory as the cluster and its load grow\n${formatScale(scale)}\n`,
    );
    process.stdout.write(`${SCALE_LEGEND}\n`);
  }
  const soak = only.includes("soak") ? soakInChild(log) : null;
  if (soak !== null && !json)
    process.stdout.write(`\nsoak: the standard cluster for ${soak.hours} virtual hours, traced\n${formatSoak(soak)}\n`);
  return { scale, soak };
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  const only = process.argv
    .find((a) => a.startsWith("--only="))
    ?.slice("--only=".length)
    .split(",");
  const want = (name: string) => only === undefined || only.includes(name);
  if (only?.every((name) => name === "scale" || name === "soak")) {
    const long = await longBenches(only, json);
    if (json) process.stdout.write(`${JSON.stringify({ node: process.version, ...long }, null, 2)}\n`);
    return;
  }
  const kernel = kernelBenchmarks();
  const holdAt1k = kernel.find((r) => r.pending === 1_000 && r.name.startsWith("kernel hold"))!.eventsPerSec;
  const network = want("network") ? networkBenchmarks() : [];
  const asyncRows = want("async") ? asyncBenchmarks() : [];
  const cluster = want("cluster") ? clusterInChild() : null;
  if (!json) printSections(kernel, network, asyncRows, cluster, holdAt1k);
  const long = await longBenches(only ?? [], json);
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ node: process.version, kernel, network, async: asyncRows, cluster, ...long }, null, 2)}\n`,
    );
  }
}

function printSections(
  kernel: BenchRow[],
  network: NetworkBenchRow[],
  asyncRows: ReturnType<typeof asyncBenchmarks>,
  cluster: ClusterBenchResult | null,
  holdAt1k: number,
): void {
  process.stdout.write(`simctl bench — node ${process.version}\n`);
  printTable(
    "kernel (x bare = median over 5 rounds of bare time / kernel time in the same round; target >= 0.50 for the hold model)",
    kernel,
  );
  if (network.length > 0) printNetwork(network, holdAt1k);
  if (cluster !== null) printCluster(cluster, holdAt1k);
  if (asyncRows.length > 0) {
    process.stdout.write(
      `\nasync toolkit plans (events/s; x kernel = ratio to kernel hold-model events/s in this run)\n`,
    );
    for (const r of asyncRows) {
      const eps = r.events / (r.wallMs / 1000);
      process.stdout.write(
        `${r.name.padEnd(40)} ${r.wallMs.toFixed(1).padStart(9)} ms ${String(r.events).padStart(9)} events ${Math.round(eps).toLocaleString("en-US").padStart(10)} events/s ${(eps / holdAt1k).toFixed(2).padStart(6)} x kernel  ${r.detail}\n`,
      );
    }
  }
}

await main();
