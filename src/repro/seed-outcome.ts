// One seed's outcome in a sweep: what a worker thread sends back for each seed, small
// enough to stream (the run itself stays in the worker). Failures carry their first
// violation, from which the signature that groups them is made.

import { errorMessage } from "../sim/index.js";
import type { RunResult } from "../scenarios/index.js";
import type { Outcome } from "./schema.js";
import { primarySignature, violationSignature } from "./signature.js";

export interface SeedOutcome {
  seed: number;
  verdict: Outcome;
  events: number;
  virtualTimeUs: number;
  /** Empty when the seed threw before producing a run. */
  traceHash: string;
  /** Null for a pass. */
  signature: string | null;
  check: string;
  message: string;
  nodes: string[];
  /** The coverage marks the seed reached (only when the sweep asked for coverage). */
  marks?: string[];
}

export function outcomeOf(result: RunResult): SeedOutcome {
  const v = result.violations[0];
  return {
    seed: result.seed,
    verdict: result.verdict,
    events: result.events,
    virtualTimeUs: result.virtualTimeUs,
    traceHash: result.traceHash,
    signature: primarySignature(result),
    check: v?.check ?? (result.verdict === "pass" ? "" : result.verdict),
    message: v?.message ?? "",
    nodes: v?.nodes ?? [],
  };
}

/** An exception thrown out of one seed's run: a failure like any other, grouped by its message. */
export function exceptionOutcome(seed: number, error: unknown): SeedOutcome {
  const message = errorMessage(error);
  const violation = { check: "exception", message, nodes: [] };
  return {
    seed,
    verdict: "error",
    events: 0,
    virtualTimeUs: 0,
    traceHash: "",
    signature: violationSignature(violation),
    ...violation,
  };
}
