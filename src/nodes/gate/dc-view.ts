// A gate's view of the DCs and their managers (PROTOCOL.md §3.10, §5.4, §5.25 manager →
// gate): `dcManagers[dc][manager]` from registrations and heartbeats, heartbeat freshness
// (GM-2.3.4), DC health with the ratio model, and target selection — health bucket first,
// then a simple score (used cores / total cores), then the DC name. Latency scoring,
// hysteresis, spillover and reachability probes come with a later slice.

import type { ManagerHeartbeatBody, NodeId } from "../messages.js";

export type DcHealth = "healthy" | "busy" | "degraded" | "unhealthy";

export interface ManagerStatus {
  readonly id: NodeId;
  readonly dc: string;
  lastHeartbeat: ManagerHeartbeatBody;
  receivedAtUs: number;
  /** Fresh heartbeat (younger than heartbeatTimeoutMs) at the last sweep. */
  healthy: boolean;
}

export type Selection =
  | { ok: true; primary: string[]; fallback: string[] }
  | { ok: false; error: "initializing" | "no usable DC" };

const BUCKETS: readonly DcHealth[] = ["healthy", "busy", "degraded"];

export class DcView {
  readonly dcManagers = new Map<string, Map<NodeId, ManagerStatus>>();

  constructor(
    private readonly heartbeatTimeoutUs: number,
    /** Every manager id in the configured topology (for "initializing"). */
    private readonly configuredManagers: readonly NodeId[],
  ) {}

  /** Records a heartbeat; returns true when the manager was not known before. */
  apply(body: ManagerHeartbeatBody, nowUs: number): boolean {
    let dc = this.dcManagers.get(body.datacenter);
    if (dc === undefined) {
      dc = new Map();
      this.dcManagers.set(body.datacenter, dc);
    }
    const known = dc.get(body.nodeId);
    if (known === undefined) {
      dc.set(body.nodeId, {
        id: body.nodeId,
        dc: body.datacenter,
        lastHeartbeat: body,
        receivedAtUs: nowUs,
        healthy: true,
      });
      return true;
    }
    const newer =
      body.incarnation > known.lastHeartbeat.incarnation ||
      (body.incarnation === known.lastHeartbeat.incarnation && body.version > known.lastHeartbeat.version);
    if (!newer) return false;
    known.lastHeartbeat = body;
    known.receivedAtUs = nowUs;
    return false;
  }

  dcOf(manager: NodeId): string | null {
    for (const [dc, managers] of this.dcManagers) if (managers.has(manager)) return dc;
    return null;
  }

  isFresh(m: ManagerStatus, nowUs: number): boolean {
    return nowUs - m.receivedAtUs < this.heartbeatTimeoutUs;
  }

  /** §3.10 ratio model, without the overload signals (no overload detector yet). */
  health(dc: string, nowUs: number): DcHealth {
    const managers = this.dcManagers.get(dc);
    if (managers === undefined || managers.size === 0) return "unhealthy";
    let fresh = 0;
    let best: ManagerHeartbeatBody | null = null;
    for (const m of managers.values()) {
      if (!this.isFresh(m, nowUs)) continue;
      fresh++;
      if (best === null || (m.lastHeartbeat.isLeader && !best.isLeader)) best = m.lastHeartbeat;
    }
    if (best === null || best.workerCount === 0 || best.totalCores === 0) return "unhealthy";
    const managerLoss = (managers.size - fresh) / managers.size;
    const capacityUse = (best.totalCores - best.availableCores) / best.totalCores;
    return worst(level(managerLoss, 0.3, 0.5, 0.8), level(capacityUse, 0.7, 0.85, 0.95));
  }

  /** Managers of a DC to try, leader first (highest term), then the rest by id. */
  managerOrder(dc: string, nowUs: number): NodeId[] {
    const managers = [...(this.dcManagers.get(dc)?.values() ?? [])];
    managers.sort((a, b) => rank(b, nowUs, this) - rank(a, nowUs, this) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return managers.map((m) => m.id);
  }

  select(count: number, nowUs: number): Selection {
    const byBucket = new Map<DcHealth, { dc: string; score: number }[]>();
    for (const dc of this.dcManagers.keys()) {
      const h = this.health(dc, nowUs);
      if (h === "unhealthy") continue;
      const best = this.bestHeartbeat(dc, nowUs);
      const score = best === null || best.totalCores === 0 ? 1 : 1 - best.availableCores / best.totalCores;
      const bucket = byBucket.get(h);
      if (bucket === undefined) byBucket.set(h, [{ dc, score }]);
      else bucket.push({ dc, score });
    }
    const ranked: string[] = [];
    let primaryBucketSize = 0;
    for (const b of BUCKETS) {
      const list = byBucket.get(b);
      if (list === undefined) continue;
      list.sort((x, y) => x.score - y.score || (x.dc < y.dc ? -1 : x.dc > y.dc ? 1 : 0));
      if (ranked.length === 0) primaryBucketSize = list.length;
      for (const e of list) ranked.push(e.dc);
    }
    if (ranked.length === 0) {
      const anyKnown = this.dcManagers.size > 0;
      return { ok: false, error: anyKnown || this.configuredManagers.length === 0 ? "no usable DC" : "initializing" };
    }
    // A score never overrides the bucket order: primaries come from the first bucket only.
    const n = Math.max(1, Math.min(count, primaryBucketSize));
    return { ok: true, primary: ranked.slice(0, n), fallback: ranked.slice(n) };
  }

  private bestHeartbeat(dc: string, nowUs: number): ManagerHeartbeatBody | null {
    let best: ManagerHeartbeatBody | null = null;
    for (const m of this.dcManagers.get(dc)?.values() ?? []) {
      if (this.isFresh(m, nowUs) && (best === null || (m.lastHeartbeat.isLeader && !best.isLeader)))
        best = m.lastHeartbeat;
    }
    return best;
  }

  forget(manager: NodeId): void {
    for (const managers of this.dcManagers.values()) managers.delete(manager);
  }
}

function rank(m: ManagerStatus, nowUs: number, view: DcView): number {
  if (!view.isFresh(m, nowUs)) return -1;
  return m.lastHeartbeat.isLeader ? 1_000_000 + m.lastHeartbeat.term : 0;
}

function level(x: number, busy: number, degraded: number, unhealthy: number): DcHealth {
  return x >= unhealthy ? "unhealthy" : x >= degraded ? "degraded" : x >= busy ? "busy" : "healthy";
}

function worst(a: DcHealth, b: DcHealth): DcHealth {
  const order: readonly DcHealth[] = ["healthy", "busy", "degraded", "unhealthy"];
  return order.indexOf(a) >= order.indexOf(b) ? a : b;
}
