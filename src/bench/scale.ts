// `npm run bench -- --only=scale`: how cost and memory grow with the cluster and its load
// (issue 22), as a table of rows measured in one run against the standard cluster's row.
//
// Each row runs in a child process of its own (scale-run.ts), so its peak RSS is its own:
// a cold run (peak RSS, RSS samples, jobs in flight) and then a warm one (wall time; the
// first run of a process pays V8's warm-up). Every run is untraced, as sweeps run.
//
// Instructions per delivered message come from cachegrind (instructions.ts), which this
// machine's noise cannot move. A row's count is marginal, from two processes that each run
// the standard cluster first (so the JIT is warm) and then the row for a short and a longer
// virtual length: (I_long - I_short) / (delivered_long - delivered_short). The standard
// row's own figure is a whole warm run: the standard cluster twice minus once. Counting
// takes minutes; --no-instructions skips it, and so does a machine without valgrind.

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { STANDARD_OPTIONS } from "./cluster.js";
import { countNodeInstructions, InstructionCountError } from "./instructions.js";
import type { ScaleOptions, ScaleRunResult } from "./scale-run.js";

export interface ScaleRow {
  name: string;
  options: ScaleOptions;
  /** Virtual minutes of the two counted runs; [0, n] counts a whole warm run of n minutes. */
  instructionMinutes: [number, number];
}

export const SCALE_ROWS: readonly ScaleRow[] = [
  { name: "standard cluster", options: STANDARD_OPTIONS, instructionMinutes: [0, 10] },
  {
    name: "3 DCs x 1,000 workers",
    options: { ...STANDARD_OPTIONS, workersPerDc: 1000 },
    instructionMinutes: [1, 2],
  },
  {
    name: "10 DCs x 100 workers",
    options: { ...STANDARD_OPTIONS, dcs: 10, workersPerDc: 100 },
    instructionMinutes: [1, 2],
  },
  {
    name: "standard at 100 jobs/s",
    options: { ...STANDARD_OPTIONS, jobsPerSecond: 100 },
    instructionMinutes: [1, 2],
  },
];

export interface ScaleRowResult extends ScaleRunResult {
  name: string;
  /** Instructions per delivered message, or null when not counted. */
  instructionsPerMessage: number | null;
  instructionMinutes: [number, number];
}

const SCRIPT = fileURLToPath(new URL("./scale-run.js", import.meta.url));

function optionArgs(o: ScaleOptions): string[] {
  return Object.entries(o).map(([k, v]) => `--${k}=${v}`);
}

function runRow(row: ScaleRow, minutes: number | null): ScaleRunResult {
  const options = minutes === null ? row.options : { ...row.options, virtualMinutes: minutes };
  const out = execFileSync(process.execPath, [SCRIPT, "--warm", ...optionArgs(options)], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as ScaleRunResult;
}

/** One counted process: the standard cluster, then the row for `minutes` (none when 0). */
async function counted(row: ScaleRow, minutes: number): Promise<{ instructions: number; delivered: number }> {
  const rowArgs = minutes === 0 ? ["--no-row"] : optionArgs({ ...row.options, virtualMinutes: minutes });
  const { instructions, stdout } = await countNodeInstructions(
    [SCRIPT, "--warm-up", ...rowArgs],
    `${row.name} (${minutes} min)`,
  );
  return { instructions, delivered: (JSON.parse(stdout) as { delivered: number }).delivered };
}

async function instructionsPerMessage(row: ScaleRow): Promise<number> {
  const [short, long] = row.instructionMinutes;
  const [a, b] = await Promise.all([counted(row, short), counted(row, long)]);
  return Math.round((b.instructions - a.instructions) / (b.delivered - a.delivered));
}

export async function scaleBenchmarks(
  options: { instructions?: boolean; rows?: readonly ScaleRow[]; minutes?: number; log?: (line: string) => void } = {},
): Promise<ScaleRowResult[]> {
  const log = options.log ?? (() => {});
  const rows = options.rows ?? SCALE_ROWS;
  const results: ScaleRowResult[] = [];
  let counting = options.instructions ?? true;
  for (const row of rows) {
    log(`scale: ${row.name}: wall and memory`);
    const measured = runRow(row, options.minutes ?? null);
    let perMessage: number | null = null;
    if (counting) {
      log(`scale: ${row.name}: instructions (cachegrind, minutes ${row.instructionMinutes.join(" and ")})`);
      try {
        perMessage = await instructionsPerMessage(row);
      } catch (error) {
        if (!(error instanceof InstructionCountError)) throw error;
        log(`scale: no instruction counts: ${error.message}`);
        counting = false;
      }
    }
    results.push({
      ...measured,
      name: row.name,
      instructionsPerMessage: perMessage,
      instructionMinutes: row.instructionMinutes,
    });
  }
  return results;
}

function ratio(value: number | null, base: number | null): string {
  return value === null || base === null || base === 0 ? "-" : (value / base).toFixed(2);
}

/** The table `npm run bench -- --only=scale` prints. */
export function formatScale(rows: readonly ScaleRowResult[]): string {
  const base = rows[0];
  const nsPerMessage = (r: ScaleRowResult): number => ((r.warmWallMs ?? r.coldWallMs) * 1e6) / r.delivered;
  const lines = [
    `${"row".padEnd(24)} ${"nodes".padStart(6)} ${"jobs/s".padStart(6)} ${"v.min".padStart(5)} ${"delivered".padStart(10)} ${"verdict".padStart(8)} ${"wall ms".padStart(8)} ${"ns/msg".padStart(7)} ${"x std".padStart(6)} ${"instr/msg".padStart(9)} ${"x std".padStart(6)} ${"peak RSS".padStart(8)} ${"KB/node".padStart(8)} ${"live jobs".padStart(9)} ${"KB/live job".padStart(11)}`,
  ];
  for (const r of rows) {
    const above = (r.peakRssMb - r.idleRssMb) * 1024;
    lines.push(
      `${r.name.padEnd(24)} ${String(r.nodes).padStart(6)} ${String(r.options.jobsPerSecond).padStart(6)} ${String(r.options.virtualMinutes).padStart(5)} ${r.delivered.toLocaleString("en-US").padStart(10)} ${r.verdict.padStart(8)} ${String(r.warmWallMs ?? r.coldWallMs).padStart(8)} ${nsPerMessage(r).toFixed(0).padStart(7)} ${ratio(nsPerMessage(r), base === undefined ? null : nsPerMessage(base)).padStart(6)} ${(r.instructionsPerMessage?.toLocaleString("en-US") ?? "-").padStart(9)} ${ratio(r.instructionsPerMessage, base?.instructionsPerMessage ?? null).padStart(6)} ${`${r.peakRssMb} MB`.padStart(8)} ${(above / r.nodes).toFixed(1).padStart(8)} ${String(r.peakLiveJobs).padStart(9)} ${(r.peakLiveJobs === 0 ? "-" : (above / r.peakLiveJobs).toFixed(1)).padStart(11)}`,
    );
  }
  return lines.join("\n");
}

export const SCALE_LEGEND =
  "untraced runs; wall ms and ns/msg: a warm run (the second in the row's own process); instr/msg: instructions per delivered message under cachegrind " +
  "with the JIT warmed by a standard-cluster run, marginal between the two virtual lengths of each row (the standard row: a whole warm run); " +
  "peak RSS: the process's high-water mark after the cold run; KB/node and KB/live job: peak RSS above the idle process (before any run) " +
  "divided by the nodes, and by the most jobs in flight at a sample (every 10 virtual s). x std: ratio to the standard cluster's row in this run.";
