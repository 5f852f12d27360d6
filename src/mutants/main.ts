// `npm run mutants`: measures what the checks can find. Each mutant of mutants/*.json is
// applied alone in a scratch copy of the working tree (scratch.ts), built, and put
// through the default sweep (sweep-stage.ts); a mutant the sweep lets through then meets
// the test suite (test-stage.ts). The table says what killed each one (report.ts).
//
// Before any mutant: every mutant must match its file exactly once, the scratch copy must
// build, and the unmutated tree must pass the sweep; otherwise every "kill" would be
// meaningless. Test files that fail without any mutant are found once, before the first
// test stage, and excluded from all of them.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { CommanderError } from "commander";
import { parseMutantArgs, type MutantOptions } from "./args.js";
import { loadMutants, MutantDataError, selectMutants, type Mutant } from "./data.js";
import { killAllChildren } from "./exec.js";
import { applyMutant, checkMutants } from "./patch.js";
import { killedByText, outcome, renderReport, summarize, type Outcome } from "./report.js";
import { ScratchTree } from "./scratch.js";
import { runSweepStage } from "./sweep-stage.js";
import { runTestStage } from "./test-stage.js";

const root = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));

class Campaign {
  /** Test files failing on the unmutated tree; null until first needed. */
  private broken: string[] | null = null;

  constructor(
    private readonly scratch: ScratchTree,
    private readonly o: MutantOptions,
  ) {}

  private log(text: string): void {
    process.stderr.write(`${text}\n`);
  }

  /** Builds the unmutated copy and sweeps it; null when it is fit to measure with, else why not. */
  async baseline(): Promise<string | null> {
    const build = await this.scratch.build();
    if (!build.ok) return `the unmutated tree does not compile:\n${build.output}`;
    this.log(`baseline: sweeping ${this.o.scenario} over seeds 1..${this.o.seeds} without mutants`);
    const sweep = await runSweepStage(this.scratch.dir, this.sweepOptions());
    if (!sweep.killed) return null;
    return `the unmutated tree fails the sweep at seed ${sweep.firstSeed} (${sweep.check}: ${sweep.message}); fix that first`;
  }

  async runOne(m: Mutant): Promise<Outcome> {
    if (m.equivalent !== null) return outcome(m, "equivalent", { detail: m.equivalent });
    const started = Date.now();
    let revert: () => void;
    try {
      revert = applyMutant(this.scratch.dir, m);
    } catch (error) {
      return outcome(m, "error", { detail: error instanceof Error ? error.message : String(error) });
    }
    try {
      const result = await this.measure(m, revert);
      return { ...result, wallMs: Date.now() - started };
    } finally {
      revert();
    }
  }

  private async measure(m: Mutant, revert: () => void): Promise<Outcome> {
    const build = await this.scratch.build();
    if (!build.ok) return outcome(m, "error", { detail: `does not compile: ${firstLines(build.output, 3)}` });
    const sweep = await runSweepStage(this.scratch.dir, this.sweepOptions());
    if (sweep.killed) return outcome(m, "sweep", { firstSeed: sweep.firstSeed, hang: sweep.hang, detail: sweep.check });
    if (!this.o.tests) return outcome(m, "nothing");
    if (this.broken === null) {
      // The baseline needs the unmutated build: take the mutant out, measure, put it back.
      revert();
      this.broken = await this.brokenTests();
      applyMutant(this.scratch.dir, m);
      const rebuilt = await this.scratch.build();
      if (!rebuilt.ok) return outcome(m, "error", { detail: `does not compile: ${firstLines(rebuilt.output, 3)}` });
    }
    const related = this.o.allTests ? null : m.file;
    const tests = await runTestStage(this.scratch.dir, { exclude: this.broken, bail: true, related });
    if (tests.error !== null) return outcome(m, "error", { detail: `test stage: ${tests.error}` });
    if (tests.failedFiles.length > 0) return outcome(m, "test", { detail: tests.firstFailure ?? "" });
    return outcome(m, "nothing");
  }

  private async brokenTests(): Promise<string[]> {
    const build = await this.scratch.build();
    if (!build.ok) throw new Error(`the unmutated tree no longer compiles:\n${build.output}`);
    this.log("baseline: running the test suite once without mutants");
    const r = await runTestStage(this.scratch.dir, { exclude: [], bail: false, related: null });
    if (r.error !== null) throw new Error(`the test suite cannot run on the unmutated tree: ${r.error}`);
    if (r.failedFiles.length > 0)
      this.log(`baseline: excluded (they fail without any mutant): ${r.failedFiles.join(", ")}`);
    return r.failedFiles;
  }

