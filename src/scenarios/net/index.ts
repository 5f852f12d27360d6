// The net scenario family.
import type { ScenarioDef } from "../types.js";

export const netScenarios: readonly ScenarioDef[] = [];
