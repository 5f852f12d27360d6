// The simctl command line. bin/simctl.js calls main(); each command returns an exit code.
// User mistakes become one line on stderr and exit 2 (or their own code); anything
// else is an internal error (exit 70) and does print its stack, since it is our bug.

import { Command, CommanderError } from "commander";
import chalk from "chalk";
import { ExitCode, UsageError } from "./exit-codes.js";
import { listCommand } from "./commands/list.js";
import { runCommand } from "./commands/run.js";

export const VERSION = "0.1.0";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
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
    .action((id: string, opts) => setExit(runCommand(id, opts)));

  return program;
}

export function main(argv: readonly string[]): number {
  let exitCode: number = ExitCode.Pass;
  const program = buildProgram((code) => (exitCode = code));
  try {
    program.parse(argv as string[]);
  } catch (error) {
    return handleError(error);
  }
  return exitCode;
}

function handleError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its one-line message; help and version exit 0.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return ExitCode.Pass;
    return ExitCode.Usage;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`simctl: error: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(`${chalk.red("simctl: internal error (a bug in simctl, please report it):")}\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.Internal;
}
