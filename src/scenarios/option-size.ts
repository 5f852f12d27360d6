// Resource sanity: a scenario may declare how big its world grows with its options (nodes,
// processes, jobs, workflows held at once). A request whose estimate exceeds SIZE_BOUND is
// refused with the estimate before anything runs, unless forced (`--force`, `force: true`):
// each option can be in range while their product is a multi-gigabyte run that ends in a
// V8 out-of-memory abort.

import { OptionError } from "./option-check.js";
import type { Options } from "./result-types.js";

export interface SizeSpec<O extends Options = Options> {
  /** What is counted, as a formula a person can check against the options. */
  readonly formula: string;
  readonly estimate: (options: Readonly<O>) => number;
}

/**
 * The largest estimate run without --force. Each scenario's formula is scaled so that a
 * run at the bound takes at most about a minute and 1.3 GB here (2 cores, Node 20):
 * 100,000 orch pipelines 51 s / 0.9 GB; 2,000 cluster nodes 23 s / 1.3 GB; 1.5 M gossip
 * pings 13 s / 0.3 GB; 100,000 racing processes 18 s / 0.3 GB.
 */
export const SIZE_BOUND = 100_000;

export class SizeError extends OptionError {
  override readonly name = "SizeError";
  constructor(
    readonly scenario: string,
    readonly estimate: number,
    readonly formula: string,
  ) {
    super(
      `${scenario}: estimated size ${group(estimate)} (${formula}) exceeds the bound of ${group(SIZE_BOUND)}; pass --force to run it anyway`,
    );
  }
}

/** Throws SizeError when the estimate is over the bound and the run is not forced. */
export function checkSize(
  scenario: { id: string; size?: SizeSpec | undefined },
  options: Readonly<Options>,
  force: boolean,
): void {
  if (force || scenario.size === undefined) return;
  const estimate = scenario.size.estimate(options);
  if (!(estimate <= SIZE_BOUND)) throw new SizeError(scenario.id, estimate, scenario.size.formula);
}

function group(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : String(n);
}
