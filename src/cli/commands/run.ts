// `simctl run <scenario>`: one run, rendered for a person or as one JSON object.

import { randomInt } from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  DEFAULT_MAX_EVENTS,
  DEFAULT_MAX_TIME_US,
  runScenario,
  type RunResult,
  type ScenarioDef,
  type RunRequest,
} from "../../scenarios/index.js";
import { lookupScenario, parseMaxTime, parseOverrides, parsePositiveInt, parseSeed } from "../args.js";
import { UsageError, exitCodeFor } from "../exit-codes.js";
import { readFileSync } from "node:fs";
import type { FaultStep } from "../../sim/index.js";
import { renderRun } from "../render.js";
import { JsonlTraceFile } from "../trace-file.js";
import { DEFAULT_REPRO_DIR } from "../../repro/io.js";
import { replayCommandLine, writeFailureRepro, type WrittenRepro } from "../repro-output.js";
import { runCommandLine, writeRunHtml } from "../view-output.js";

export interface RunFlags {
  seed?: string;
  json?: boolean;
  trace?: string;
  maxEvents?: string;
  maxTime?: string;
  set?: string[];
  /** Where a failing run's repro file goes (default ./simctl-repros/). */
  reproDir?: string;
  /** False with --no-repro. */
  repro?: boolean;
  /** A JSON fault schedule file that replaces the scenario's own faults. */
  faults?: string;
  /** Also write the run's diagram here (`simctl view`'s page). */
  html?: string;
}

export interface TimedRun {
  result: RunResult;
  wallMs: number;
}

/** Runs with the wall clock measured around the pure run (the only wall-clock use). */
export function timedRun(scenario: ScenarioDef, request: RunRequest): TimedRun {
  const start = performance.now();
  const result = runScenario(scenario, request);
  return { result, wallMs: performance.now() - start };
}

export function buildRequest(scenario: ScenarioDef, flags: RunFlags): { request: RunRequest; seedWasRandom: boolean } {
  const seedWasRandom = flags.seed === undefined;
  // randomInt's range (max - min) must stay below 2^48, so the bound is 2^48 - 1.
  const seed = flags.seed === undefined ? randomInt(0, 2 ** 48 - 1) : parseSeed(flags.seed);
  const request: RunRequest = { seed, overrides: parseOverrides(scenario, flags.set ?? []) };
  if (flags.maxEvents !== undefined) request.maxEvents = parsePositiveInt(flags.maxEvents, "--max-events");
  if (flags.maxTime !== undefined) request.maxTimeUs = parseMaxTime(flags.maxTime);
  if (flags.faults !== undefined) request.faultSchedule = readFaultFile(flags.faults);
  return { request, seedWasRandom };
}

/**
 * Reads a fault schedule file: JSON, an array of steps. Each step is validated by the run against the scenario's
 * topology.
 */
function readFaultFile(path: string): FaultStep[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read fault schedule ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `invalid fault schedule ${path}: not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!Array.isArray(parsed))
    throw new UsageError(
      `invalid fault schedule ${path}: expected a JSON array of steps like [{ "atMs": 1000, "action": "crash", "node": "dc1-mgr-1" }]`,
    );
  return parsed as FaultStep[];
}

export function runCommand(id: string, flags: RunFlags): number {
  const scenario = lookupScenario(id);
  const { request, seedWasRandom } = buildRequest(scenario, flags);
  const sink = flags.trace === undefined ? null : new JsonlTraceFile(flags.trace);
  if (sink !== null) request.traceListener = sink.listener;
  if (seedWasRandom && !flags.json) process.stdout.write(`no --seed given; using random seed ${request.seed}\n`);
  let timed: TimedRun;
  try {
    timed = timedRun(scenario, request);
  } finally {
    sink?.close();
  }
  const { result, wallMs } = timed;
  const failed = result.verdict !== "pass" && flags.repro !== false;
  const written = failed
    ? writeFailureRepro(scenario, request, flags.reproDir ?? DEFAULT_REPRO_DIR, "run", result)
    : null;
  const html =
    flags.html === undefined
      ? []
      : writeRunHtml(scenario, request, result, flags.html, runCommandLine(id, request.seed, flags));
  // With --json, stdout holds exactly one object: the diagram's note goes to stderr.
  for (const line of html) (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...toJson(result, wallMs), repro: written?.path ?? null })}\n`);
  } else {
    process.stdout.write(`${renderRun(result, { wallMs }, scenario.options, defaultLimits(scenario))}\n`);
    if (sink !== null) process.stdout.write(`trace file ${sink.path} (${sink.written} records)\n`);
    if (written !== null) process.stdout.write(`${reproLines(written)}\n`);
  }
  return exitCodeFor(result.verdict);
}

function reproLines(w: WrittenRepro): string {
  const warn = w.sameRun
    ? ""
    : "\nwarning: rerunning this seed to record it gave a different trace hash: the run is not deterministic (try simctl check)";
  return `repro     ${w.path}\nreplay    ${replayCommandLine(w.path)}${warn}`;
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
