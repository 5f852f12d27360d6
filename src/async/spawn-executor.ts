// The spawn plan's collect phase on the simulator: subgoals run through the parallel
// runner, each by a named agent. The agent vocabulary maps onto the runtime like this:
//   - an agent is a scripted process (it emits output lines and returns or throws);
//   - a registered agent runs in the breaker's regular class; an ad-hoc agent (not in the
//     registry) is spawned on the fly in the lenient class and gets a spawn prompt from
//     the matcher hook, or from the fallback template when the matcher is unavailable;
//   - the circuit is checked before spawning: a refused subgoal is recorded as blocked
//     and, when a fallback agent is configured, runs that instead ("fallback to LLM");
//   - output lines are watched for error patterns and terminate the agent early;
//   - failures are typed (timeout, error_pattern, inference, crash) for the breaker.

import { isCancelled, now, type Micros, type Proc } from "../sim/index.js";
import type { CircuitBreaker, FailureType, HealthStatus } from "./circuit-breaker.js";
import { AgentTimeout, EarlyTermination, classifyFailure, detectPattern } from "./failure-patterns.js";
import { runParallel, type ParallelReport, type ProgressEvent } from "./parallel-runner.js";
import { runWithTimeout } from "./time-limit.js";

export interface AgentContext {
  prompt: string;
  /** Emits an output line; throws EarlyTermination when it matches an error pattern. */
  output: (line: string) => void;
}

export type AgentScript = (ctx: AgentContext) => Proc<string>;

export interface Subgoal {
  index: number;
  agentId: string;
  description: string;
}

export interface CollectOptions {
  maxConcurrent: number;
  agentTimeoutUs: Micros;
  breaker: CircuitBreaker;
  /** Registered agents by id; any other id is ad-hoc. */
  registry: ReadonlyMap<string, AgentScript>;
  /** Scripts for ad-hoc agents (what the generated agent will do), by id. */
  adhoc: ReadonlyMap<string, AgentScript>;
  /** Builds an ad-hoc spawn prompt; null when the matcher is unavailable. */
  matcher: ((subgoal: Subgoal) => string) | null;
  /** The prompt used when there is no matcher. */
  fallbackTemplate?: (subgoal: Subgoal) => string;
  /** Runs a subgoal whose circuit is open (a direct call without persona); none → the subgoal fails. */
  fallbackAgent?: AgentScript;
  onProgress?: (event: ProgressEvent) => void;
}

export interface CollectMetadata {
  totalSubgoals: number;
  failedSubgoals: number;
  fallbackCount: number;
  spawnCount: number;
  spawnedAgents: string[];
  fallbackAgents: string[];
  circuitBlockedCount: number;
  circuitBlocked: { agentId: string; subgoalIndex: number; reason: string; health: HealthStatus }[];
  earlyTerminations: { agentId: string; reason: string; detectionTimeUs: Micros }[];
  failures: { agentId: string; subgoalIndex: number; type: FailureType }[];
  /** The prompt each subgoal ran with, by subgoal index. */
  prompts: Map<number, string>;
}

export interface CollectReport {
  run: ParallelReport<string>;
  metadata: CollectMetadata;
}

export const defaultFallbackTemplate = (s: Subgoal): string =>
  `For this task, act as a specialist in ${s.agentId.replace(/[-_]/g, " ")}: ${s.description}`;

export class UnknownAgent extends Error {
  override readonly name = "UnknownAgent";
}

export function* executeAgents(subgoals: readonly Subgoal[], options: CollectOptions): Proc<CollectReport> {
  const meta: CollectMetadata = {
    totalSubgoals: subgoals.length,
    failedSubgoals: 0,
    fallbackCount: 0,
    spawnCount: 0,
    spawnedAgents: [],
    fallbackAgents: [],
    circuitBlockedCount: 0,
    circuitBlocked: [],
    earlyTerminations: [],
    failures: [],
    prompts: new Map(),
  };
  const tasks = subgoals.map((s) => ({ id: `${s.index}:${s.agentId}`, run: () => runSubgoal(s, options, meta) }));
  const run = yield* runParallel(tasks, {
    maxConcurrent: options.maxConcurrent,
    globalTimeoutUs: Math.round((options.agentTimeoutUs * 3) / 2),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  meta.failedSubgoals = run.results.filter((r) => !r.success).length;
  return { run, metadata: meta };
}

function* runSubgoal(s: Subgoal, options: CollectOptions, meta: CollectMetadata): Proc<string> {
  const { breaker } = options;
  const registered = options.registry.get(s.agentId);
  const script = registered ?? options.adhoc.get(s.agentId);
  if (script === undefined) throw new UnknownAgent(`no agent ${s.agentId} in the registry or the ad-hoc set`);
  if (registered === undefined) breaker.assign(s.agentId, "lenient");
  const admission = breaker.admit(s.agentId);
  if (!admission.allowed) {
    meta.circuitBlockedCount++;
    meta.circuitBlocked.push({
      agentId: s.agentId,
      subgoalIndex: s.index,
      reason: admission.reason,
      health: breaker.health(s.agentId),
    });
    if (options.fallbackAgent === undefined) throw new Error(admission.reason);
    meta.fallbackCount++;
    meta.fallbackAgents.push(s.agentId);
    const prompt = (options.fallbackTemplate ?? defaultFallbackTemplate)(s);
    meta.prompts.set(s.index, prompt);
    return yield* options.fallbackAgent({ prompt, output: () => {} });
  }
  const prompt =
    registered !== undefined
      ? s.description
      : (options.matcher?.(s) ?? (options.fallbackTemplate ?? defaultFallbackTemplate)(s));
  meta.prompts.set(s.index, prompt);
  if (registered === undefined) {
    meta.spawnCount++;
    meta.spawnedAgents.push(s.agentId);
  }
  const startUs = now();
  const ctx: AgentContext = {
    prompt,
    output: (line) => {
      const p = detectPattern(line);
      if (p !== null) throw new EarlyTermination(p, line);
    },
  };
  try {
    const out = yield* runWithTimeout(script(ctx), {
      timeoutUs: options.agentTimeoutUs,
      label: s.agentId,
      onExpire: () => new AgentTimeout(s.agentId, options.agentTimeoutUs),
    });
    breaker.recordSuccess(s.agentId, admission);
    return out;
  } catch (error) {
    if (error instanceof EarlyTermination)
      meta.earlyTerminations.push({ agentId: s.agentId, reason: error.message, detectionTimeUs: now() - startUs });
    const type = classifyFailure(error);
    if (isCancelled(error)) breaker.release(s.agentId, admission);
    else {
      breaker.recordFailure(s.agentId, type, admission);
      meta.failures.push({ agentId: s.agentId, subgoalIndex: s.index, type });
    }
    throw error;
  }
}
