// One exit-code enum for every command (STYLE.md: exit codes are an enum), and one
// precedence for combining them: a sweep of many seeds, a replay that is both changed
// and failing, a run whose repro could not be written, each exit with the most serious
// code that applies. The README's table is this file in words.

import type { Outcome } from "../repro/schema.js";

export const ExitCode = {
  Pass: 0,
  CheckFailed: 1,
  Usage: 2,
  Liveness: 3,
  Determinism: 4,
  Internal: 70,
  /** A file could not be read or written (sysexits' EX_IOERR). */
  IoError: 74,
  /** Stopped by SIGINT or SIGTERM (128 + SIGINT's number, as shells report it). */
  Interrupted: 130,
  /** stdout was closed early (`simctl list | head`): 128 + SIGPIPE's number, as shells report it. */
  BrokenPipe: 141,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Most serious first. A bug in simctl outranks everything; then an interrupted command
 * (its output is partial); a file that could not be written (the output is incomplete);
 * incomplete input (sweep-merge's missing shards); then the verdicts: nondeterminism,
 * because it makes every other verdict unreliable, then a failed check, then liveness.
 */
export const PRECEDENCE: readonly ExitCode[] = [
  ExitCode.Internal,
  ExitCode.BrokenPipe,
  ExitCode.Interrupted,
  ExitCode.IoError,
  ExitCode.Usage,
  ExitCode.Determinism,
  ExitCode.CheckFailed,
  ExitCode.Liveness,
  ExitCode.Pass,
];

/** The most serious of `codes` by PRECEDENCE (Pass for none). */
export function worstExit(...codes: readonly ExitCode[]): ExitCode {
  let best: ExitCode = ExitCode.Pass;
  for (const code of codes) if (PRECEDENCE.indexOf(code) < PRECEDENCE.indexOf(best)) best = code;
  return best;
}

export function exitCodeFor(verdict: Outcome): ExitCode {
  switch (verdict) {
    case "pass":
      return ExitCode.Pass;
    case "fail":
      return ExitCode.CheckFailed;
    case "liveness":
    case "deadlock":
    case "hang":
    case "oom":
      return ExitCode.Liveness;
    case "error":
      return ExitCode.Internal;
  }
}

/** A mistake in what the user typed or supplied: one line, exit 2 unless stated. */
export class UsageError extends Error {
  override readonly name: string = "UsageError";
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Usage,
  ) {
    super(message);
  }
}

/** A file simctl could not write (or an output path it cannot use): one line, exit 74. */
export class FileError extends UsageError {
  override readonly name = "FileError";
  constructor(message: string) {
    super(message, ExitCode.IoError);
  }
}
