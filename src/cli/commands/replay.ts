// `simctl replay FILE`: reruns a repro file and says IDENTICAL, or DIVERGED with the
// first divergent checkpoint and the first differing event on both sides. Across simctl
// versions a divergence is expected; it then says whether the run still fails the same
// way. Exit 0 when the recording is reproduced, 4 when it is not, 2 for a bad file.

import chalk from "chalk";
import { OptionError } from "../../scenarios/index.js";
import { readRepro } from "../../repro/io.js";
import { replayRepro, type ReplayReport } from "../../repro/replay.js";
import { ReproFormatError, type ReproFile } from "../../repro/schema.js";
import { SIMCTL_VERSION } from "../../repro/version.js";
import { lookupScenario, parsePositiveInt } from "../args.js";
import { ExitCode, UsageError } from "../exit-codes.js";
import { differenceJson, renderDivergence } from "../render-divergence.js";
import { verdictLabel } from "../render.js";
import { requestOf } from "../../repro/capture.js";
import { replayCommandLine } from "../repro-output.js";
import { writeRunHtml } from "../view-output.js";

export interface ReplayFlags {
  json?: boolean;
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

export function replayCommand(path: string, flags: ReplayFlags): number {
  const repro = loadRepro(path);
  const scenario = lookupScenario(repro.scenario);
  let report: ReplayReport;
  try {
    const perturb =
      flags.testPerturbAt === undefined
        ? {}
        : { testPerturbAtRecord: parsePositiveInt(flags.testPerturbAt, "--test-perturb-at") };
    report = replayRepro(scenario, repro, perturb);
  } catch (error) {
    if (error instanceof OptionError) throw new UsageError(`cannot replay ${path}: ${error.message}`);
    throw error;
  }
  process.stdout.write(
    flags.json
      ? `${JSON.stringify(replayJson(path, repro, report))}\n`
      : `${renderReplay(path, repro, report).join("\n")}\n`,
  );
  if (flags.html !== undefined)
    for (const line of writeRunHtml(scenario, requestOf(repro), report.result, flags.html, replayCommandLine(path)))
      (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
  return report.reproduced ? ExitCode.Pass : ExitCode.Determinism;
}

function renderReplay(path: string, repro: ReproFile, r: ReplayReport): string[] {
  const lines = [`${chalk.bold("replay")}    ${path}`];
  lines.push(
    `${chalk.bold("scenario")}  ${repro.scenario} seed ${repro.seed}   recorded by simctl ${repro.simctlVersion}, replayed by ${SIMCTL_VERSION}`,
  );
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
  lines.push(chalk.red.bold("DIVERGED"));
  lines.push(...renderDivergence(r.window, r.difference, r.note, { a: "recorded", b: "replay" }));
  if (r.versionDiffers) {
    const outcome =
      repro.signature === null
        ? r.sameOutcome
          ? "the run still passes"
          : "the run no longer passes"
        : r.sameOutcome
          ? "the run still fails with the same violation signature"
          : "the run no longer fails with the recorded violation signature";
    lines.push(`the file is from simctl ${repro.simctlVersion} and this is ${SIMCTL_VERSION}: ${outcome}`);
  } else {
    lines.push(
      chalk.red(
        "same simctl version, different trace: the run is not deterministic (or the code changed without a version bump)",
      ),
    );
  }
  return lines;
}

function replayJson(path: string, repro: ReproFile, r: ReplayReport): Record<string, unknown> {
  return {
    file: path,
    scenario: repro.scenario,
    seed: repro.seed,
    status: r.identical ? "identical" : "diverged",
    reproduced: r.reproduced,
    recorded: {
      simctlVersion: repro.simctlVersion,
      verdict: repro.verdict,
      traceHash: repro.traceHash,
      events: repro.events,
      signature: repro.signature,
    },
    replayed: {
      simctlVersion: SIMCTL_VERSION,
      verdict: r.result.verdict,
      traceHash: r.result.traceHash,
      events: r.result.events,
      violations: r.result.violations,
    },
    sameOutcome: r.sameOutcome,
    divergence: differenceJson(r.window, r.difference, r.note),
  };
}
