// Terminal rendering of a sweep summary: totals (and, for an interrupted sweep, how far it
// got), the verdict counts, one row per failure group, and the per-seed hash digest when
// the seeds were hashed. The repro lines are printed separately, once the files exist.

import chalk from "chalk";
import { formatRange } from "../repro/seeds.js";
import { VERDICTS } from "../repro/schema.js";
import type { SweepSummary } from "../repro/sweep-summary.js";
import { renderTable } from "./render.js";
import { replayCommandLine } from "./repro-output.js";

export function renderSweep(s: SweepSummary, threads: number | null): string[] {
  const secs = s.wallMs / 1000;
  const rate = secs > 0 ? (s.seedsRun / secs).toFixed(1) : "-";
  const shard = s.shardCount > 1 ? ` shard ${s.shards.join(",")}/${s.shardCount}` : "";
  const lines = [
    `${chalk.bold("sweep")}  ${s.scenario}  seeds ${formatRange(s.seeds)}${shard}${threads === null ? "" : `  -j ${threads}`}`,
  ];
  if (s.interrupted === true)
    lines.push(
      chalk.yellow(
        `INTERRUPTED after ${s.seedsRun} of ${s.planned ?? "?"} seeds: this summary covers only the seeds that finished`,
      ),
    );
  const groups = s.groups.length;
  const failed =
    s.failed > 0
      ? chalk.red(`${s.failed} failed in ${groups} group${groups === 1 ? "" : "s"}`)
      : chalk.green("0 failed");
  lines.push(`${s.seedsRun} seeds in ${secs.toFixed(1)} s (${rate} seeds/s): ${s.passed} passed, ${failed}`);
  const counts = VERDICTS.filter((v) => v !== "pass" && (s.verdicts[v] ?? 0) > 0).map((v) => `${v} ${s.verdicts[v]}`);
  if (counts.length > 0) lines.push(`verdicts: ${counts.join(", ")}`);
  if (s.traceHashes !== undefined)
    lines.push(`trace hashes: ${s.traceHashes.seeds.length} seeds, digest ${s.traceHashes.digest} (--json lists them)`);
  if (groups === 0) return lines;
  const rows = s.groups.map((g) => ({
    count: g.count,
    check: g.check,
    message: g.template,
    role: g.role,
    "fastest seed": `${g.fastest.seed} (${g.fastest.events} events)`,
    seeds: g.seeds.slice(0, 5).join(",") + (g.count > 5 ? ",…" : ""),
  }));
  lines.push("", ...renderTable(rows));
  return lines;
}

/** The repro files a sweep wrote, as replay commands. */
export function renderReproLines(paths: readonly string[], force: boolean): string[] {
  return [
    "",
    chalk.bold("repro files (fastest seed of each group):"),
    ...paths.map((p) => `  ${replayCommandLine(p, force)}`),
  ];
}
