// Failure classification for spawned work. An agent's output is watched for error
// patterns (rate limit, auth, timeout text); a match terminates the agent early rather
// than waiting for its timeout. Every failure maps to one of the breaker's types:
// timeout, error_pattern, inference, crash.

import type { FailureType } from "./circuit-breaker.js";

export type PatternKind = "rate_limit" | "auth" | "timeout";

export interface ErrorPattern {
  kind: PatternKind;
  test: RegExp;
  reason: string;
}

export const ERROR_PATTERNS: readonly ErrorPattern[] = [
  {
    kind: "rate_limit",
    test: /rate[ _-]?limit|too many requests|\b429\b/i,
    reason: "Early detection: rate limit pattern detected",
  },
  {
    kind: "auth",
    test: /unauthori[sz]ed|invalid api key|authentication failed|\b401\b|\b403\b/i,
    reason: "Early detection: auth failure pattern detected",
  },
  {
    kind: "timeout",
    test: /timed out|deadline exceeded|\btimeout\b/i,
    reason: "Early detection: timeout pattern detected",
  },
];

export function detectPattern(line: string): ErrorPattern | null {
  return ERROR_PATTERNS.find((p) => p.test.test(line)) ?? null;
}

/** Thrown at the output line where a pattern was seen. */
export class EarlyTermination extends Error {
  override readonly name = "EarlyTermination";
  constructor(
    readonly pattern: ErrorPattern,
    readonly line: string,
  ) {
    super(pattern.reason);
  }
}

/** An agent's own typed failure (an inference error, a crash it reports itself). */
export class AgentError extends Error {
  override readonly name = "AgentError";
  constructor(
    readonly failureType: FailureType,
    message: string,
  ) {
    super(message);
  }
}

/** Our agent-timeout error (distinct from any TimeoutError an agent throws itself). */
export class AgentTimeout extends Error {
  override readonly name = "AgentTimeout";
  constructor(
    readonly agentId: string,
    readonly timeoutUs: number,
  ) {
    super(`agent ${agentId} timed out after ${timeoutUs / 1000}ms`);
  }
}

export function classifyFailure(error: unknown): FailureType {
  if (error instanceof AgentTimeout) return "timeout";
  if (error instanceof EarlyTermination) return "error_pattern";
  if (error instanceof AgentError) return error.failureType;
  return "crash";
}
