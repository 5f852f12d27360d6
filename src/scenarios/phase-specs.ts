// Option specs shared by every scenario that runs in two phases (src/sim/net/world.ts):
// faults for `faultPhaseMs`, then everything heals and the system has `livenessBudgetMs`
// to converge. Spread into a schema: `schema: { nodes: integer(...), ...phaseSpecs }`.

import { duration } from "./option-spec.js";

export const phaseSpecs = {
  faultPhaseMs: duration("1ms", "24h", "how long the fault phase runs before everything heals"),
  livenessBudgetMs: duration("0ms", "24h", "how long after the heal the system has to converge"),
} as const;
