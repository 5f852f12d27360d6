// `simctl sweep-merge FILES...`: combines the JSON summaries of a sharded sweep into
// one, and says which shards are missing. Exit 1 if any seed failed.

import { readFileSync } from "node:fs";
import chalk from "chalk";
import { mergeSummaries, parseSweepSummary, SweepMergeError, type MergeResult } from "../../repro/sweep-merge.js";
import { ExitCode, UsageError } from "../exit-codes.js";
import { renderSweep } from "../render-sweep.js";

export function sweepMergeCommand(files: string[], flags: { json?: boolean }): number {
  let merged: MergeResult;
  try {
    merged = mergeSummaries(files.map((source) => ({ source, summary: parseSweepSummary(readText(source), source) })));
  } catch (error) {
    if (error instanceof SweepMergeError) throw new UsageError(error.message);
    throw error;
  }
  const { summary, missingShards } = merged;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...summary, missingShards }, null, 2)}\n`);
  } else {
    const lines = renderSweep(summary, null);
    lines.splice(
      1,
      0,
      `merged ${files.length} summar${files.length === 1 ? "y" : "ies"}: shards ${summary.shards.join(",")} of ${summary.shardCount}`,
    );
    if (missingShards.length > 0)
      lines.push(chalk.yellow(`missing shards: ${missingShards.join(", ")} (their seeds were not run)`));
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  return summary.failed > 0 ? ExitCode.CheckFailed : ExitCode.Pass;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === "ENOENT" ? `no such file: ${path}` : `cannot read ${path}: ${code ?? String(error)}`);
  }
}
