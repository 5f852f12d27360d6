// The simctl command line. bin/simctl.js calls main(); each command returns an exit code.
// User mistakes become one line on stderr and exit 2 (or their own code); anything
// else is an internal error (exit 70) and does print its stack, since it is our bug.

import { Command, CommanderError, Option } from "commander";
import chalk from "chalk";
import { ExitCode, UsageError } from "./exit-codes.js";
import { ScheduleError } from "../sim/net/schedule.js";
import { listCommand } from "./commands/list.js";
import { runCommand } from "./commands/run.js";
import { replayCommand } from "./commands/replay.js";
import { checkCommand } from "./commands/check.js";
import { sweepCommand } from "./commands/sweep.js";
import { sweepMergeCommand } from "./commands/sweep-merge.js";
import { shrinkCommand } from "./commands/shrink.js";
import { viewCommand } from "./commands/view.js";
import { SIMCTL_VERSION } from "../repro/version.js";

export const VERSION = SIMCTL_VERSION;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** TEST-ONLY: a hidden flag that perturbs one trace record, to exercise divergence reports. */
function perturbOption(): Option {
  return new Option("--test-perturb-at <record>").hideHelp();
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name("simctl")
    .description("Deterministic discrete-event simulator of a multi-datacenter job cluster")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith("error:") ? `simctl: ${s}` : s) });

  program
    .command("list")
    .description("list scenarios and the catalog ids they cover")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) => setExit(listCommand(opts)));

  program
    .command("run")
    .description("run one scenario")
    .argument("<scenario>", "scenario id, e.g. kernel/ping-pong")
    .option("--seed <n>", "seed, a decimal integer in [0, 2^53) (random if omitted)")
    .option("--json", "print one JSON object")
    .option("--trace <file>", "stream every trace record to a JSONL file")
    .option("--max-events <n>", "event budget")
    .option("--max-time <duration>", "virtual time budget, e.g. 10m")
    .option("--set <key=value>", "override a scenario option (repeatable)", collect, [])
    .option("--faults <file>", "apply this JSON fault schedule instead of the scenario's own faults")
    .option("--repro-dir <dir>", "where a failing run writes its repro file", "simctl-repros")
    .option("--no-repro", "do not write a repro file on failure")
    .option("--html <file>", "also write the run's space-time diagram (re-executed with payloads) to this HTML file")
    .action((id: string, opts) => setExit(runCommand(id, opts)));

  addReproCommands(program, setExit);
  addViewCommand(program, setExit);
  return program;
}

function addReproCommands(program: Command, setExit: (code: number) => void): void {
  program
    .command("replay")
    .description("rerun a repro file: IDENTICAL, or DIVERGED with the first differing event")
    .argument("<file>", "repro file (JSON)")
    .option("--json", "print one JSON object")
    .option("--html <file>", "also write the replayed run's space-time diagram to this HTML file")
    .addOption(perturbOption())
    .action((file: string, opts) => setExit(replayCommand(file, opts)));

  program
    .command("check")
    .description("determinism self-check: run twice, compare event by event (exit 4 on a mismatch)")
    .argument("<scenario>", "scenario id")
    .option("--seed <n>", "seed (random if omitted)")
    .option("--json", "print one JSON object")
    .option("--max-events <n>", "event budget")
    .option("--max-time <duration>", "virtual time budget, e.g. 10m")
    .option("--set <key=value>", "override a scenario option (repeatable)", collect, [])
    .addOption(perturbOption())
    .action((id: string, opts) => setExit(checkCommand(id, opts)));

  program
    .command("sweep")
    .description("run many seeds on worker threads; group failures by violation signature")
    .argument("<scenario>", "scenario id")
    .option("--seeds <range>", "FIRST..LAST inclusive, or a count N meaning 1..N", "1..100")
    .option("-j, --jobs <n>", "worker threads (default: available cores)")
    .option("--swarm", "swarm testing: each seed draws which fault kinds are on (scenarios with a swarm option)")
    .option("--shard <k/N>", "run only shard k of N (every N-th seed), for spreading a sweep over machines")
    .option("--json", "print the summary as JSON (input for sweep-merge)")
    .option("--coverage", "count, per coverage mark, the seeds that reached it, and list the marks none reached")
    .option("--set <key=value>", "override a scenario option (repeatable)", collect, [])
    .option("--max-events <n>", "event budget per seed")
    .option("--max-time <duration>", "virtual time budget per seed")
    .option("--repro-dir <dir>", "where the repro file of each group's fastest seed goes", "simctl-repros")
    .option("--no-repro", "do not write repro files")
    .option("--seed-timeout <duration>", "wall-clock limit per seed; a seed past it is a failure (default 10m)")
    .option(
      "--trace-hashes",
      "hash every seed's trace (slower); by default seeds run untraced and only the repro reruns of failing seeds are traced",
    )
    .action(async (id: string, opts) => setExit(await sweepCommand(id, opts)));

  program
    .command("sweep-merge")
    .description("combine the JSON summaries of a sharded sweep")
    .argument("<files...>", "summaries written by sweep --json")
    .option("--json", "print the merged summary as JSON")
    .action((files: string[], opts) => setExit(sweepMergeCommand(files, opts)));

  program
    .command("shrink")
    .description("minimise a failing repro (faults, workload, run length) while its violation recurs")
    .argument("<file>", "repro file of a failing run")
    .option("--out <file>", "where to write the result (default NAME.min.json beside the input)")
    .option("--max-runs <n>", "bound on the number of runs tried", "500")
    .option("--json", "print a JSON report")
    .action((file: string, opts) => setExit(shrinkCommand(file, opts)));
}

function addViewCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command("view")
    .description("draw a run as a space-time diagram in one offline HTML file, or as a one-line-per-event timeline")
    .argument("<target>", "a repro file (.json), a scenario id (with --seed), or a JSONL trace (.jsonl)")
    .option("--seed <n>", "seed, for a scenario id (random if omitted)")
    .option("--set <key=value>", "override a scenario option (repeatable)", collect, [])
    .option("--faults <file>", "apply this JSON fault schedule instead of the scenario's own faults")
    .option("--max-events <n>", "event budget")
    .option("--max-time <duration>", "virtual time budget, e.g. 10m")
    .option("--out <file>", "where to write the HTML (default SCENARIO-seedN.html)")
    .option("--job <id>", "one job's whole life: the page opens filtered to it; with --text, only its events")
    .option("--text", "print one line per event instead of writing HTML (unless --out is also given)")
    .action((target: string, opts) => setExit(viewCommand(target, opts)));
}

/** Resolves to the exit code; async because `sweep` waits for its worker threads. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.Pass;
  const program = buildProgram((code) => (exitCode = code));
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    return handleError(error);
  }
  return exitCode;
}

function handleError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its one-line message; help and version exit 0.
    if (
      error.code === "commander.helpDisplayed" ||
      error.code === "commander.version" ||
      error.code === "commander.help"
    )
      return ExitCode.Pass;
    return ExitCode.Usage;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`simctl: error: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof ScheduleError) {
    process.stderr.write(`simctl: error: invalid fault schedule: ${error.message}\n`);
    return ExitCode.Usage;
  }
  process.stderr.write(
    `${chalk.red("simctl: internal error (a bug in simctl, please report it):")}\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return ExitCode.Internal;
}
