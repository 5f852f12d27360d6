// `simctl sweep-merge FILES...`: combines the JSON summaries of a sharded sweep into one.
// A broken CI matrix must not turn green: when shards are missing or a shard's sweep was
// interrupted, the merged summary is still printed but the exit is 2, unless
// --allow-partial (then the verdicts decide). Overlapping shards are always an error.

import chalk from "chalk";
import { mergeSummaries, parseSweepSummary, SweepMergeError, type MergeResult } from "../../repro/sweep-merge.js";
import { VERDICTS } from "../../repro/schema.js";
import type { SweepSummary } from "../../repro/sweep-summary.js";
import { ExitCode, exitCodeFor, UsageError, worstExit } from "../exit-codes.js";
import { readInputFile } from "../files.js";
import { renderSweep } from "../render-sweep.js";

export function sweepMergeCommand(files: string[], flags: { json?: boolean; allowPartial?: boolean }): number {
  let merged: MergeResult;
  let summaries: SweepSummary[] = [];
  try {
    summaries = files.map((source) => parseSweepSummary(readInputFile(source, "sweep summary"), source));
    merged = mergeSummaries(files.map((source, i) => ({ source, summary: summaries[i]! })));
  } catch (error) {
    if (error instanceof SweepMergeError) throw new UsageError(error.message);
    throw error;
  }
  const { summary, missingShards, interrupted } = merged;
  const codes = new Set(summaries.map((s) => s.source?.codeHash ?? "unknown"));
  if (codes.size > 1)
    process.stderr.write(
      `simctl: warning: the shards were run by different code (${[...codes].join(", ")}): their verdicts may not agree\n`,
    );
  const partial = missingShards.length > 0 || interrupted.length > 0;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...summary, missingShards, interruptedInputs: interrupted }, null, 2)}\n`);
  } else {
    const lines = renderSweep(summary, null);
    lines.splice(
      1,
      0,
      `merged ${files.length} summar${files.length === 1 ? "y" : "ies"}: shards ${summary.shards.join(",")} of ${summary.shardCount}`,
    );
    if (missingShards.length > 0)
      lines.push(chalk.yellow(`missing shards: ${missingShards.join(", ")} (their seeds were not run)`));
    if (interrupted.length > 0) lines.push(chalk.yellow(`interrupted (partial) inputs: ${interrupted.join(", ")}`));
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  const verdicts = VERDICTS.filter((v) => summary.verdicts[v] > 0).map(exitCodeFor);
  if (partial && flags.allowPartial !== true) {
    process.stderr.write(
      "simctl: error: the merged sweep is incomplete (missing or interrupted shards); pass --allow-partial to accept it\n",
    );
    return worstExit(ExitCode.Usage, ...verdicts);
  }
  return worstExit(...verdicts);
}
