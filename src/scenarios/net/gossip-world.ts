// Builds a World of gossip nodes for a network scenario and offers the queries the
// scenarios' checks share (receipts in a window, links, pairs that reconnected).

import { World, flatTopology, buildTopology, type LinkOptions, type Topology, type NodeId } from "../../sim/index.js";
import type { ScenarioContext } from "../context.js";
import type { Options } from "../types.js";
import { GossipNode, type GossipOptions, type Receipt } from "./gossip-node.js";

export interface GossipWorld {
  world: World;
  log: Receipt[];
  sent: Map<string, number[]>;
  ids: NodeId[];
  options: GossipOptions;
}

export function twoDcTopology(nodesPerDc: number): Topology {
  const t = buildTopology({
    regions: [{ id: "us", dcs: ["dc1", "dc2"] }],
    gates: 0,
    managersPerDc: 0,
    workersPerDc: nodesPerDc,
    clients: 0,
  });
  return t;
}

export function buildGossipWorld(
  ctx: ScenarioContext<Options>,
  setup: {
    topology?: Topology;
    nodes?: number;
    intervalMs: number;
    link?: Partial<LinkOptions>;
    extra?: Partial<GossipOptions>;
  },
): GossipWorld {
  const topology = setup.topology ?? flatTopology(Array.from({ length: setup.nodes ?? 3 }, (_, i) => `n${i + 1}`));
  const role = topology.nodes[0]?.role ?? "node";
  const log: Receipt[] = [];
  const sent = new Map<string, number[]>();
  const options: GossipOptions = { intervalMs: setup.intervalMs, role, log, sent, ...setup.extra };
  const world = new World(ctx, {
    topology,
    factories: { [role]: (env) => new GossipNode(env as never, options) },
    ...(setup.link === undefined ? {} : { link: setup.link }),
  });
  ctx.summary(() => world.summaryRows());
  ctx.onFinish(() => {
    const s = world.network.stats;
    ctx.metric("messages.sent", s.sent);
    ctx.metric("messages.delivered", s.delivered);
    ctx.metric("messages.duplicated", s.duplicated);
    for (const [reason, n] of Object.entries(s.dropped)) ctx.metric(`messages.dropped.${reason}`, n);
  });
  return { world, log, sent, ids: topology.nodes.map((n) => n.id), options };
}

/** Pings received on a link (from -> to). */
export function pingsOn(log: readonly Receipt[], from: NodeId, to: NodeId): Receipt[] {
  return log.filter((r) => r.type === "ping" && r.from === from && r.to === to);
}

/** Pending reason for liveness: a directed pair that has not heard a ping since `sinceUs`. */
export function unheardPair(log: readonly Receipt[], ids: readonly NodeId[], sinceUs: number): string | null {
  const heard = new Set<string>();
  for (const r of log) if (r.type === "ping" && r.atUs >= sinceUs) heard.add(`${r.from}->${r.to}`);
  for (const a of ids)
    for (const b of ids) if (a !== b && !heard.has(`${a}->${b}`)) return `${b} has not heard ${a} since the heal`;
  return null;
}
