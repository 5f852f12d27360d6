// A manager's registry of its DC's workers (PROTOCOL.md §5.25, §3.11, §5.8 allocation).
// Records come from registrations and from heartbeats (direct or embedded in membership
// acks); a heartbeat is applied once per (incarnation, version). `reserved` counts cores
// of dispatches sent but not yet reflected in a heartbeat, so two dispatches in a row do
// not both count the same free cores.

import type { NodeId, WorkerHeartbeatBody } from "../messages.js";
import type { Membership } from "../parts/membership.js";

export interface WorkerRecord {
  readonly id: NodeId;
  incarnation: number;
  version: number;
  totalCores: number;
  availableCores: number;
  reserved: number;
  registeredAtUs: number;
}

export type HeartbeatVerdict = "new" | "restarted" | "updated" | "stale";

export class WorkerRegistry {
  readonly workers = new Map<NodeId, WorkerRecord>();

  constructor(private readonly membership: Membership) {}

  /** Applies a registration or heartbeat; "restarted" means the old incarnation's work is lost. */
  apply(
    body: Pick<WorkerHeartbeatBody, "nodeId" | "incarnation" | "version" | "totalCores" | "availableCores">,
    nowUs: number,
  ): HeartbeatVerdict {
    const w = this.workers.get(body.nodeId);
    if (w === undefined) {
      this.workers.set(body.nodeId, {
        id: body.nodeId,
        incarnation: body.incarnation,
        version: body.version,
        totalCores: body.totalCores,
        availableCores: body.availableCores,
        reserved: 0,
        registeredAtUs: nowUs,
      });
      return "new";
    }
    if (body.incarnation < w.incarnation) return "stale";
    if (body.incarnation > w.incarnation) {
      w.incarnation = body.incarnation;
      w.version = body.version;
      w.totalCores = body.totalCores;
      w.availableCores = body.availableCores;
      w.reserved = 0;
      w.registeredAtUs = nowUs;
      return "restarted";
    }
    if (body.version <= w.version) return "stale";
    w.version = body.version;
    w.availableCores = body.availableCores;
    w.reserved = 0;
    return "updated";
  }

  /** Never an UNHEALTHY worker (§3.11): suspected, dead or unknown to membership. */
  isSelectable(id: NodeId): boolean {
    return this.membership.isHealthy(id);
  }

  /**
   * The worker with the most free cores (then most total cores, then id) that can take
   * `cores` now and has not failed this workflow; null when none can.
   */
  pick(cores: number, exclude: readonly NodeId[]): WorkerRecord | null {
    let best: WorkerRecord | null = null;
    for (const w of this.workers.values()) {
      if (w.totalCores < cores || exclude.includes(w.id) || !this.isSelectable(w.id)) continue;
      const free = w.availableCores - w.reserved;
      if (free < cores) continue;
      if (best === null || better(w, best)) best = w;
    }
    return best;
  }

  /** Whether any worker could ever run `cores` apart from the excluded ones. */
  anyCandidate(cores: number, exclude: readonly NodeId[]): boolean {
    for (const w of this.workers.values()) {
      if (w.totalCores >= cores && !exclude.includes(w.id) && this.membership.status(w.id) !== "dead") return true;
    }
    return false;
  }

  totals(): { workerCount: number; healthy: number; totalCores: number; availableCores: number } {
    let workerCount = 0;
    let healthy = 0;
    let totalCores = 0;
    let availableCores = 0;
    for (const w of this.workers.values()) {
      if (this.membership.status(w.id) === "dead") continue;
      workerCount++;
      if (!this.isSelectable(w.id)) continue;
      healthy++;
      totalCores += w.totalCores;
      availableCores += Math.max(0, w.availableCores - w.reserved);
    }
    return { workerCount, healthy, totalCores, availableCores };
  }
}

function better(a: WorkerRecord, b: WorkerRecord): boolean {
  const fa = a.availableCores - a.reserved;
  const fb = b.availableCores - b.reserved;
  if (fa !== fb) return fa > fb;
  if (a.totalCores !== b.totalCores) return a.totalCores > b.totalCores;
  return a.id < b.id;
}
