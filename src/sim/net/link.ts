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
 * Knobs of every directed link, by class. A link's knobs depend only on each end's
 * (DC, region) unless the pair has an override, so the table holds one shared knobs object
 * per pair of classes (a cluster has a handful) plus one per overridden pair: memory O(n +
 * classes² + overrides) rather than the n² entries a pair table needs (72 MB at 3,000
 * nodes). A send costs two small-array reads, and a map lookup only when some pair is
 * overridden. Knobs are read-only: pairs of the same two classes share one object.
 */
export class LinkTable {
  private readonly classOf: Int32Array;
  private readonly classes: number;
  private readonly shared: LinkKnobs[];
  /** Overridden pairs by `from.index * n + to.index`. */
  private readonly overridden = new Map<number, LinkKnobs>();
  private readonly n: number;

  constructor(topology: Topology, options: LinkOptions, overrides: ReadonlyMap<string, LinkOverride>) {
    const nodes = topology.nodes;
    this.n = nodes.length;
    const classIds = new Map<string, number>();
    const first: NodeSpec[] = [];
    this.classOf = new Int32Array(this.n);
    for (const node of nodes) {
      const key = `${node.dc ?? ""}@${node.region}`;
      let id = classIds.get(key);
      if (id === undefined) {
        id = classIds.size;
        classIds.set(key, id);
        first.push(node);
      }
      this.classOf[node.index] = id;
    }
    this.classes = first.length;
    this.shared = [];
    for (const from of first) for (const to of first) this.shared.push(knobsFor(options, from, to, undefined));
    if (overrides.size === 0) return;
    const byId = new Map(nodes.map((node) => [node.id, node]));
    for (const [pair, override] of overrides) {
      const arrow = pair.indexOf("->");
      const from = byId.get(pair.slice(0, arrow));
      const to = byId.get(pair.slice(arrow + 2));
      // An override naming no node of this topology applies to no link.
      if (arrow < 0 || from === undefined || to === undefined) continue;
      this.overridden.set(from.index * this.n + to.index, knobsFor(options, from, to, override));
    }
  }

  /** The knobs of the link from node index `from` to node index `to`. */
  knobs(from: number, to: number): LinkKnobs {
    if (this.overridden.size > 0) {
      const own = this.overridden.get(from * this.n + to);
      if (own !== undefined) return own;
    }
    return this.shared[this.classOf[from]! * this.classes + this.classOf[to]!]!;
  }
}
