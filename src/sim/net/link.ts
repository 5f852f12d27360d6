// The link model: one-way latency by pair class plus jitter, and per-message loss,
// duplication and reordering probabilities. Every knob can be overridden per link.
// Probabilities are decided on integers (parts per million), never by float compare.

import type { Rng } from "../rng.js";
import type { Micros } from "../time.js";
import type { NodeSpec, Topology } from "./topology.js";

export interface LinkOptions {
  sameDcMinUs: Micros;
  sameDcMaxUs: Micros;
  /** One-way latency between DCs of the same region. */
  sameRegionOneWayUs: Micros;
  /** Round-trip times between regions, keyed "a|b" with names sorted (one-way is half). */
  regionRttMs: Record<string, number>;
  /** Round trip used for a region pair not in the table. */
  defaultRegionRttMs: number;
  /** Jitter as a fraction of the class latency (cross-DC classes). */
  jitterFraction: number;
  packetLossProbability: number;
  duplicateProbability: number;
  /** Chance a message gets an extra delay of up to `reorderExtraMaxUs`, overtaking later ones. */
  reorderProbability: number;
  reorderExtraMaxUs: Micros;
  /** Deliver in send order on each (from, to) link. */
  fifo: boolean;
  maxMessageBytes: number;
}

export const DEFAULT_LINK: LinkOptions = {
  sameDcMinUs: 200,
  sameDcMaxUs: 1_000,
  sameRegionOneWayUs: 10_000,
  regionRttMs: { "eu|us": 100, "asia|us": 200, "asia|eu": 250 },
  defaultRegionRttMs: 150,
  jitterFraction: 0.1,
  packetLossProbability: 0,
  duplicateProbability: 0,
  reorderProbability: 0,
  reorderExtraMaxUs: 5_000,
  fifo: false,
  maxMessageBytes: 1_048_576,
};

export type LinkOverride = Partial<Omit<LinkOptions, "regionRttMs" | "defaultRegionRttMs">> & { oneWayUs?: Micros };

export const PPM = 1_000_000;

export function toPpm(probability: number): number {
  return Math.max(0, Math.min(PPM, Math.round(probability * PPM)));
}

/**
 * Resolved knobs of one directed link, precomputed so a send does table lookups only.
 * Read-only: one object is shared by every pair of the same two (DC, region) classes.
 */
export interface LinkKnobs {
  readonly baseUs: Micros;
  readonly spreadUs: Micros;
  readonly lossPpm: number;
  readonly dupPpm: number;
  readonly reorderPpm: number;
  readonly reorderExtraMaxUs: Micros;
  readonly fifo: boolean;
  readonly maxMessageBytes: number;
}

export function regionPairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function classLatency(options: LinkOptions, from: NodeSpec, to: NodeSpec): { baseUs: Micros; spreadUs: Micros } {
  if (from.dc !== null && from.dc === to.dc) {
    return { baseUs: options.sameDcMinUs, spreadUs: options.sameDcMaxUs - options.sameDcMinUs };
  }
  let oneWay: Micros;
  if (from.region === to.region) {
    // Gates and clients have no DC: treat them as one hop inside their region.
    oneWay =
      from.dc === null || to.dc === null
        ? Math.round((options.sameDcMinUs + options.sameDcMaxUs) / 2) * 2
        : options.sameRegionOneWayUs;
  } else {
    const rtt = options.regionRttMs[regionPairKey(from.region, to.region)] ?? options.defaultRegionRttMs;
    oneWay = Math.round((rtt * 1000) / 2);
  }
  const jitter = Math.round(oneWay * options.jitterFraction);
  return { baseUs: oneWay - jitter, spreadUs: 2 * jitter };
}

