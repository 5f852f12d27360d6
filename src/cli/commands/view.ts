// `simctl view <repro.json | scenario --seed N | trace.jsonl>`: a space-time diagram of a
// run as one self-contained HTML file (`--out`), or with `--text` one line per event
// (`--job J`: that job's whole life). A repro or a scenario seed is re-executed with the
// viewer's recorder attached, so the page has every payload and no trace need have been
// kept; the rerun's trace hash is checked against the recording. A JSONL trace is read
// as it is (no payloads). `run … --html FILE` and `replay … --html FILE` use writeRunHtml.

import { existsSync, statSync } from "node:fs";
import { basename } from "node:path";
import chalk from "chalk";
import { requestOf } from "../../repro/capture.js";
import { buildPage, writePage } from "../../view/build.js";
import { importTrace, TraceFormatError } from "../../view/import-trace.js";
import { decodeRun, encodeRun, type EncodeInput } from "../../view/model/codec.js";
import { timeline } from "../../view/text.js";
import { lookupScenario } from "../args.js";
import { ExitCode, UsageError } from "../exit-codes.js";
import { replayCommandLine } from "../repro-output.js";
import { describePage, recordSource, runCommandLine, type ViewSource } from "../view-output.js";
import { loadRepro } from "./replay.js";
import { buildRequest, type RequestFlags } from "../run-request.js";

export interface ViewFlags extends Pick<RequestFlags, "seed" | "set" | "maxEvents" | "maxTime" | "faults"> {
  out?: string;
  job?: string;
  text?: boolean;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function resolveSource(target: string, flags: ViewFlags): ViewSource {
  if (target.endsWith(".jsonl")) {
    try {
      const input = importTrace(target);
      return { input, defaultOut: `${basename(target, ".jsonl")}.html`, warnings: [] };
    } catch (error) {
      if (error instanceof TraceFormatError) throw new UsageError(error.message);
      throw error;
    }
  }
  if (target.endsWith(".json") || isFile(target)) {
    const repro = loadRepro(target);
    const scenario = lookupScenario(repro.scenario);
    return recordSource(scenario, requestOf(repro), replayCommandLine(target), repro.traceHash);
  }
  const scenario = lookupScenario(target);
  const { request } = buildRequest(scenario, flags);
  if (flags.seed === undefined) process.stderr.write(`no --seed given; using random seed ${request.seed}\n`);
  return recordSource(scenario, request, runCommandLine(scenario.id, request.seed, flags), null);
}

/** A job the run does not have is a mistake in what was typed: say which jobs it has. */
function checkJob(input: EncodeInput, job: string | null): void {
  if (job === null || input.header.jobs.includes(job)) return;
  const some = input.header.jobs.slice(0, 8).join(", ");
  throw new UsageError(
    `no job "${job}" in this run${some === "" ? " (it has no jobs)" : `; its jobs include ${some}`}`,
  );
}

/** Prints the run's events (or one job's) one line each. */
function printTimeline(input: EncodeInput, job: string | null): void {
  const run = decodeRun(encodeRun(input));
  const lines = timeline(run, job);
  process.stdout.write(lines.length === 0 ? "(no events)\n" : `${lines.join("\n")}\n`);
}

export function viewCommand(target: string, flags: ViewFlags): number {
  const source = resolveSource(target, flags);
  for (const w of source.warnings) process.stderr.write(`${chalk.yellow("warning:")} ${w}\n`);
  const job = flags.job ?? null;
  checkJob(source.input, job);
  if (flags.text === true) printTimeline(source.input, job);
  if (flags.text !== true || flags.out !== undefined) {
    const path = flags.out ?? source.defaultOut;
    const page = buildPage(source.input, { job });
    writePage(path, page);
    (flags.text === true ? process.stderr : process.stdout).write(`${describePage(path, page)}\n`);
  }
  return ExitCode.Pass;
}
