// `simctl replay FILE`: reruns a repro file and says IDENTICAL, or DIVERGED with the first
// divergent checkpoint and the first differing event on both sides. A divergence is
// NONDETERMINISTIC (exit 4) only when the file was written by the code now running; when
// the code changed since, it says so and whether the recorded failure still occurs. The
// exit code is then the replay's own verdict: 0 only when it passes (identical to a
// passing run, or the failure is gone), 1 or 3 while it still fails. A repro of a hang or
// an out-of-memory seed reruns on a guarded worker under the recorded limit.

import chalk from "chalk";
import { readRepro } from "../../repro/io.js";
import { replayRepro, type ReplayReport } from "../../repro/replay.js";
import { ReproFormatError, type ReproFile } from "../../repro/schema.js";
import type { ScenarioDef } from "../../scenarios/index.js";
import { sourceIdentity } from "../../repro/source.js";
import { sourceLine } from "../render-source.js";
import { lookupScenario, parsePositiveInt, preflightOptions } from "../args.js";
import { ExitCode, exitCodeFor, UsageError, worstExit } from "../exit-codes.js";
import { differenceJson, renderDivergence } from "../render-divergence.js";
import { verdictLabel } from "../render.js";
import { replayUnfinished } from "../replay-unfinished.js";
import { requestOf } from "../../repro/capture.js";
import { replayCommandLine } from "../repro-output.js";
import { writeRunHtml } from "../view-output.js";
import { checkOutputFile, fileError, fileReason } from "../files.js";

export interface ReplayFlags {
  json?: boolean;
  force?: boolean;
  /** TEST-ONLY hidden flag: perturb the replay's trace at this record. */
  testPerturbAt?: string;
  /** Also write the replayed run's diagram here (`simctl view`'s page). */
  html?: string;
}

export function loadRepro(path: string): ReproFile {
  try {
    return readRepro(path);
  } catch (error) {
    if (error instanceof ReproFormatError) throw new UsageError(error.message);
    throw error;
  }
}

/** The repro's scenario and options, checked against today's schema before anything runs. */
export function checkReproInputs(path: string, repro: ReproFile, force: boolean, verb: string) {
  const scenario = lookupScenario(repro.scenario);
  try {
    preflightOptions(scenario, repro.options, force);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`cannot ${verb} ${path}: ${error.message}`);
    throw error;
  }
  return scenario;
}

export async function replayCommand(path: string, flags: ReplayFlags): Promise<number> {
  const repro = loadRepro(path);
  const scenario = checkReproInputs(path, repro, flags.force === true, "replay");
  if (flags.html !== undefined) checkOutputFile(flags.html);
  if (repro.verdict === "hang" || repro.verdict === "oom") return replayUnfinished(path, scenario, repro, flags);
  const options =
    flags.testPerturbAt === undefined
      ? {}
      : { testPerturbAtRecord: parsePositiveInt(flags.testPerturbAt, "--test-perturb-at") };
  const report = replayRepro(scenario, repro, { ...options, force: flags.force === true });
  process.stdout.write(
    flags.json
      ? `${JSON.stringify(replayJson(path, repro, report))}\n`
      : `${renderReplay(path, repro, report).join("\n")}\n`,
  );
  const html = flags.html === undefined ? ExitCode.Pass : writeHtml(path, scenario, repro, report, flags);
  return worstExit(replayExit(report), html);
}

export function replayExit(r: Pick<ReplayReport, "nondeterministic" | "result">): ExitCode {
  return worstExit(r.nondeterministic ? ExitCode.Determinism : ExitCode.Pass, exitCodeFor(r.result.verdict));
}

/** The replayed run's diagram (`--html`), after the report; a file error is one line, exit 74. */
function writeHtml(
  path: string,
  scenario: ScenarioDef,
  repro: ReproFile,
  report: ReplayReport,
  flags: ReplayFlags,
): ExitCode {
  const out = flags.html!;
  const request = requestOf(repro);
  if (flags.force === true) request.force = true;
  let lines: string[];
  try {
    lines = writeRunHtml(scenario, request, report.result, out, replayCommandLine(path));
  } catch (error) {
    if (fileReason(error) === null) throw error;
    process.stderr.write(`simctl: error: ${fileError("write", out, error).message}\n`);
    return ExitCode.IoError;
  }
  for (const line of lines) (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
  return ExitCode.Pass;
}

function renderReplay(path: string, repro: ReproFile, r: ReplayReport): string[] {
  const lines = [`${chalk.bold("replay")}    ${path}`];
  lines.push(`${chalk.bold("scenario")}  ${repro.scenario} seed ${repro.seed}`);
  lines.push(`${chalk.bold("source")}    ${sourceLine(repro)}`);
  lines.push(
    `${chalk.bold("recorded")}  ${verdictLabel(repro.verdict)}  trace ${repro.traceHash}  ${repro.events} events`,
  );
  lines.push(
    `${chalk.bold("replayed")}  ${verdictLabel(r.result.verdict)}  trace ${r.result.traceHash}  ${r.result.events} events`,
  );
  if (repro.signature !== null) lines.push(`${chalk.bold("signature")} ${repro.signature}`);
  if (r.window === null) {
    lines.push(chalk.green.bold("IDENTICAL"));
    return lines;
  }
  lines.push(chalk.red.bold(r.nondeterministic ? "DIVERGED: NONDETERMINISTIC" : "DIVERGED: CODE CHANGED"));
  lines.push(...renderDivergence(r.window, r.difference, r.note, { a: "recorded", b: "replay" }));
  if (r.nondeterministic)
    lines.push(
      chalk.red("the same code wrote this file and replayed it, and the traces differ: the run is not deterministic"),
    );
  else lines.push(`code changed since the repro was written: ${outcomeLine(repro, r)}`);
  return lines;
}

function outcomeLine(repro: ReproFile, r: ReplayReport): string {
  if (repro.signature === null) return r.sameOutcome ? "the run still passes" : "the run no longer passes";
  if (r.sameOutcome) return "the same violation signature still occurs";
  return r.result.verdict === "pass"
    ? "the run now passes (the recorded violation no longer occurs)"
    : "the recorded violation no longer occurs, but the run fails differently";
}

function replayJson(path: string, repro: ReproFile, r: ReplayReport): Record<string, unknown> {
  return {
    file: path,
    scenario: repro.scenario,
    seed: repro.seed,
    status: r.identical ? "identical" : r.nondeterministic ? "nondeterministic" : "code-changed",
    codeChanged: r.codeChanged,
    recorded: {
      simctlVersion: repro.simctlVersion,
      source: repro.source ?? null,
      verdict: repro.verdict,
      traceHash: repro.traceHash,
      events: repro.events,
      signature: repro.signature,
    },
    replayed: {
      source: sourceIdentity(),
      verdict: r.result.verdict,
      traceHash: r.result.traceHash,
      events: r.result.events,
      violations: r.result.violations,
    },
    sameOutcome: r.sameOutcome,
    divergence: differenceJson(r.window, r.difference, r.note),
    exitCode: replayExit(r),
  };
}
