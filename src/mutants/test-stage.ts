// The test stage, for mutants the sweep let through: the vitest suite in the scratch copy
// (without the long sweeps, which need SIM_LONG, and without test/mutants, whose data check
// fails by design on a mutated tree), stopping at the first failing test. The JSON report
// names the file and test that killed the mutant. Files that already fail on the unmutated
// tree are excluded beforehand (see main.ts), so they never take credit for a kill.
//
// By default only the test files that import the mutated file, directly or through other
// modules, run (`vitest related`): no other test can execute the mutated code in-process,
// and the CLI tests that spawn simctl import the scenario registry, so they count as
// related too. `--all-tests` runs every file instead.

import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { execute } from "./exec.js";

export const HARNESS_TESTS = "test/mutants/**";
const TIMEOUT_MS = 30 * 60_000;

export interface TestVerdict {
  /** Repository-relative paths of the failing test files (empty: the suite passed). */
  failedFiles: string[];
  /** "file > describe > test" of the first failing test, when the report names one. */
  firstFailure: string | null;
  /** Set when vitest could not run or report (not a kill): what went wrong. */
  error: string | null;
}

/** The part of vitest's JSON report this stage reads. */
interface VitestReport {
  testResults: { name: string; status: string; assertionResults?: { fullName: string; status: string }[] }[];
}

/** Failing files and the first failing test of a vitest JSON report, relative to `root`. */
export function readVitestReport(report: VitestReport, root: string): Omit<TestVerdict, "error"> {
  const failedFiles: string[] = [];
  let firstFailure: string | null = null;
  for (const file of report.testResults) {
    if (file.status !== "failed") continue;
    const rel = path.relative(root, file.name).split(path.sep).join("/");
    failedFiles.push(rel);
    const test = file.assertionResults?.find((a) => a.status === "failed");
    firstFailure ??= test === undefined ? rel : `${rel} > ${test.fullName}`;
  }
  return { failedFiles: failedFiles.sort(), firstFailure };
}

export interface TestStageOptions {
  /** Globs or files to skip (files that fail without any mutant). */
  exclude: readonly string[];
  /** Stop at the first failing test. */
  bail: boolean;
  /** Run only the tests related to this repository-relative file; null runs every file. */
  related: string | null;
}

/** Runs the suite in `dir`. */
export async function runTestStage(dir: string, o: TestStageOptions): Promise<TestVerdict> {
  const reportFile = path.join(dir, ".mutants-vitest.json");
  rmSync(reportFile, { force: true });
  const vitest = path.join(dir, "node_modules", "vitest", "vitest.mjs");
  const args = o.related === null ? [vitest, "run"] : [vitest, "related", o.related, "--run"];
  args.push("--reporter=json", `--outputFile=${reportFile}`);
  if (o.bail) args.push("--bail=1");
  for (const glob of [HARNESS_TESTS, ...o.exclude]) args.push("--exclude", glob);
  const env = { ...process.env };
  for (const key of ["SIM_LONG", "SIM_SEED", "SIM_SEEDS"]) delete env[key];
  const r = await execute(process.execPath, args, { cwd: dir, timeoutMs: TIMEOUT_MS, env });
  if (r.timedOut) return { failedFiles: [], firstFailure: null, error: `vitest ran past ${TIMEOUT_MS / 60_000} min` };
  if (!existsSync(reportFile))
    return { failedFiles: [], firstFailure: null, error: `vitest wrote no report: ${r.stderr.trim().slice(-1000)}` };
  const verdict = readVitestReport(JSON.parse(readFileSync(reportFile, "utf8")) as VitestReport, dir);
  // A non-zero exit with every file passing: an unhandled error or a crash outside any test.
  if (r.code !== 0 && verdict.failedFiles.length === 0)
    return { ...verdict, error: `vitest exited ${r.code ?? "by signal"} with no failing file: ${tail(r.stderr)}` };
  return { ...verdict, error: null };
}

function tail(text: string): string {
  const lines = text.trim().split("\n");
  return lines.slice(-5).join(" | ").slice(-600);
}
