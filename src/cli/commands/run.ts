// `simctl run <scenario>`: one run, rendered for a person or as one JSON object.
//
// Order of work, so that nothing the run found is lost: check every output path first
// (a bad --trace or --repro-dir is refused before the run, exit 74); run on a guarded
// worker thread (Ctrl-C stops it mid-event; on a terminal a progress line shows virtual
// time and events/s); print the report; only then put the trace file in place and write
// the repro. A file error after the report is one line on stderr and exit 74.

import { DEFAULT_REPRO_DIR } from "../../repro/io.js";
import { sourceIdentity } from "../../repro/source.js";
import {
  DEFAULT_MAX_EVENTS,
  DEFAULT_MAX_TIME_US,
  type RunRequest,
  type RunResult,
  type ScenarioDef,
} from "../../scenarios/index.js";
import { lookupScenario } from "../args.js";
import { ExitCode, exitCodeFor, FileError, worstExit } from "../exit-codes.js";
import { checkOutputFile, checkOutputFolder, fileError, fileReason } from "../files.js";
import { guardedRun, type GuardedOutcome } from "../guarded-run.js";
import { catchInterrupts } from "../interrupt.js";
import { runLine, StatusLine } from "../progress.js";
import { renderRun } from "../render.js";
import { captureRepro, plannedReproPath, replayCommandLine, writeRepro } from "../repro-output.js";
import { buildRequest, type RequestFlags } from "../run-request.js";
import { appendInterrupted, planTraceFile, settleTraceFile, type TracePlan } from "../trace-file.js";
import { runCommandLine, writeRunHtml } from "../view-output.js";

export interface RunFlags extends RequestFlags {
  json?: boolean;
  trace?: string;
  /** Where a failing run's repro file goes (default ./simctl-repros/). */
  reproDir?: string;
  /** False with --no-repro. */
  repro?: boolean;
  /** Also write the run's diagram here (`simctl view`'s page). */
  html?: string;
}

/** A progress line shows only for runs longer than this. */
const PROGRESS_AFTER_MS = 1_000;

export async function runCommand(id: string, flags: RunFlags): Promise<number> {
  const scenario = lookupScenario(id);
  const { request, seedWasRandom } = buildRequest(scenario, flags);
  const reproDir = flags.repro === false ? null : (flags.reproDir ?? DEFAULT_REPRO_DIR);
  if (flags.trace !== undefined) checkOutputFile(flags.trace);
  if (flags.html !== undefined) checkOutputFile(flags.html);
  if (reproDir !== null) checkOutputFolder(reproDir);
  const trace = flags.trace === undefined ? null : planTraceFile(flags.trace);
  if (seedWasRandom && !flags.json) process.stdout.write(`no --seed given; using random seed ${request.seed}\n`);
  const status = new StatusLine();
  const interrupts = catchInterrupts(() => status.clear());
  try {
    const outcome = await guardedRun(
      {
        scenario: id,
        request,
        mode: "run",
        createdBy: "run",
        tracePath: trace?.writePath ?? null,
        heartbeatEvents: 1 << 16,
      },
      {
        timeoutMs: null,
        memoryMb: null,
        signal: interrupts.signal,
        onHeartbeat: (r) => {
          const elapsedMs = status.elapsedMs();
          if (elapsedMs >= PROGRESS_AFTER_MS) status.draw(runLine({ scenario: id, ...r, elapsedMs }));
        },
      },
    );
    status.clear();
    if (outcome.kind !== "done")
      return unfinished(id, outcome, trace, interrupts.received() ?? "SIGINT", flags.json === true);
    return await finish(scenario, request, outcome, { flags, trace, reproDir, signal: interrupts.signal });
  } finally {
    status.clear();
    interrupts.dispose();
  }
}

interface FinishContext {
  flags: RunFlags;
  trace: TracePlan | null;
  reproDir: string | null;
  signal: AbortSignal;
}

/** Report first; then the trace file and the repro, each failure one line and exit 74. */
async function finish(
  scenario: ScenarioDef,
  request: RunRequest,
  outcome: Extract<GuardedOutcome, { kind: "done" }>,
  ctx: FinishContext,
): Promise<number> {
  const { result, wallMs } = outcome;
  const reproPath =
    result.verdict !== "pass" && ctx.reproDir !== null ? plannedReproPath(ctx.reproDir, scenario, request) : null;
  if (ctx.flags.json) {
    const extra = { repro: reproPath, traceFile: ctx.trace?.path ?? null, source: sourceIdentity() };
    process.stdout.write(`${JSON.stringify({ ...toJson(result, wallMs), ...extra })}\n`);
  } else process.stdout.write(`${renderRun(result, { wallMs }, scenario, defaultLimits(scenario))}\n`);
  const codes = [exitCodeFor(result.verdict), settleTrace(ctx.trace, outcome, ctx.flags.json === true)];
  if (reproPath !== null) codes.push(await writeRunRepro(scenario, request, result, reproPath, ctx));
  if (ctx.flags.html !== undefined) codes.push(writeHtml(scenario, request, result, ctx.flags));
  return worstExit(...codes);
}

