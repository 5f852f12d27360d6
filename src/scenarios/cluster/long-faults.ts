// Long faults for cluster/chaos, beside the swarm's short ones: outages (crash, pause, or a
// partition that isolates one node) that outlast the detection timers of the node's
// observers, so members are really declared dead, jobs are taken over and adopted, and
// a gate sometimes stays gone long enough to be reaped and purged; and the replay fault,
// which delivers old messages again long after they were sent. All of it is plain fault
// steps, recorded in the applied schedule and shrunk like any other.

import type { FaultStep, Rng, Topology } from "../../sim/index.js";

/** What the draw needs to know of the run's timers. */
export interface DetectionTimes {
  /** Longest suspicion an observer of each role keeps (ms, after scaling). */
  suspicionMaxMsByRole: Record<string, number>;
  deadPeerReapIntervalMs: number;
  deadPeerCheckIntervalMs: number;
  faultPhaseMs: number;
  /** When jobs are submitted: outages start in this window, so they hit nodes with work. */
  workloadStartMs: number;
  workloadEndMs: number;
}

/** Probe rounds need a few periods to reach a member and fail: added to every bound. */
const PROBE_SLACK_MS = 8_000;

/** How long `role` must stay gone before its observers declare it dead (and, for gates, purge it). */
function outageMs(rng: Rng, role: string, t: DetectionTimes): number {
  const dead = (t.suspicionMaxMsByRole[role] ?? 30_000) + PROBE_SLACK_MS;
  if (role === "gate" && rng.chance(1, 2)) {
    // Long enough to be reaped (one interval) and then purged (two more), with check slack.
    return dead + 3 * t.deadPeerReapIntervalMs + 3 * t.deadPeerCheckIntervalMs;
  }
  return Math.round(dead * (1.2 + rng.next() * 1.8));
}

/** The longest outage `outageMs` can draw for `role`. */
export function longestOutageMs(role: string, t: DetectionTimes): number {
  const dead = (t.suspicionMaxMsByRole[role] ?? 30_000) + PROBE_SLACK_MS;
  const reaped = role === "gate" ? dead + 3 * t.deadPeerReapIntervalMs + 3 * t.deadPeerCheckIntervalMs : 0;
  return Math.max(reaped, 3 * dead);
}

function outageStep(rng: Rng, node: string, atMs: number, durationMs: number, others: string[]): FaultStep {
  const kind = rng.int(0, 99);
  if (kind < 70) return { atMs, action: "crash", node, durationMs };
  if (kind < 85) return { atMs, action: "pause", node, durationMs };
  return {
    atMs,
    action: "partition",
    name: `isolate-${node}-${atMs}`,
    a: [node],
    b: others,
    oneWay: false,
    durationMs,
  };
}

/**
 * `count` long outages on gates, managers and workers (never a client). The role is drawn
 * first, so the few gates go down as often as the many workers.
 */
export function drawLongOutages(rng: Rng, topology: Topology, count: number, t: DetectionTimes): FaultStep[] {
  const byRole = ["gate", "manager", "worker"]
    .map((role) => topology.nodes.filter((n) => n.role === role))
    .filter((nodes) => nodes.length > 0);
  const steps: FaultStep[] = [];
  const down = new Set<string>();
  for (let i = 0; i < count && byRole.length > 0; i++) {
    const target = rng.pick(rng.pick(byRole));
    if (down.has(target.id)) continue;
    down.add(target.id);
    const durationMs = outageMs(rng, target.role, t);
    const latestStart = Math.max(1_000, Math.floor(t.faultPhaseMs - Math.min(durationMs, t.faultPhaseMs / 2)));
    const from = Math.min(t.workloadStartMs, latestStart);
    const atMs = rng.int(from, Math.max(from, Math.min(latestStart, t.workloadEndMs)));
    const others = topology.nodes.filter((n) => n.id !== target.id).map((n) => n.id);
    steps.push(outageStep(rng, target.id, atMs, durationMs, others));
  }
  return steps;
}

/** The replay fault from a drawn instant of the fault phase: `percent` of messages arrive again 2–60 s later. */
export function replayStep(rng: Rng, percent: number, faultPhaseMs: number): FaultStep[] {
  if (percent <= 0) return [];
  return [
    {
      atMs: rng.int(0, Math.floor(faultPhaseMs / 2)),
      action: "set-replay",
      probability: percent / 100,
      minDelayMs: 2_000,
      maxDelayMs: 60_000,
    },
  ];
}
