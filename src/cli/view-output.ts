// Writing a run's diagram (issue 15): re-execute the run with the viewer's recorder,
// check the rerun is the run it should repeat, build the page and write it atomically.
// Shared by `simctl view` and by the `--html FILE` options of `run` and `replay`.

import chalk from "chalk";
import type { RunRequest, RunResult, ScenarioDef } from "../scenarios/index.js";
import { buildPage, bytesPerMessage, writePage, type BuiltPage } from "../view/build.js";
import { NoNetworkError, recordRun } from "../view/capture/record.js";
import type { EncodeInput } from "../view/model/codec.js";
import { UsageError } from "./exit-codes.js";

/** What a view draws, where it goes by default, and what the user should be told. */
export interface ViewSource {
  input: EncodeInput;
  defaultOut: string;
  warnings: string[];
}

export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, "_");
}

/** The command that reruns a scenario request, for the page's header. */
export function runCommandLine(id: string, seed: number, flags: { set?: string[]; faults?: string }): string {
  const sets = (flags.set ?? []).map((s) => ` --set ${s}`).join("");
  const faults = flags.faults === undefined ? "" : ` --faults ${flags.faults}`;
  return `npx simctl run ${id} --seed ${seed}${sets}${faults}`;
}

/**
 * Re-executes `request` with the recorder attached. A rerun whose trace hash differs from
 * `expected` (when given) is drawn anyway, with a warning: it is not the recorded run.
 */
export function recordSource(
  scenario: ScenarioDef,
  request: RunRequest,
  command: string,
  expected: string | null,
): ViewSource {
  const { traceListener: _none, ...plain } = request;
  let recorded: ReturnType<typeof recordRun>;
  try {
    recorded = recordRun(scenario, plain, command);
  } catch (error) {
    if (error instanceof NoNetworkError) throw new UsageError(error.message);
    throw error;
  }
  const warnings: string[] = [];
  const got = recorded.result.traceHash;
  if (expected !== null && got !== expected)
    warnings.push(
      `the rerun is not the recorded run (trace ${got}, recorded ${expected}): the diagram shows the rerun; \`simctl replay\` names the first difference`,
    );
  return { input: recorded.input, defaultOut: `${slug(scenario.id)}-seed${request.seed}.html`, warnings };
}

export function describePage(path: string, page: BuiltPage): string {
  const h = page.header;
  const kib = (Buffer.byteLength(page.html) / 1024).toFixed(0);
  return `view      ${path}  (${h.messageCount.toLocaleString("en-US")} messages, ${h.nodes.length} nodes, ${kib} KiB, ${bytesPerMessage(page).toFixed(1)} bytes/message)`;
}

/** For `run … --html FILE` and `replay … --html FILE`: the lines to print after writing it. */
export function writeRunHtml(
  scenario: ScenarioDef,
  request: RunRequest,
  result: RunResult,
  path: string,
  command: string,
): string[] {
  const source = recordSource(scenario, request, command, result.traceHash);
  const page = buildPage(source.input);
  writePage(path, page);
  return [describePage(path, page), ...source.warnings.map((w) => `${chalk.yellow("warning:")} ${w}`)];
}
