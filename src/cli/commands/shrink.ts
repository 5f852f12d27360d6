// `simctl shrink FILE`: minimises a failing repro (see src/repro/shrink.ts) and writes
// NAME.min.json beside it (or --out), printing the sizes before and after.

import { statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import chalk from "chalk";
import { captureRun } from "../../repro/capture.js";
import { serializeRepro, writeFileAtomic } from "../../repro/io.js";
import { DEFAULT_MAX_RUNS, ShrinkError, shrinkRepro, type ShrinkReport } from "../../repro/shrink.js";
import type { ShrinkSize } from "../../repro/shrink-size.js";
import { OptionError } from "../../scenarios/index.js";
import { lookupScenario, parsePositiveInt } from "../args.js";
import { ExitCode, UsageError } from "../exit-codes.js";
import { replayCommandLine } from "../repro-output.js";
import { loadRepro } from "./replay.js";

export interface ShrinkFlags {
  out?: string;
  maxRuns?: string;
  json?: boolean;
}

export function minimisedPath(path: string): string {
  const name = basename(path).replace(/(\.min)?\.json$/i, "");
  return join(dirname(path), `${name}.min.json`);
}

export function shrinkCommand(path: string, flags: ShrinkFlags): number {
  const repro = loadRepro(path);
  const scenario = lookupScenario(repro.scenario);
  const maxRuns = flags.maxRuns === undefined ? DEFAULT_MAX_RUNS : parsePositiveInt(flags.maxRuns, "--max-runs");
  let report: ShrinkReport;
  try {
    report = shrinkRepro(scenario, repro, maxRuns);
  } catch (error) {
    if (error instanceof ShrinkError || error instanceof OptionError)
      throw new UsageError(`cannot shrink ${path}: ${error.message}`);
    throw error;
  }
  const { repro: minimal } = captureRun(scenario, report.request, "shrink");
  const text = serializeRepro(minimal);
  const out = flags.out ?? minimisedPath(path);
  writeFileAtomic(out, text);
  const bytes = { before: statSync(path).size, after: Buffer.byteLength(text) };
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ file: path, out, signature: report.signature, runs: report.runs, budgetExhausted: report.budgetExhausted, before: { ...report.before, bytes: bytes.before }, after: { ...report.after, bytes: bytes.after }, log: report.log })}\n`,
    );
  } else {
    process.stdout.write(`${renderShrink(path, out, report, bytes).join("\n")}\n`);
  }
  return ExitCode.Pass;
}

function renderShrink(path: string, out: string, r: ShrinkReport, bytes: { before: number; after: number }): string[] {
  const lines = [`${chalk.bold("shrink")}    ${path}`, `${chalk.bold("signature")} ${r.signature}`];
  lines.push(
    `${chalk.bold("runs")}      ${r.runs}${r.budgetExhausted ? chalk.yellow(" (budget spent: the result is smaller, not minimal; raise --max-runs)") : ""}`,
  );
  for (const step of r.log) lines.push(`  ${chalk.dim("·")} ${step}`);
  const rows = sizeRows(r.before, r.after, bytes);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  lines.push(chalk.bold(`${"size".padEnd(width + 2)}${"before".padEnd(14)}after`));
  for (const [label, a, b] of rows) lines.push(`  ${label.padEnd(width)}${a.padEnd(14)}${b}`);
  lines.push(`${chalk.bold("wrote")}     ${out}`);
  lines.push(`${chalk.bold("replay")}    ${replayCommandLine(out)}`);
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
