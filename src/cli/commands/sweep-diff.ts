// `simctl sweep-diff A.json B.json`: names the seeds whose trace hashes differ between two
// sweeps run with --trace-hashes --json (two machines, two Node versions, two builds).
// Exit 0 when every seed both hashed agrees, 4 when one differs, 2 for unusable input.

import chalk from "chalk";
import { diffHashes, type HashDiff } from "../../repro/sweep-diff.js";
import { parseSweepSummary, sameSweepSettings, SweepMergeError } from "../../repro/sweep-merge.js";
import type { SweepSummary } from "../../repro/sweep-summary.js";
import type { TraceHashes } from "../../repro/sweep-sections.js";
import { describeSource } from "../../repro/source.js";
import { ExitCode, UsageError } from "../exit-codes.js";
import { readInputFile } from "../files.js";

const SHOWN = 20;

export function sweepDiffCommand(a: string, b: string, flags: { json?: boolean }): number {
  const left = load(a);
  const right = load(b);
  if (!sameSweepSettings(left.summary, right.summary))
    throw new UsageError(`${a} and ${b} are different sweeps (scenario, options and limits must match)`);
  const diff = diffHashes(left.hashes, right.hashes);
  if (diff.common === 0) throw new UsageError(`${a} and ${b} have no seed in common`);
  if (flags.json) {
    const side = (s: SweepSummary, h: TraceHashes) => ({
      digest: h.digest,
      seeds: h.seeds.length,
      node: s.node ?? null,
      source: s.source ?? null,
    });
    process.stdout.write(
      `${JSON.stringify({ a: { file: a, ...side(left.summary, left.hashes) }, b: { file: b, ...side(right.summary, right.hashes) }, ...diff, identical: diff.differ.length === 0 })}\n`,
    );
  } else {
    process.stdout.write(`${render(a, b, left.summary, right.summary, diff).join("\n")}\n`);
  }
  return diff.differ.length === 0 ? ExitCode.Pass : ExitCode.Determinism;
}

function load(path: string): { summary: SweepSummary; hashes: TraceHashes } {
  let summary: SweepSummary;
  try {
    summary = parseSweepSummary(readInputFile(path, "sweep summary"), path);
  } catch (error) {
    if (error instanceof SweepMergeError) throw new UsageError(error.message);
    throw error;
  }
  if (summary.traceHashes === undefined)
    throw new UsageError(`${path} has no per-seed hashes: write it with sweep --trace-hashes --json`);
  return { summary, hashes: summary.traceHashes };
}

function render(a: string, b: string, left: SweepSummary, right: SweepSummary, d: HashDiff): string[] {
  const who = (s: SweepSummary) =>
    `${s.node ?? "node ?"}${s.source === undefined ? "" : `, ${describeSource(s.source)}`}`;
  const lines = [`${chalk.bold("a")}  ${a}  (${who(left)})`, `${chalk.bold("b")}  ${b}  (${who(right)})`];
  if (d.differ.length === 0) lines.push(chalk.green(`${d.common} seeds compared: every trace hash is the same`));
  else {
    lines.push(chalk.red(`${d.differ.length} of ${d.common} seeds differ:`));
    for (const x of d.differ.slice(0, SHOWN)) lines.push(`  seed ${x.seed}  ${x.a}  ${x.b}`);
    if (d.differ.length > SHOWN) lines.push(`  … and ${d.differ.length - SHOWN} more (--json lists them all)`);
  }
  if (d.onlyA.length > 0) lines.push(chalk.dim(`${d.onlyA.length} seeds only in a`));
  if (d.onlyB.length > 0) lines.push(chalk.dim(`${d.onlyB.length} seeds only in b`));
  return lines;
}
