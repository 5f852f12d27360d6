// The cluster scenario family.
import type { ScenarioDef } from "../types.js";

export const clusterScenarios: readonly ScenarioDef[] = [];
