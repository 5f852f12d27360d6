// The simctl command line. bin/simctl.js calls main(); each command returns an exit code
// (exit-codes.ts, one enum with one precedence). User mistakes become one line on stderr
// (or, under --json, one JSON object `{ error, exitCode }` on stdout) and their own code;
// anything else is an internal error (exit 70) and does print its stack, since it is our
// bug. No command at all prints the help and exits 2.

import { Command, CommanderError, Option } from "commander";
import chalk from "chalk";
import { ExitCode, UsageError } from "./exit-codes.js";
import { ScheduleError } from "../sim/net/schedule.js";
import { OptionError } from "../scenarios/index.js";
import { listCommand } from "./commands/list.js";
import { describeCommand } from "./commands/describe.js";
import { runCommand } from "./commands/run.js";
import { replayCommand } from "./commands/replay.js";
import { checkCommand } from "./commands/check.js";
import { sweepCommand } from "./commands/sweep.js";
import { sweepMergeCommand } from "./commands/sweep-merge.js";
import { sweepDiffCommand } from "./commands/sweep-diff.js";
import { shrinkCommand } from "./commands/shrink.js";
import { viewCommand } from "./commands/view.js";
import { SIMCTL_VERSION } from "../repro/version.js";
import { addHelp, PROGRAM_HELP } from "./help.js";
import { setUpColor } from "./terminal.js";
import { scheduleErrorLine } from "./schedule-error.js";

export const VERSION = SIMCTL_VERSION;

type SetExit = (code: number) => void;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** TEST-ONLY: a hidden flag that perturbs one trace record, to exercise divergence reports. */
function perturbOption(): Option {
  return new Option("--test-perturb-at <record>").hideHelp();
}

const FORCE = "run even when the scenario's size estimate is over the bound (see simctl describe)";

export function buildProgram(setExit: SetExit, writeErr: (s: string) => void): Command {
  const program = new Command();
  program
    .name("simctl")
    .description("Deterministic discrete-event simulator of a multi-datacenter job cluster")
    .version(VERSION)
    .option("--no-color", "no colour (also NO_COLOR=1; FORCE_COLOR=1 forces it)")
    .exitOverride()
    .configureOutput({ writeErr })
    .addHelpText("after", PROGRAM_HELP);

  addHelp(
    program
      .command("list")
      .description("list scenarios and the catalog ids they cover")
      .option("--json", "print JSON (with each scenario's option schema)")
      .action((opts: { json?: boolean }) => setExit(listCommand(opts))),
  );

  addHelp(
    program
      .command("describe")
      .description("a scenario's description and every option it takes: type, default, allowed range")
      .argument("<scenario>", "scenario id, e.g. cluster/chaos")
      .option("--json", "print JSON")
      .action((id: string, opts) => setExit(describeCommand(id, opts))),
  );

  addHelp(
    program
      .command("run")
      .description("run one scenario")
      .argument("<scenario>", "scenario id, e.g. kernel/ping-pong")
      .option("--seed <n>", "seed, a decimal integer in [0, 2^53) (random if omitted)")
      .option("--json", "print one JSON object")
      .option("--trace <file>", "stream every trace record to a JSONL file (it ends with an end record)")
      .option("--max-events <n>", "event budget")
      .option("--max-time <duration>", "virtual time budget with a unit, e.g. 10m")
      .option("--set <key=value>", "override a scenario option (repeatable; durations need a unit)", collect, [])
      .option("--faults <file>", "apply this JSON fault schedule instead of the scenario's own faults")
      .option("--repro-dir <dir>", "where a failing run writes its repro file", "simctl-repros")
      .option("--no-repro", "do not write a repro file on failure")
      .option("--html <file>", "also write the run's space-time diagram (re-executed with payloads) to this HTML file")
      .option("--force", FORCE)
      .action(async (id: string, opts) => setExit(await runCommand(id, opts))),
  );

  addReproCommands(program, setExit);
  addSweepCommands(program, setExit);
  addViewCommand(program, setExit);
  return program;
}

function addViewCommand(program: Command, setExit: SetExit): void {
  program
    .command("view")
    .description("draw a run as a space-time diagram in one offline HTML file, or as a one-line-per-event timeline")
    .argument("<target>", "a repro file (.json), a scenario id (with --seed), or a JSONL trace (.jsonl)")
    .option("--seed <n>", "seed, for a scenario id (random if omitted)")
    .option("--set <key=value>", "override a scenario option (repeatable; durations need a unit)", collect, [])
    .option("--faults <file>", "apply this JSON fault schedule instead of the scenario's own faults")
    .option("--max-events <n>", "event budget")
    .option("--max-time <duration>", "virtual time budget with a unit, e.g. 10m")
    .option("--out <file>", "where to write the HTML (default SCENARIO-seedN.html)")
    .option("--job <id>", "one job's whole life: the page opens filtered to it; with --text, only its events")
    .option("--text", "print one line per event instead of writing HTML (unless --out is also given)")
    .action((target: string, opts) => setExit(viewCommand(target, opts)));
}

