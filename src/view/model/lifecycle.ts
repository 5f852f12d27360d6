// A node's life as periods to draw on its lane: "off" before its first boot (the whole
// run for a node that never boots), "down" from a crash to its restart, "paused" from a
// pause to its resume. Up periods are the lane's plain background and are not listed.

import type { StateChange } from "./run-data.js";

export interface Period {
  node: number;
  state: string;
  fromUs: number;
  toUs: number;
}

export function statePeriods(states: readonly StateChange[], nodeCount: number, endUs: number): Period[] {
  const out: Period[] = [];
  const current: { state: string; since: number }[] = [];
  for (let n = 0; n < nodeCount; n++) current.push({ state: "off", since: 0 });
  const close = (node: number, atUs: number): void => {
    const c = current[node]!;
    if (c.state !== "up" && atUs > c.since) out.push({ node, state: c.state, fromUs: c.since, toUs: atUs });
  };
  for (const s of states) {
    if (s.node < 0 || s.node >= nodeCount) continue;
    close(s.node, s.atUs);
    current[s.node] = { state: s.state, since: s.atUs };
  }
  for (let n = 0; n < nodeCount; n++) close(n, endUs);
  return out;
}
