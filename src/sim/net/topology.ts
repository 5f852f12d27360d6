// Topology: regions contain DCs, DCs contain managers and workers; gates and clients
// belong to a region. Node ids are readable and stable: gate-1, dc1-mgr-2, dc1-wrk-07,
// client-1. The order of `nodes` is the boot order and the order of every iteration.

export interface NodeSpec {
  id: string;
  role: string;
  region: string;
  dc: string | null;
  /** Position in `Topology.nodes`, used for per-pair tables. */
  index: number;
}

export interface Topology {
  regions: string[];
  dcs: { id: string; region: string }[];
  nodes: NodeSpec[];
}

export interface ClusterShape {
  /** Regions with their DCs, e.g. [{ id: "us", dcs: ["dc1", "dc2"] }, { id: "eu", dcs: ["dc3"] }]. */
  regions: { id: string; dcs: string[] }[];
  gates: number;
  managersPerDc: number;
  workersPerDc: number;
  clients: number;
}

/** `n` DCs spread round-robin over us, eu, asia: dc1 in us, dc2 in eu, dc3 in asia, ... */
export function spreadDcs(dcCount: number, regions: readonly string[] = ["us", "eu", "asia"]): ClusterShape["regions"] {
  const out = regions.map((id) => ({ id, dcs: [] as string[] }));
  for (let i = 0; i < dcCount; i++) out[i % regions.length]!.dcs.push(`dc${i + 1}`);
  return out.filter((r) => r.dcs.length > 0);
}

function pad(n: number, total: number): string {
  return String(n).padStart(total >= 10 ? 2 : 1, "0");
}

/** Builds the usual shape: gates and clients round-robin over regions; managers and workers per DC. */
export function buildTopology(shape: ClusterShape): Topology {
  const nodes: NodeSpec[] = [];
  const add = (id: string, role: string, region: string, dc: string | null): void => {
    nodes.push({ id, role, region, dc, index: nodes.length });
  };
  const regions = shape.regions.map((r) => r.id);
  if (regions.length === 0) throw new Error("topology needs at least one region");
  const dcs = shape.regions.flatMap((r) => r.dcs.map((id) => ({ id, region: r.id })));
  for (let i = 1; i <= shape.gates; i++) add(`gate-${i}`, "gate", regions[(i - 1) % regions.length]!, null);
  for (const dc of dcs) {
    for (let i = 1; i <= shape.managersPerDc; i++) add(`${dc.id}-mgr-${i}`, "manager", dc.region, dc.id);
    for (let i = 1; i <= shape.workersPerDc; i++)
      add(`${dc.id}-wrk-${pad(i, shape.workersPerDc)}`, "worker", dc.region, dc.id);
  }
  for (let i = 1; i <= shape.clients; i++) add(`client-${i}`, "client", regions[(i - 1) % regions.length]!, null);
  return { regions, dcs, nodes };
}

/** A flat topology of named nodes in one DC (for small network scenarios). */
export function flatTopology(ids: readonly string[], role = "node", dc = "dc1", region = "us"): Topology {
  return {
    regions: [region],
    dcs: [{ id: dc, region }],
    nodes: ids.map((id, index) => ({ id, role, region, dc, index })),
  };
}

/**
 * Resolves a node selector to ids: an exact id, `dc:dc1`, `region:eu`, `role:gate`,
 * or `role:manager@dc1`. Returns null when nothing matches (an invalid selector).
 */
export function selectNodes(topology: Topology, selector: string): string[] | null {
  const colon = selector.indexOf(":");
  let matched: NodeSpec[];
  if (colon < 0) {
    matched = topology.nodes.filter((n) => n.id === selector);
  } else {
    const kind = selector.slice(0, colon);
    const value = selector.slice(colon + 1);
    if (kind === "dc") matched = topology.nodes.filter((n) => n.dc === value);
    else if (kind === "region") matched = topology.nodes.filter((n) => n.region === value);
    else if (kind === "role") {
      const [role, dc] = value.split("@");
      matched = topology.nodes.filter((n) => n.role === role && (dc === undefined || n.dc === dc));
    } else return null;
  }
  return matched.length === 0 ? null : matched.map((n) => n.id);
}
