// Terminal rendering of a sweep summary: totals (and, for an interrupted sweep, how far it
// got), the verdict counts, one row per failure group, and the per-seed hash digest when
// the seeds were hashed. The repro lines are printed separately, once the files exist.

import chalk from "chalk";
import { formatRange } from "../repro/seeds.js";
import { VERDICTS } from "../repro/schema.js";
import type { CoverageSummary } from "../repro/coverage-summary.js";
import type { SweepSummary } from "../repro/sweep-summary.js";
import { renderTable } from "./render.js";
import { replayCommandLine } from "./repro-output.js";

/** Marks reached, the rarest ones, those no seed reached, and those out of the scenario's reach. */
function renderCoverage(c: CoverageSummary): string[] {
  const reachable = c.declared - Object.keys(c.outOfReach).length;
  const lines = [
    "",
    `${chalk.bold("coverage")}  ${c.reached}/${reachable} marks reached${c.unreached.length === 0 ? chalk.green(" (all)") : ""}`,
  ];
  const rare = Object.entries(c.seedsPerMark)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => x - y || (a < b ? -1 : 1))
    .slice(0, 10)
    .map(([m, n]) => `${m} ${n}`);
  if (rare.length > 0) lines.push(`  rarest: ${rare.join(", ")} (seeds)`);
  if (c.unreached.length > 0) lines.push(chalk.red(`  never reached: ${c.unreached.join(" ")}`));
  const out = Object.entries(c.outOfReach).map(([m, by]) => `${m} (${by})`);
  if (out.length > 0) lines.push(chalk.dim(`  out of this scenario's reach, reached by: ${out.join(", ")}`));
  return lines;
}

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
  if (s.coverage !== undefined) lines.push(...renderCoverage(s.coverage));
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