/** The run's diagram (`--html`), after the report like every other file. */
function writeHtml(scenario: ScenarioDef, request: RunRequest, result: RunResult, flags: RunFlags): ExitCode {
  const path = flags.html!;
  let lines: string[];
  try {
    lines = writeRunHtml(scenario, request, result, path, runCommandLine(scenario.id, request.seed, flags));
  } catch (error) {
    if (fileReason(error) === null) throw error;
    return fileFailure(fileError("write", path, error));
  }
  // With --json, stdout holds exactly one object: the diagram's note goes to stderr.
  for (const line of lines) (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
  return ExitCode.Pass;
}

function settleTrace(
  trace: TracePlan | null,
  outcome: Extract<GuardedOutcome, { kind: "done" }>,
  json: boolean,
): ExitCode {
  if (trace === null) return ExitCode.Pass;
  if (outcome.traceError !== null) {
    settleTraceFile(trace, false);
    return fileFailure(new FileError(`cannot write ${trace.path}: ${outcome.traceError}`));
  }
  try {
    settleTraceFile(trace, true);
  } catch (error) {
    settleTraceFile(trace, false);
    return fileFailure(fileError("write", trace.path, error));
  }
  if (!json) process.stdout.write(`trace file ${trace.path} (${outcome.traceRecords} records and an end record)\n`);
  return ExitCode.Pass;
}

async function writeRunRepro(
  scenario: ScenarioDef,
  request: RunRequest,
  result: RunResult,
  path: string,
  ctx: FinishContext,
): Promise<ExitCode> {
  const captured = await captureRepro(scenario, request, "run", result, {
    timeoutMs: null,
    memoryMb: null,
    signal: ctx.signal,
  });
  if (captured.kind === "interrupted") return ExitCode.Interrupted;
  if (captured.kind === "crashed") throw new Error(`recording the repro failed: ${captured.message}`);
  try {
    writeRepro(path, captured.repro);
  } catch (error) {
    if (error instanceof FileError) return fileFailure(error);
    throw error;
  }
  if (!ctx.flags.json) {
    process.stdout.write(`repro     ${path}\nreplay    ${replayCommandLine(path, request.force === true)}\n`);
  }
  if (captured.sameRun) return ExitCode.Pass;
  process.stderr.write(
    "simctl: warning: rerunning this seed to record it gave a different trace hash: the run is not deterministic (try simctl check)\n",
  );
  return ExitCode.Determinism;
}

/** A file error after the report: one line on stderr (stdout already holds the report). */
function fileFailure(error: FileError): ExitCode {
  process.stderr.write(`simctl: error: ${error.message}\n`);
  return error.exitCode;
}

/** Interrupted, out of memory or crashed: what the run reached, and the trace ends with a clear record. */
function unfinished(
  id: string,
  outcome: Exclude<GuardedOutcome, { kind: "done" }>,
  trace: TracePlan | null,
  signal: string,
  json: boolean,
): ExitCode {
  const reason =
    outcome.kind === "interrupted"
      ? signal
      : outcome.kind === "oom"
        ? "out of memory"
        : outcome.kind === "hang"
          ? "wall-clock limit"
          : "crashed";
  if (trace !== null) {
    try {
      appendInterrupted(trace.writePath, { signal: reason, events: outcome.events, atUs: outcome.virtualTimeUs });
      settleTraceFile(trace, true);
    } catch {
      settleTraceFile(trace, false);
    }
  }
  const what =
    outcome.kind === "oom"
      ? "the run ran out of memory (the size bound did not foresee it: a smaller --set will help)"
      : outcome.kind === "crashed"
        ? `the run's worker crashed: ${outcome.message}`
        : `interrupted by ${signal}`;
  const line = `${id}: ${what}, after ${outcome.events} events (virtual ${outcome.virtualTimeUs} us)${trace === null ? "" : `; ${trace.path} ends with an interrupted record`}`;
  const code =
    outcome.kind === "interrupted"
      ? ExitCode.Interrupted
      : outcome.kind === "crashed"
        ? ExitCode.Internal
        : ExitCode.Liveness;
  if (json)
    process.stdout.write(
      `${JSON.stringify({ error: line, exitCode: code, events: outcome.events, virtualTimeUs: outcome.virtualTimeUs })}\n`,
    );
  else process.stderr.write(`simctl: ${line}\n`);
  return code;
}

/** The budgets a run of `scenario` gets when no flag overrides them. */
function defaultLimits(scenario: ScenarioDef): { maxEvents: number; maxTimeUs: number } {
  return {
    maxEvents: scenario.limits?.maxEvents ?? DEFAULT_MAX_EVENTS,
    maxTimeUs: scenario.limits?.maxTimeUs ?? DEFAULT_MAX_TIME_US,
  };
}

export function toJson(result: RunResult, wallMs: number): Record<string, unknown> {
  return {
    scenario: result.scenario,
    seed: result.seed,
    verdict: result.verdict,
    traceHash: result.traceHash,
    events: result.events,
    virtualTimeUs: result.virtualTimeUs,
    wallMs: Math.round(wallMs * 1000) / 1000,
    violations: result.violations,
    options: result.options,
    limits: result.limits,
    checks: result.checks,
    metrics: result.metrics,
    summary: result.summary,
    faultSchedule: result.faultSchedule,
    artifacts: result.artifacts,
    coverage: result.coverage,
  };
}
