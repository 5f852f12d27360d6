// `simctl shrink FILE`: minimises a failing repro (see src/repro/shrink.ts) and writes
// NAME.min.json beside it (or --out), printing the sizes before and after.

import { statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import chalk from "chalk";
import { captureRun } from "../../repro/capture.js";
import { sourceIdentity } from "../../repro/source.js";
import { serializeRepro } from "../../repro/io.js";
import { DEFAULT_MAX_RUNS, ShrinkError, shrinkRepro, type ShrinkReport } from "../../repro/shrink.js";
import type { ShrinkSize } from "../../repro/shrink-size.js";
import { OptionError } from "../../scenarios/index.js";
import { parsePositiveInt } from "../args.js";
import { ExitCode, FileError, UsageError } from "../exit-codes.js";
import { checkOutputFile, writeOutputFile } from "../files.js";
import { replayCommandLine } from "../repro-output.js";
import { checkReproInputs, loadRepro } from "./replay.js";

export interface ShrinkFlags {
  out?: string;
  maxRuns?: string;
  json?: boolean;
  force?: boolean;
}

export function minimisedPath(path: string): string {
  const name = basename(path).replace(/(\.min)?\.json$/i, "");
  return join(dirname(path), `${name}.min.json`);
}

export function shrinkCommand(path: string, flags: ShrinkFlags): number {
  const repro = loadRepro(path);
  const scenario = checkReproInputs(path, repro, flags.force === true, "shrink");
  const maxRuns = flags.maxRuns === undefined ? DEFAULT_MAX_RUNS : parsePositiveInt(flags.maxRuns, "--max-runs");
  // The output path is checked before the (possibly long) shrink, not after it.
  const out = flags.out ?? minimisedPath(path);
  checkOutputFile(out);
  let report: ShrinkReport;
  try {
    report = shrinkRepro(scenario, repro, maxRuns, flags.force === true);
  } catch (error) {
    if (error instanceof ShrinkError || error instanceof OptionError)
      throw new UsageError(`cannot shrink ${path}: ${error.message}`);
    throw error;
  }
  const { repro: minimal } = captureRun(scenario, report.request, "shrink");
  const text = serializeRepro(minimal);
  const bytes = { before: statSync(path).size, after: Buffer.byteLength(text) };
  printShrink(path, out, report, bytes, flags.json === true);
  try {
    writeOutputFile(out, text);
  } catch (error) {
    if (!(error instanceof FileError)) throw error;
    process.stderr.write(`simctl: error: ${error.message}\n`);
    return error.exitCode;
  }
  if (!flags.json)
    process.stdout.write(`${chalk.bold("wrote")}     ${out}\n${chalk.bold("replay")}    ${replayCommandLine(out)}\n`);
  return ExitCode.Pass;
}

function printShrink(
  path: string,
  out: string,
  report: ShrinkReport,
  bytes: { before: number; after: number },
  json: boolean,
): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ file: path, out, signature: report.signature, runs: report.runs, budgetExhausted: report.budgetExhausted, before: { ...report.before, bytes: bytes.before }, after: { ...report.after, bytes: bytes.after }, log: report.log, source: sourceIdentity() })}\n`,
    );
  } else {
    process.stdout.write(`${renderShrink(path, report, bytes).join("\n")}\n`);
  }
}

function renderShrink(path: string, r: ShrinkReport, bytes: { before: number; after: number }): string[] {
  const lines = [`${chalk.bold("shrink")}    ${path}`, `${chalk.bold("signature")} ${r.signature}`];
  lines.push(
    `${chalk.bold("runs")}      ${r.runs}${r.budgetExhausted ? chalk.yellow(" (budget spent: the result is smaller, not minimal; raise --max-runs)") : ""}`,
  );
  for (const step of r.log) lines.push(`  ${chalk.dim("·")} ${step}`);
  const rows = sizeRows(r.before, r.after, bytes);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  lines.push(chalk.bold(`${"size".padEnd(width + 2)}${"before".padEnd(14)}after`));
  for (const [label, a, b] of rows) lines.push(`  ${label.padEnd(width)}${a.padEnd(14)}${b}`);
  return lines;
}

function sizeRows(a: ShrinkSize, b: ShrinkSize, bytes: { before: number; after: number }): [string, string, string][] {
  const rows: [string, string, string][] = [
    ["fault steps", String(a.faultSteps), String(b.faultSteps)],
    ["fault ms", String(a.faultDurationMs), String(b.faultDurationMs)],
  ];
  for (const key of Object.keys(a.workload)) rows.push([key, String(a.workload[key]), String(b.workload[key])]);
  rows.push(
    ["events", String(a.events), String(b.events)],
    ["virtual us", String(a.virtualTimeUs), String(b.virtualTimeUs)],
    ["file bytes", String(bytes.before), String(bytes.after)],
  );
  return rows;
}
