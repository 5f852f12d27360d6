// Swarm testing (TigerBeetle's VOPR): each seed draws which fault kinds are on — some
// entirely off — and their rates and stabilities, then a concrete schedule of steps for
// the fault phase. The whole random schedule is drawn up front from its own stream, so
// it is plain data in the run result: replayable and shrinkable like a scripted one.

import type { Rng } from "../rng.js";
import type { FaultStep } from "./fault-step.js";
import type { Topology } from "./topology.js";

export interface FaultOptions {
  partitionsEnabled: boolean;
  partitionMeanIntervalMs: number;
  /** Minimum time a partition stays, and a healed network stays whole, before flipping again. */
  partitionStabilityMs: number;
  partitionOneWayProbability: number;
  clogsEnabled: boolean;
  clogMeanIntervalMs: number;
  clogDurationMaxMs: number;
  swizzleProbability: number;
  crashesEnabled: boolean;
  crashMeanIntervalMs: number;
  crashDowntimeMaxMs: number;
  maxNodesDown: number;
  pausesEnabled: boolean;
  pauseMeanIntervalMs: number;
  pauseDurationMaxMs: number;
  clockSkewEnabled: boolean;
  clockOffsetMaxMs: number;
  clockDriftMaxPpm: number;
  packetLossProbability: number;
  duplicateProbability: number;
  lossChangesEnabled: boolean;
  lossChangeMeanIntervalMs: number;
  /** Comma-separated roles that may crash or pause ("" = all). */
  faultyRoles: string;
}

/** No faults at all. */
export function optionsCalm(): FaultOptions {
  return {
    partitionsEnabled: false,
    partitionMeanIntervalMs: 0,
    partitionStabilityMs: 0,
    partitionOneWayProbability: 0,
    clogsEnabled: false,
    clogMeanIntervalMs: 0,
    clogDurationMaxMs: 0,
    swizzleProbability: 0,
    crashesEnabled: false,
    crashMeanIntervalMs: 0,
    crashDowntimeMaxMs: 0,
    maxNodesDown: 0,
    pausesEnabled: false,
    pauseMeanIntervalMs: 0,
    pauseDurationMaxMs: 0,
    clockSkewEnabled: false,
    clockOffsetMaxMs: 0,
    clockDriftMaxPpm: 0,
    packetLossProbability: 0,
    duplicateProbability: 0,
    lossChangesEnabled: false,
    lossChangeMeanIntervalMs: 0,
    faultyRoles: "",
  };
}

/** Draws per seed which fault kinds are on and how hard they hit. */
export function optionsSwarm(rng: Rng, faultyRoles = ""): FaultOptions {
  const on = (): boolean => rng.chance(1, 2);
  return {
    partitionsEnabled: on(),
    partitionMeanIntervalMs: rng.int(500, 5_000),
    partitionStabilityMs: rng.int(100, 2_000),
    partitionOneWayProbability: rng.int(0, 50) / 100,
    clogsEnabled: on(),
    clogMeanIntervalMs: rng.int(500, 5_000),
    clogDurationMaxMs: rng.int(50, 2_000),
    swizzleProbability: rng.int(0, 50) / 100,
    crashesEnabled: on(),
    crashMeanIntervalMs: rng.int(1_000, 10_000),
    crashDowntimeMaxMs: rng.int(100, 5_000),
    maxNodesDown: rng.int(1, 2),
    pausesEnabled: on(),
    pauseMeanIntervalMs: rng.int(1_000, 10_000),
    pauseDurationMaxMs: rng.int(10, 2_000),
    clockSkewEnabled: on(),
    clockOffsetMaxMs: rng.int(0, 500),
    clockDriftMaxPpm: rng.int(0, 500),
    packetLossProbability: rng.chance(1, 2) ? rng.int(0, 100) / 1000 : 0,
    duplicateProbability: rng.chance(1, 3) ? rng.int(0, 50) / 1000 : 0,
    lossChangesEnabled: on(),
    lossChangeMeanIntervalMs: rng.int(500, 5_000),
    faultyRoles,
  };
}

function interval(rng: Rng, meanMs: number): number {
  return Math.max(1, Math.round(rng.exponential(meanMs)));
}

function faultyNodes(topology: Topology, roles: string): string[] {
  const wanted = roles
    .split(",")
    .map((r) => r.trim())
    .filter((r) => r !== "");
  return topology.nodes.filter((n) => wanted.length === 0 || wanted.includes(n.role)).map((n) => n.id);
}

/** A concrete schedule for a fault phase of `phaseMs`, sorted by time (stable). */
export function drawSchedule(rng: Rng, options: FaultOptions, topology: Topology, phaseMs: number): FaultStep[] {
  const steps: FaultStep[] = [];
  const candidates = faultyNodes(topology, options.faultyRoles);
  if (options.clockSkewEnabled) drawClocks(rng.fork("clock"), options, candidates, steps);
  if (options.partitionsEnabled) drawPartitions(rng.fork("partition"), options, topology, phaseMs, steps);
  if (options.clogsEnabled) drawClogs(rng.fork("clog"), options, topology, phaseMs, steps);
  if (options.crashesEnabled && candidates.length > 0)
    drawOutages(
      rng.fork("crash"),
      "crash",
      options.crashMeanIntervalMs,
      options.crashDowntimeMaxMs,
      options.maxNodesDown,
      candidates,
      phaseMs,
      steps,
    );
  if (options.pausesEnabled && candidates.length > 0)
    drawOutages(
      rng.fork("pause"),
      "pause",
      options.pauseMeanIntervalMs,
      options.pauseDurationMaxMs,
      1,
      candidates,
      phaseMs,
      steps,
    );
  if (options.lossChangesEnabled) drawLossChanges(rng.fork("loss"), options, phaseMs, steps);
  return steps
    .map((s, i) => ({ s, i }))
    .sort((x, y) => x.s.atMs - y.s.atMs || x.i - y.i)
    .map((x) => x.s);
}