  get excludedTests(): readonly string[] {
    return this.broken ?? [];
  }

  private sweepOptions(): Parameters<typeof runSweepStage>[1] {
    return { scenario: this.o.scenario, seeds: this.o.seeds, jobs: this.o.jobs, seedTimeout: this.o.seedTimeout };
  }
}

function firstLines(text: string, n: number): string {
  return text.split("\n").slice(0, n).join(" | ");
}

/** Loads, selects and checks the mutants; a string is the error to print (exit 2). */
function prepare(o: MutantOptions): Mutant[] | string {
  try {
    const all = loadMutants(root, o.files.length > 0 ? o.files : undefined);
    const chosen = o.only.length > 0 ? selectMutants(all, o.only) : all;
    const problems = checkMutants(root, chosen);
    return problems.length > 0 ? problems.join("\n") : chosen;
  } catch (error) {
    if (error instanceof MutantDataError) return error.message;
    throw error;
  }
}

function listMutants(mutants: readonly Mutant[]): void {
  const width = Math.max(...mutants.map((m) => m.id.length));
  for (const m of mutants)
    process.stdout.write(`${m.id.padEnd(width)}  ${m.file}${m.equivalent === null ? "" : "  (equivalent)"}\n`);
  process.stdout.write(`${mutants.length} mutant(s), each matching its file exactly once\n`);
}

/** `--compile-only`: each mutant must build (a data check for family authors); exit 2 if one does not. */
async function compileCheck(mutants: readonly Mutant[], scratch: ScratchTree): Promise<number> {
  let failed = 0;
  for (const m of mutants) {
    const revert = applyMutant(scratch.dir, m);
    try {
      const build = await scratch.build();
      if (!build.ok) failed++;
      process.stdout.write(`${build.ok ? "compiles" : "FAILS   "}  ${m.id}${build.ok ? "" : `\n${build.output}`}\n`);
    } finally {
      revert();
    }
  }
  process.stdout.write(`${mutants.length - failed}/${mutants.length} mutant(s) compile\n`);
  return failed > 0 ? 2 : 0;
}

async function campaign(mutants: readonly Mutant[], o: MutantOptions, scratch: ScratchTree): Promise<number> {
  const started = Date.now();
  const c = new Campaign(scratch, o);
  const unfit = await c.baseline();
  if (unfit !== null) {
    process.stderr.write(`mutants: ${unfit}\n`);
    return 1;
  }
  const outcomes: Outcome[] = [];
  for (const [i, m] of mutants.entries()) {
    const r = await c.runOne(m);
    outcomes.push(r);
    const seconds = (r.wallMs / 1000).toFixed(1);
    // The verdict as the table will show it; a sweep kill adds the check, an error its reason.
    const extra = r.killedBy === "sweep" || r.killedBy === "error" ? `: ${r.detail.slice(0, 100)}` : "";
    process.stderr.write(`[${i + 1}/${mutants.length}] ${m.id}: ${killedByText(r)}${extra} (${seconds} s)\n`);
  }
  const summary = summarize(outcomes);
  const wallMs = Date.now() - started;
  if (o.json) {
    const report = { schema: "simctl-mutants", version: 1, scenario: o.scenario, seeds: o.seeds, wallMs };
    const body = { ...report, excludedTests: c.excludedTests, summary, outcomes };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  } else {
    const minutes = (wallMs / 60_000).toFixed(1);
    process.stdout.write(`${[...renderReport(outcomes, summary), `wall time: ${minutes} min`].join("\n")}\n`);
  }
  return outcomes.some((x) => x.killedBy === "error") ? 2 : 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  let o: MutantOptions;
  try {
    o = parseMutantArgs(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const mutants = prepare(o);
  if (typeof mutants === "string") {
    process.stderr.write(`mutants: ${mutants}\n`);
    return 2;
  }
  if (o.list) {
    listMutants(mutants);
    return 0;
  }
  const scratch = ScratchTree.create(root);
  const stop = (): void => {
    killAllChildren();
    if (!o.keep) scratch.remove();
    process.exit(130);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    return await (o.compileOnly ? compileCheck(mutants, scratch) : campaign(mutants, o, scratch));
  } finally {
    if (o.keep) process.stderr.write(`scratch copy kept at ${scratch.dir}\n`);
    else scratch.remove();
  }
}

process.exitCode = await main(process.argv.slice(2));
