// The examples and exit codes each command's --help ends with. Every example here (with
// the README's commands) is run by test/docs/commands.test.ts, so the help cannot drift
// from what the CLI accepts.

import type { Command } from "commander";

/** Examples per command, as typed after `npx simctl`. */
export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  list: ["list", "list --json"],
  describe: ["describe cluster/chaos", "describe kernel/ping-pong --json"],
  run: [
    "run cluster/smoke --seed 1",
    "run kernel/ping-pong --seed 1 --set pairs=2 --set rounds=50 --set maxJitterMs=2ms",
    "run net/swarm --seed 3 --json",
    "run cluster/smoke --seed 9 --trace run.jsonl --max-events 2000000 --max-time 10m",
  ],
  check: ["check net/partition-heal --seed 5"],
  replay: ["replay simctl-repros/<file>.json"],
  shrink: ["shrink simctl-repros/<file>.json --out small.json"],
  sweep: [
    "sweep net/swarm --seeds 1..40 -j 2",
    "sweep cluster/chaos --seeds 1..20 --shard 1/2 --json > shard1.json",
    "sweep net/swarm --seeds 1..10 --trace-hashes --json > a.json",
  ],
  "sweep-merge": ["sweep-merge shard1.json shard2.json"],
  "sweep-diff": ["sweep-diff a.json b.json"],
};

/** Exit codes per command (the README's table, narrowed to what each command can return). */
const EXITS: Readonly<Record<string, readonly string[]>> = {
  list: ["0 listed", "2 usage error"],
  describe: ["0 described", "2 unknown scenario"],
  run: [
    "0 pass",
    "1 a check failed",
    "2 usage error (bad option, size over the bound without --force, invalid fault schedule)",
    "3 liveness (budget exhausted, deadlock, not converged)",
    "70 internal error",
    "74 a trace or repro file could not be written",
    "130 interrupted",
  ],
  check: ["0 deterministic", "2 usage error", "4 the two runs differ", "70 internal error"],
  replay: [
    "0 identical to a passing run, or it now passes",
    "1 it still fails a check",
    "2 unreadable or invalid repro file",
    "3 it still fails liveness (or hangs)",
    "4 same code, different trace: nondeterminism",
    "70 internal error",
  ],
  shrink: ["0 shrunk and written", "2 usage error (unreadable repro, a run that passes)", "74 --out not writable"],
  sweep: [
    "0 every seed passed",
    "1 a check failed in some seed",
    "2 usage error (including an empty selection)",
    "3 only liveness failures (budget, deadlock, hang, out of memory)",
    "4 a failing seed ran differently when rerun alone",
    "70 internal error (a seed threw)",
    "74 a repro file could not be written",
    "130 interrupted (the partial summary is printed)",
  ],
  "sweep-merge": [
    "0 every seed passed",
    "1 / 3 failures, as for sweep",
    "2 bad input, overlapping shards, or shards missing (unless --allow-partial)",
  ],
  "sweep-diff": [
    "0 every common seed has the same hash",
    "2 bad input (no per-seed hashes)",
    "4 some seed's hash differs",
  ],
};

export const EXIT_PRECEDENCE = "70 > 141 > 130 > 74 > 2 > 4 > 1 > 3 > 0";

export function addHelp(command: Command): Command {
  const name = command.name();
  const examples = (EXAMPLES[name] ?? []).map((e) => `  npx simctl ${e}`);
  const exits = (EXITS[name] ?? []).map((e) => `  ${e}`);
  return command.addHelpText(
    "after",
    ["", "Examples:", ...examples, "", `Exit codes (the most serious wins: ${EXIT_PRECEDENCE}):`, ...exits].join("\n"),
  );
}

/** The program's own help: every exit code and the precedence. */
export const PROGRAM_HELP = [
  "",
  "Run `simctl <command> --help` for a command's options, examples and exit codes.",
  "",
  "Exit codes (one enum for every command; when several apply, the first listed here wins):",
  "  70  internal error (a bug in simctl)",
  "  141 stdout closed early, e.g. piped into head (the command stops at once)",
  "  130 interrupted by SIGINT or SIGTERM (partial output printed)",
  "  74  a file could not be written or read (the report is printed first)",
  "  2   usage error: bad arguments, options, repro file or fault schedule; no command",
  "  4   determinism mismatch",
  "  1   a check failed",
  "  3   liveness: a budget exhausted (events, virtual time, wall clock, memory), deadlock",
  "  0   pass",
  "",
  "NO_COLOR, FORCE_COLOR and --no-color are honoured.",
].join("\n");
