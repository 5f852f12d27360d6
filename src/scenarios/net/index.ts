// Network scenarios: the link and fault model at work, on small gossip nodes.
import type { ScenarioDef } from "../types.js";
import { partitionHeal } from "./partition-heal.js";
import { oneWayPartition } from "./one-way-partition.js";
import { swizzleClog } from "./swizzle-clog.js";
import { crashRestart } from "./crash-restart.js";
import { clockSkew } from "./clock-skew.js";
import { pauseResume } from "./pause-resume.js";
import { lossyLinks } from "./lossy-links.js";
import { oversize } from "./oversize.js";
import { netSwarm } from "./swarm.js";

export const netScenarios: readonly ScenarioDef[] = [
  partitionHeal,
  oneWayPartition,
  swizzleClog,
  crashRestart,
  clockSkew,
  pauseResume,
  lossyLinks,
  oversize,
  netSwarm,
];
