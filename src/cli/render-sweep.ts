// Terminal rendering of a sweep summary: totals, then one row per failure group.

import chalk from "chalk";
import { formatRange } from "../repro/seeds.js";
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
  const groups = s.groups.length;
  const failed =
    s.failed > 0
      ? chalk.red(`${s.failed} failed in ${groups} group${groups === 1 ? "" : "s"}`)
      : chalk.green("0 failed");
  lines.push(`${s.seedsRun} seeds in ${secs.toFixed(1)} s (${rate} seeds/s): ${s.passed} passed, ${failed}`);
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
  const repros = s.groups.filter((g) => g.repro !== null);
  if (repros.length > 0) {
    lines.push("", chalk.bold("repro files (fastest seed of each group):"));
    for (const g of repros) lines.push(`  ${replayCommandLine(g.repro!)}`);
  }
  return lines;
}
