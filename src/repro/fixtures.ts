// Fixture repro files (fixtures/repros/): bug reports and golden runs that the test
// suite replays. A passing fixture is a golden trace hash and must replay identically;
// a failing one must still fail with its recorded violation signature (identical or
// not, since a behaviour change may move the failure while the bug stays the same).
// `npm run fixtures:update` regenerates them deliberately and lists what changed.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { findScenario, type Options, type ScenarioDef } from "../scenarios/index.js";
import { captureRun, requestOf } from "./capture.js";
import { readRepro, reproFileName, writeRepro } from "./io.js";
import { replayRepro, type ReplayReport } from "./replay.js";
import { ReproFormatError, type ReproFile } from "./schema.js";

export const FIXTURE_DIR = "fixtures/repros";

export interface FixtureCheck {
  file: string;
  ok: boolean;
  expectation: "identical trace" | "same violation signature";
  detail: string;
  report: ReplayReport;
}

export function listFixtures(dir = FIXTURE_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(dir, f));
}

function scenarioFor(repro: ReproFile, file: string): ScenarioDef {
  const scenario = findScenario(repro.scenario);
  if (scenario === undefined) throw new ReproFormatError(`${file}: scenario ${repro.scenario} no longer exists`);
  return scenario;
}

export function checkFixture(file: string): FixtureCheck {
  const repro = readRepro(file);
  const report = replayRepro(scenarioFor(repro, file), repro);
  const golden = repro.verdict === "pass";
  const ok = report.identical || (!golden && report.sameOutcome);
  const detail = report.identical
    ? `identical (${repro.traceHash})`
    : `trace ${repro.traceHash} -> ${report.result.traceHash}, verdict ${repro.verdict} -> ${report.result.verdict}${golden ? "" : report.sameOutcome ? ", same signature" : ", signature lost"}`;
  return { file, ok, expectation: golden ? "identical trace" : "same violation signature", detail, report };
}

export interface FixtureUpdate {
  file: string;
  changed: boolean;
  line: string;
}

/** Reruns a fixture's request with today's code and rewrites it if anything changed. */
export function regenerateFixture(file: string): FixtureUpdate {
  const old = readRepro(file);
  const { repro } = captureRun(scenarioFor(old, file), requestOf(old), "fixtures");
  repro.overrides = old.overrides;
  const changed =
    repro.traceHash !== old.traceHash ||
    repro.verdict !== old.verdict ||
    repro.signature !== old.signature ||
    repro.simctlVersion !== old.simctlVersion;
  if (changed) writeRepro(file, repro);
  const line = changed
    ? `changed   ${file}: trace ${old.traceHash} -> ${repro.traceHash}, verdict ${old.verdict} -> ${repro.verdict}${old.signature !== repro.signature ? `, signature ${old.signature ?? "none"} -> ${repro.signature ?? "none"}` : ""}`
    : `unchanged ${file}`;
  return { file, changed, line };
}

/** Records a new fixture from a scenario, seed and overrides; returns its path. */
export function addFixture(dir: string, scenarioId: string, seed: number, overrides: Options): string {
  const scenario = findScenario(scenarioId);
  if (scenario === undefined) throw new ReproFormatError(`unknown scenario ${scenarioId}`);
  const { repro } = captureRun(scenario, { seed, overrides }, "fixtures");
  return writeRepro(join(dir, reproFileName(repro)), repro);
}
