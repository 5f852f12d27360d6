// The async scenario family.
import type { ScenarioDef } from "../types.js";

export const asyncScenarios: readonly ScenarioDef[] = [];
