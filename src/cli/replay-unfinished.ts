// Replaying a repro of a seed that never finished (a `hang` past its wall-clock limit, an
// `oom` past its heap limit): rerun it on a guarded worker under the recorded limit, and
// say whether it still hangs or runs out of memory (exit 3) or now finishes (its verdict).

import chalk from "chalk";
import { requestOf } from "../repro/capture.js";
import type { ReproFile } from "../repro/schema.js";
import type { ScenarioDef } from "../scenarios/index.js";
import { ExitCode, exitCodeFor } from "./exit-codes.js";
import { guardedRun } from "./guarded-run.js";
import { catchInterrupts } from "./interrupt.js";
import { verdictLabel } from "./render.js";
import { sourceLine } from "./render-source.js";

const DEFAULT_HANG_LIMIT_MS = 10 * 60_000;

export async function replayUnfinished(
  path: string,
  scenario: ScenarioDef,
  repro: ReproFile,
  flags: { json?: boolean; force?: boolean },
): Promise<number> {
  const request = requestOf(repro);
  if (flags.force === true) request.force = true;
  const timeoutMs = repro.verdict === "hang" ? (repro.wallTimeoutMs ?? DEFAULT_HANG_LIMIT_MS) : null;
  const memoryMb = repro.verdict === "oom" ? (repro.memoryMb ?? null) : null;
  const interrupts = catchInterrupts();
  let outcome: Awaited<ReturnType<typeof guardedRun>>;
  try {
    outcome = await guardedRun(
      { scenario: scenario.id, request, mode: "run", createdBy: "replay", tracePath: null, heartbeatEvents: 1 << 16 },
      { timeoutMs, memoryMb, signal: interrupts.signal },
    );
  } finally {
    interrupts.dispose();
  }
  if (outcome.kind === "interrupted") return ExitCode.Interrupted;
  if (outcome.kind === "crashed") throw new Error(`the replay's worker crashed: ${outcome.message}`);
  const verdict = outcome.kind === "done" ? outcome.result.verdict : outcome.kind;
  const still = verdict === repro.verdict;
  const what = still
    ? `still ${repro.verdict === "hang" ? `hangs (past ${timeoutMs} ms of wall-clock time)` : `runs out of memory (${memoryMb} MB)`}`
    : `now ends: ${verdict}`;
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ file: path, scenario: repro.scenario, seed: repro.seed, status: still ? "same-outcome" : "changed", recorded: { verdict: repro.verdict, source: repro.source ?? null }, replayed: { verdict }, exitCode: exitCodeFor(verdict) })}\n`,
    );
  } else {
    process.stdout.write(
      `${[
        `${chalk.bold("replay")}    ${path}`,
        `${chalk.bold("scenario")}  ${repro.scenario} seed ${repro.seed}`,
        `${chalk.bold("source")}    ${sourceLine(repro)}`,
        `${chalk.bold("recorded")}  ${verdictLabel(repro.verdict)}  ${repro.signature ?? ""}`,
        `${chalk.bold("replayed")}  ${verdictLabel(verdict)}: the run ${what}`,
      ].join("\n")}\n`,
    );
  }
  return exitCodeFor(verdict);
}