function addReproCommands(program: Command, setExit: SetExit): void {
  addHelp(
    program
      .command("replay")
      .description("rerun a repro file: IDENTICAL, or DIVERGED with the first differing event")
      .argument("<file>", "repro file (JSON)")
      .option("--json", "print one JSON object")
      .option("--html <file>", "also write the replayed run's space-time diagram to this HTML file")
      .option("--force", FORCE)
      .addOption(perturbOption())
      .action(async (file: string, opts) => setExit(await replayCommand(file, opts))),
  );

  addHelp(
    program
      .command("check")
      .description("determinism self-check: run twice, compare event by event (exit 4 on a mismatch)")
      .argument("<scenario>", "scenario id")
      .option("--seed <n>", "seed (random if omitted)")
      .option("--json", "print one JSON object")
      .option("--max-events <n>", "event budget")
      .option("--max-time <duration>", "virtual time budget with a unit, e.g. 10m")
      .option("--set <key=value>", "override a scenario option (repeatable; durations need a unit)", collect, [])
      .option("--force", FORCE)
      .addOption(perturbOption())
      .action((id: string, opts) => setExit(checkCommand(id, opts))),
  );

  addHelp(
    program
      .command("shrink")
      .description("minimise a failing repro (faults, workload, run length) while its violation recurs")
      .argument("<file>", "repro file of a failing run")
      .option("--out <file>", "where to write the result (default NAME.min.json beside the input)")
      .option("--max-runs <n>", "bound on the number of runs tried", "500")
      .option("--json", "print a JSON report")
      .option("--force", FORCE)
      .action((file: string, opts) => setExit(shrinkCommand(file, opts))),
  );
}

function addSweepCommands(program: Command, setExit: SetExit): void {
  addHelp(
    program
      .command("sweep")
      .description("run many seeds on worker threads; group failures by violation signature")
      .argument("<scenario>", "scenario id")
      .option("--seeds <range>", "FIRST..LAST inclusive, or a count N meaning 1..N", "1..100")
      .option("-j, --jobs <n>", "worker threads (default and cap: the available cores)")
      .option("--jobs-unbounded", "allow -j above the number of cores")
      .option("--swarm", "swarm testing: each seed draws which fault kinds are on (scenarios with a swarm option)")
      .option("--shard <k/N>", "run only shard k of N (every N-th seed), for spreading a sweep over machines")
      .option("--json", "print the summary as JSON (input for sweep-merge and sweep-diff)")
      .option("--coverage", "count, per coverage mark, the seeds that reached it, and list the marks none reached")
      .option("--set <key=value>", "override a scenario option (repeatable; durations need a unit)", collect, [])
      .option("--max-events <n>", "event budget per seed")
      .option("--max-time <duration>", "virtual time budget per seed, with a unit")
      .option("--repro-dir <dir>", "where the repro file of each group's fastest seed goes", "simctl-repros")
      .option("--no-repro", "do not write repro files")
      .option("--seed-timeout <duration>", "wall-clock limit per seed; a seed past it is a hang (default 10m)")
      .option("--seed-memory <size>", "heap limit per worker thread, e.g. 512MB or 2GB (default: RAM / (threads + 1))")
      .option("--trace-hashes", "hash every seed's trace (slower) and list the hashes in --json (for sweep-diff)")
      .option("--force", FORCE)
      .action(async (id: string, opts) => setExit(await sweepCommand(id, opts))),
  );

  addHelp(
    program
      .command("sweep-merge")
      .description("combine the JSON summaries of a sharded sweep")
      .argument("<files...>", "summaries written by sweep --json")
      .option("--json", "print the merged summary as JSON")
      .option("--allow-partial", "exit by the verdicts even when shards are missing or were interrupted")
      .action((files: string[], opts) => setExit(sweepMergeCommand(files, opts))),
  );

  addHelp(
    program
      .command("sweep-diff")
      .description("compare the per-seed trace hashes of two sweeps (two machines, two Node versions)")
      .argument("<a>", "summary written by sweep --trace-hashes --json")
      .argument("<b>", "another such summary")
      .option("--json", "print the comparison as JSON")
      .action((a: string, b: string, opts) => setExit(sweepDiffCommand(a, b, opts))),
  );
}

/** Resolves to the exit code; async because `run` and `sweep` wait for worker threads. */
export async function main(argv: readonly string[]): Promise<number> {
  const args = setUpColor(argv);
  const json = wantsJson(args);
  let exitCode: number = ExitCode.Pass;
  let commanderMessage = "";
  const writeErr = (s: string): void => {
    // Commander's own one-line errors are reported by handleError, in JSON when asked.
    if (s.startsWith("error:"))
      commanderMessage = s
        .slice("error:".length)
        .trim()
        .replace(/\s*\n\s*/g, " ");
    else process.stderr.write(s);
  };
  const program = buildProgram((code) => (exitCode = code), writeErr);
  if (args.length <= 2) {
    program.outputHelp({ error: true });
    return ExitCode.Usage;
  }
  try {
    await program.parseAsync(args);
  } catch (error) {
    return handleError(error, json, commanderMessage);
  }
  return exitCode;
}

function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

function userError(message: string, code: number, json: boolean): number {
  if (json) process.stdout.write(`${JSON.stringify({ error: message, exitCode: code })}\n`);
  else process.stderr.write(`simctl: error: ${message}\n`);
  return code;
}

function handleError(error: unknown, json: boolean, commanderMessage: string): number {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every other commander error is a usage error.
    if (["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code)) return ExitCode.Pass;
    return userError(commanderMessage || error.message.replace(/^error:\s*/, ""), ExitCode.Usage, json);
  }
  if (error instanceof UsageError) return userError(error.message, error.exitCode, json);
  if (error instanceof OptionError) return userError(error.message, ExitCode.Usage, json);
  if (error instanceof ScheduleError) return userError(scheduleErrorLine(error), ExitCode.Usage, json);
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (json)
    process.stdout.write(`${JSON.stringify({ error: `internal error: ${detail}`, exitCode: ExitCode.Internal })}\n`);
  process.stderr.write(`${chalk.red("simctl: internal error (a bug in simctl, please report it):")}\n${detail}\n`);
  return ExitCode.Internal;
}
