// The shape most spawn/async scenarios share: run `rounds` independent rounds, each with
// its own seeded stream ("round-N"), collect what went wrong, and assert nothing did.

import type { Proc, Rng } from "../../sim/index.js";
import type { ScenarioContext } from "../context.js";
import type { Options } from "../types.js";

export interface RoundsSpec {
  rounds: number;
  /** The check's name: what must hold in every round. */
  check: string;
  /** How many problems the failure message quotes. */
  show?: number;
}

export type Round = (round: number, rng: Rng, problems: string[]) => Proc<void>;

/** Drives the rounds as the scenario's main process and registers the one check over them. */
export function checkRounds<O extends Options>(ctx: ScenarioContext<O>, spec: RoundsSpec, round: Round): void {
  const problems: string[] = [];
  ctx.main(
    "rounds",
    (function* () {
      for (let i = 0; i < spec.rounds; i++) yield* round(i, ctx.rng.fork(`round-${i}`), problems);
    })(),
  );
  ctx.check(spec.check, () => (problems.length === 0 ? null : problems.slice(0, spec.show ?? 3).join("; ")));
}
