// The cluster scenario family: gates, managers, workers and clients (src/nodes) on the
// simulated network, with the global invariant checkers on in every scenario.
import type { ScenarioDef } from "../types.js";
import { smoke } from "./smoke.js";

export const clusterScenarios: readonly ScenarioDef[] = [smoke];
