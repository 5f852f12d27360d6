// The async scenario family: the soak harness (SOAK-*), the orchestrator stress plan
// (ORCH-*), async reliability patterns (ASYNC-*) and parallel spawning (SPAWN-*), all on
// the kernel's process runtime in virtual time.
import type { ScenarioDef } from "../types.js";
import { soakScenarios } from "./soak.js";
import { orchConcurrent } from "./orch-concurrent.js";
import { orchCancellation, orchErrorRecovery, orchNodeTimeout, orchPipelineTimeout } from "./orch-failures.js";
import { operationIsolation, timeoutFallback } from "./patterns-isolation.js";
import { cancelCleanup, shieldCritical, structuredCancel } from "./patterns-cancel.js";
import { backpressure, lockFairness } from "./patterns-resources.js";
import { memoryCleanup, resourcePool } from "./patterns-pool.js";
import { nestedDeadline, partialResults } from "./patterns-deadlines.js";
import { spawnGlobalTimeout, spawnHighConcurrency, spawnMaxConcurrent, spawnSpeedup } from "./spawn-concurrency.js";
import { spawnEdgeCases, spawnExceptions, spawnProgress, spawnResultOrder } from "./spawn-results.js";
import { spawnAdhocLenient, spawnBreakerConcurrency, spawnHealth, spawnParallelRecovery } from "./spawn-breaker.js";
import {
  spawnAdhocParallel,
  spawnFailurePatterns,
  spawnFallback,
  spawnPartialSuccess,
  spawnPreSpawnBlock,
} from "./spawn-collect.js";
import { spawnRetryBackoff } from "./spawn-retry.js";

export const asyncScenarios: readonly ScenarioDef[] = [
  ...soakScenarios,
  orchConcurrent,
  orchNodeTimeout,
  orchPipelineTimeout,
  orchCancellation,
  orchErrorRecovery,
  operationIsolation,
  timeoutFallback,
  cancelCleanup,
  backpressure,
  nestedDeadline,
  partialResults,
  structuredCancel,
  shieldCritical,
  resourcePool,
  lockFairness,
  memoryCleanup,
  spawnAdhocParallel,
  spawnBreakerConcurrency,
  spawnAdhocLenient,
  spawnFallback,
  spawnPreSpawnBlock,
  spawnParallelRecovery,
  spawnMaxConcurrent,
  spawnGlobalTimeout,
  spawnFailurePatterns,
  spawnRetryBackoff,
  spawnPartialSuccess,
  spawnEdgeCases,
  spawnHighConcurrency,
  spawnExceptions,
  spawnResultOrder,
  spawnProgress,
  spawnHealth,
  spawnSpeedup,
];
