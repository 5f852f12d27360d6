// One exit-code enum for every command (STYLE.md: exit codes are an enum).

export const ExitCode = {
  Pass: 0,
  CheckFailed: 1,
  Usage: 2,
  Liveness: 3,
  Determinism: 4,
  Internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

import type { Verdict } from "../scenarios/index.js";

export function exitCodeFor(verdict: Verdict): ExitCode {
  switch (verdict) {
    case "pass":
      return ExitCode.Pass;
    case "fail":
      return ExitCode.CheckFailed;
    case "liveness":
    case "deadlock":
      return ExitCode.Liveness;
    case "error":
      return ExitCode.Internal;
  }
}

/** A mistake in what the user typed or supplied: one line, exit 2 unless stated. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Usage,
  ) {
    super(message);
  }
}