export function knobsFor(
  options: LinkOptions,
  from: NodeSpec,
  to: NodeSpec,
  override: LinkOverride | undefined,
): LinkKnobs {
  const latency = classLatency(options, from, to);
  // Mutable only while it is being built.
  const knobs: { -readonly [K in keyof LinkKnobs]: LinkKnobs[K] } = {
    baseUs: latency.baseUs,
    spreadUs: latency.spreadUs,
    lossPpm: toPpm(options.packetLossProbability),
    dupPpm: toPpm(options.duplicateProbability),
    reorderPpm: toPpm(options.reorderProbability),
    reorderExtraMaxUs: options.reorderExtraMaxUs,
    fifo: options.fifo,
    maxMessageBytes: options.maxMessageBytes,
  };
  if (override === undefined) return knobs;
  if (override.oneWayUs !== undefined) {
    knobs.baseUs = override.oneWayUs;
    knobs.spreadUs = 0;
  }
  if (override.sameDcMinUs !== undefined || override.sameDcMaxUs !== undefined) {
    const min = override.sameDcMinUs ?? options.sameDcMinUs;
    knobs.baseUs = min;
    knobs.spreadUs = (override.sameDcMaxUs ?? options.sameDcMaxUs) - min;
  }
  if (override.packetLossProbability !== undefined) knobs.lossPpm = toPpm(override.packetLossProbability);
  if (override.duplicateProbability !== undefined) knobs.dupPpm = toPpm(override.duplicateProbability);
  if (override.reorderProbability !== undefined) knobs.reorderPpm = toPpm(override.reorderProbability);
  if (override.reorderExtraMaxUs !== undefined) knobs.reorderExtraMaxUs = override.reorderExtraMaxUs;
  if (override.fifo !== undefined) knobs.fifo = override.fifo;
  if (override.maxMessageBytes !== undefined) knobs.maxMessageBytes = override.maxMessageBytes;
  return knobs;
}

/** One draw of a link's latency. */
export function drawLatency(knobs: LinkKnobs, rng: Rng): Micros {
  let delay = knobs.spreadUs > 0 ? knobs.baseUs + rng.int(0, knobs.spreadUs) : knobs.baseUs;
  if (knobs.reorderPpm > 0 && rng.int(0, PPM - 1) < knobs.reorderPpm) delay += rng.int(1, knobs.reorderExtraMaxUs);
  return delay;
}

/**
 * Precomputes knobs for every directed pair (n² entries; fine for the cluster sizes we
 * run). A link's knobs depend only on each end's (DC, region) unless the pair has an
 * override, so pairs of the same two classes share one object: a cluster has a handful
 * of classes, a few shared objects stay in cache where n² distinct ones (700 KB for 94
 * nodes) would miss on every send, and building the table costs n² array writes rather
 * than n² knob objects (it runs once per seed of a sweep). Knobs are read-only.
 */
export function buildLinkTable(
  topology: Topology,
  options: LinkOptions,
  overrides: ReadonlyMap<string, LinkOverride>,
): LinkKnobs[] {
  const n = topology.nodes.length;
  const classIds = new Map<string, number>();
  const classOf = topology.nodes.map((node) => {
    const key = `${node.dc ?? ""}@${node.region}`;
    let id = classIds.get(key);
    if (id === undefined) {
      id = classIds.size;
      classIds.set(key, id);
    }
    return id;
  });
  const classes = classIds.size;
  const shared: (LinkKnobs | undefined)[] = new Array(classes * classes);
  const table: LinkKnobs[] = new Array(n * n);
  for (const from of topology.nodes) {
    for (const to of topology.nodes) {
      const override = overrides.size === 0 ? undefined : overrides.get(`${from.id}->${to.id}`);
      if (override !== undefined) {
        table[from.index * n + to.index] = knobsFor(options, from, to, override);
        continue;
      }
      const pair = classOf[from.index]! * classes + classOf[to.index]!;
      table[from.index * n + to.index] = shared[pair] ??= knobsFor(options, from, to, undefined);
    }
  }
  return table;
}