function drawClocks(rng: Rng, options: FaultOptions, nodes: string[], steps: FaultStep[]): void {
  for (const node of nodes) {
    if (!rng.chance(1, 3)) continue;
    const offsetMs = rng.int(-options.clockOffsetMaxMs, options.clockOffsetMaxMs);
    if (offsetMs !== 0) steps.push({ atMs: 0, action: "clock-offset", node, offsetMs });
    const ppm = rng.int(-options.clockDriftMaxPpm, options.clockDriftMaxPpm);
    if (ppm !== 0) steps.push({ atMs: 0, action: "clock-drift", node, ppm });
  }
}

function drawPartitions(
  rng: Rng,
  options: FaultOptions,
  topology: Topology,
  phaseMs: number,
  steps: FaultStep[],
): void {
  let t = interval(rng, options.partitionMeanIntervalMs);
  let count = 0;
  while (t < phaseMs) {
    const name = `swarm-p${++count}`;
    const [a, b] = splitNodes(rng, topology);
    const oneWay = rng.int(0, 99) < Math.round(options.partitionOneWayProbability * 100);
    steps.push({ atMs: t, action: "partition", name, a, b, oneWay });
    const lasting = Math.max(options.partitionStabilityMs, interval(rng, options.partitionMeanIntervalMs / 2));
    steps.push({ atMs: Math.min(t + lasting, phaseMs), action: "heal", name });
    t += lasting + Math.max(options.partitionStabilityMs, interval(rng, options.partitionMeanIntervalMs));
  }
}

/** Either one whole DC against the rest, or a random subset against its complement. */
function splitNodes(rng: Rng, topology: Topology): [string[], string[]] {
  if (topology.dcs.length > 1 && rng.chance(1, 2)) {
    const dc = rng.pick(topology.dcs).id;
    return [[`dc:${dc}`], topology.nodes.filter((n) => n.dc !== dc).map((n) => n.id)];
  }
  const shuffled = rng.shuffle(topology.nodes.map((n) => n.id));
  const cut = rng.int(1, Math.max(1, shuffled.length - 1));
  return [shuffled.slice(0, cut), shuffled.slice(cut)];
}

function drawClogs(rng: Rng, options: FaultOptions, topology: Topology, phaseMs: number, steps: FaultStep[]): void {
  let t = interval(rng, options.clogMeanIntervalMs);
  let count = 0;
  const ids = topology.nodes.map((n) => n.id);
  while (t < phaseMs) {
    const durationMs = rng.int(1, Math.max(1, options.clogDurationMaxMs));
    if (rng.int(0, 99) < Math.round(options.swizzleProbability * 100) && ids.length > 1) {
      // Swizzle-clog: clog a random subset one node at a time, then unclog in random order.
      const subset = rng.shuffle(ids).slice(0, rng.int(2, Math.min(ids.length, 6)));
      const stepMs = Math.max(1, Math.round(durationMs / (subset.length * 2)));
      const names = subset.map((node, i) => {
        const name = `swarm-swizzle${count + 1}-${i + 1}`;
        steps.push({ atMs: t + i * stepMs, action: "clog", node, name });
        return name;
      });
      const releaseAt = t + subset.length * stepMs;
      rng.shuffle(names).forEach((name, i) => {
        steps.push({ atMs: releaseAt + i * stepMs, action: "unclog", name });
      });
      count++;
      t = releaseAt + names.length * stepMs;
    } else {
      steps.push({ atMs: t, action: "clog", node: rng.pick(ids), durationMs, name: `swarm-clog${++count}` });
      t += durationMs;
    }
    t += interval(rng, options.clogMeanIntervalMs);
  }
}

function drawOutages(
  rng: Rng,
  action: "crash" | "pause",
  meanMs: number,
  maxMs: number,
  maxDown: number,
  nodes: string[],
  phaseMs: number,
  steps: FaultStep[],
): void {
  const downUntil = new Map<string, number>();
  let t = interval(rng, meanMs);
  while (t < phaseMs) {
    const busy = [...downUntil.entries()].filter(([, until]) => until > t).map(([id]) => id);
    const free = nodes.filter((id) => !busy.includes(id));
    if (busy.length < maxDown && free.length > 0) {
      const node = rng.pick(free);
      const durationMs = rng.int(1, Math.max(1, maxMs));
      steps.push({ atMs: t, action, node, durationMs });
      downUntil.set(node, t + durationMs);
    }
    t += interval(rng, meanMs);
  }
}

function drawLossChanges(rng: Rng, options: FaultOptions, phaseMs: number, steps: FaultStep[]): void {
  let t = interval(rng, options.lossChangeMeanIntervalMs);
  const ceiling = Math.max(0.01, options.packetLossProbability * 2);
  while (t < phaseMs) {
    steps.push({ atMs: t, action: "set-loss", probability: rng.int(0, Math.round(ceiling * 1000)) / 1000 });
    t += interval(rng, options.lossChangeMeanIntervalMs);
  }
}
