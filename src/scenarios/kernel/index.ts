// Kernel scenarios: no network, just the process runtime under load.
import type { ScenarioDef } from "../types.js";
import { pingPong } from "./ping-pong.js";
import { timeoutStorm } from "./timeout-storm.js";

export const kernelScenarios: readonly ScenarioDef[] = [pingPong, timeoutStorm];
