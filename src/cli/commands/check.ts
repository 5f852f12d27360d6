// `simctl check SCENARIO --seed N`: determinism self-check. Two runs in fresh kernels;
// any difference in checkpoints or final hash names the first divergent event and
// exits 4. The verdict of the run itself does not matter here.

import chalk from "chalk";
import { checkDeterminism } from "../../repro/determinism.js";
import { sourceIdentity } from "../../repro/source.js";
import { lookupScenario, parsePositiveInt } from "../args.js";
import { ExitCode } from "../exit-codes.js";
import { differenceJson, renderDivergence } from "../render-divergence.js";
import { verdictLabel } from "../render.js";
import { buildRequest, type RequestFlags } from "../run-request.js";

export interface CheckFlags extends RequestFlags {
  json?: boolean;
  /** TEST-ONLY hidden flag: perturb the second run's trace at this record. */
  testPerturbAt?: string;
}

export function checkCommand(id: string, flags: CheckFlags): number {
  const scenario = lookupScenario(id);
  const { request, seedWasRandom } = buildRequest(scenario, flags);
  const perturb =
    flags.testPerturbAt === undefined
      ? {}
      : { testPerturbAtRecord: parsePositiveInt(flags.testPerturbAt, "--test-perturb-at") };
  if (seedWasRandom && !flags.json) process.stdout.write(`no --seed given; using random seed ${request.seed}\n`);
  const report = checkDeterminism(scenario, request, perturb);
  const { first, second, window } = report;
  if (flags.json) {
    const out = {
      scenario: id,
      seed: request.seed,
      deterministic: window === null && report.resultMismatch === null,
      resultMismatch: report.resultMismatch,
      verdict: first.verdict,
      runs: [first, second].map((r) => ({
        traceHash: r.traceHash,
        events: r.events,
        checkpoints: r.checkpoints.length,
      })),
      divergence: differenceJson(window, report.difference, report.note),
      source: sourceIdentity(),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    const lines = [`${chalk.bold("check")}     ${id} seed ${request.seed}: two runs in fresh kernels`];
    lines.push(
      `${chalk.bold("run 1")}     trace ${first.traceHash}  ${first.events} events  ${first.checkpoints.length} checkpoints  ${verdictLabel(first.verdict)}`,
    );
    lines.push(
      `${chalk.bold("run 2")}     trace ${second.traceHash}  ${second.events} events  ${second.checkpoints.length} checkpoints  ${verdictLabel(second.verdict)}`,
    );
    if (window !== null)
      lines.push(
        chalk.red.bold("NONDETERMINISTIC"),
        ...renderDivergence(window, report.difference, report.note, { a: "run 1", b: "run 2" }),
      );
    else if (report.resultMismatch !== null) lines.push(chalk.red.bold("NONDETERMINISTIC"), report.resultMismatch);
    else lines.push(chalk.green.bold("DETERMINISTIC"));
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  return window === null && report.resultMismatch === null ? ExitCode.Pass : ExitCode.Determinism;
}
