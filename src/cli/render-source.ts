// Which code wrote a repro file and which code replays it, on one line.

import type { ReproFile } from "../repro/schema.js";
import { describeSource, sourceIdentity } from "../repro/source.js";

/** `recorded by 0.1.0 code 3f2a… git 0f1d110; replayed by 0.1.0 code 3f2a… git 0f1d110`. */
export function sourceLine(repro: ReproFile): string {
  const recorded =
    repro.source === undefined ? `simctl ${repro.simctlVersion} (no source identity)` : describeSource(repro.source);
  return `recorded by ${recorded}; replayed by ${describeSource(sourceIdentity())}`;
}
