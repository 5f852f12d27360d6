// `npm run mutants -- [options]`: the harness's options, parsed once into a resolved form.

import { Command, InvalidArgumentError } from "commander";

export interface MutantOptions {
  json: boolean;
  /** Mutant ids to run; empty means all. */
  only: string[];
  /** Family files to load; empty means every mutants/*.json. */
  files: string[];
  seeds: number;
  jobs: number;
  seedTimeout: string;
  scenario: string;
  tests: boolean;
  /** Run every test file for survivors, not only those related to the mutated file. */
  allTests: boolean;
  keep: boolean;
  list: boolean;
  compileOnly: boolean;
}

function positiveInt(text: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw new InvalidArgumentError("expected a positive integer");
  return Number(text);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(",").filter((v) => v !== "")];
}

export function parseMutantArgs(argv: readonly string[]): MutantOptions {
  const program = new Command("mutants")
    .description("Apply each mutant of mutants/*.json in a scratch copy; run the sweep, then the tests for survivors")
    .option("--json", "print the outcomes and the score as one JSON object", false)
    .option("--only <ids>", "run only these mutants (comma-separated, repeatable)", collect, [])
    .option("--file <path>", "load this family file instead of every mutants/*.json (repeatable)", collect, [])
    .option("--seeds <n>", "sweep seeds 1..N", positiveInt, 1000)
    .option("-j, --jobs <n>", "sweep worker threads", positiveInt, 2)
    .option("--seed-timeout <duration>", "wall-clock limit per sweep seed; a seed past it is killed-by-hang", "20s")
    .option("--scenario <id>", "the scenario the sweep runs", "cluster/chaos")
    .option("--no-tests", "skip the test suite for survivors")
    .option("--all-tests", "run every test file for survivors, not only those that import the mutated file", false)
    .option("--keep", "keep the scratch copy (its path is printed)", false)
    .option("--list", "list the mutants and check each still matches its file exactly once; run nothing", false)
    .option("--compile-only", "apply and build each mutant in the scratch copy, but run no sweep or test", false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program.parse([...argv], { from: "user" });
  const o = program.opts<{
    json: boolean;
    only: string[];
    file: string[];
    seeds: number;
    jobs: number;
    seedTimeout: string;
    scenario: string;
    tests: boolean;
    allTests: boolean;
    keep: boolean;
    list: boolean;
    compileOnly: boolean;
  }>();
  return {
    json: o.json,
    only: o.only,
    files: o.file,
    seeds: o.seeds,
    jobs: o.jobs,
    seedTimeout: o.seedTimeout,
    scenario: o.scenario,
    tests: o.tests,
    allTests: o.allTests,
    keep: o.keep,
    list: o.list,
    compileOnly: o.compileOnly,
  };
}
