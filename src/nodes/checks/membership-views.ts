// Each node's view of its peers, rebuilt from its own membership events (src/nodes/events.ts):
// confirmed, suspect or dead, and the highest incarnation it accepted for each. Several
// checkers ask "did this observer hold that member dead at this moment?"; this is where
// they look. A node's restart clears its view (membership is volatile).

import type { EmitDetail } from "../../sim/index.js";
import { inner, num, str } from "./checker.js";

export type ViewStatus = "ok" | "suspect" | "dead";

export interface MemberRecord {
  status: ViewStatus;
  incarnation: number;
}

/** Membership events that change an observer's view, and the status each leaves. */
const STATUS_AFTER: Readonly<Record<string, ViewStatus>> = {
  "member.confirmed": "ok",
  "member.alive": "ok",
  "member.join": "ok",
  "member.restarted": "ok",
  "member.suspect": "suspect",
  "member.dead": "dead",
};

export class MembershipViews {
  private readonly views = new Map<string, Map<string, MemberRecord>>();

  /** The record before `kind` is applied (null when unknown); call `apply` after checking it. */
  before(observer: string, member: string): MemberRecord | null {
    return this.views.get(observer)?.get(member) ?? null;
  }

  statusOf(observer: string, member: string): ViewStatus | null {
    return this.views.get(observer)?.get(member)?.status ?? null;
  }

  trackedCount(observer: string): number {
    return this.views.get(observer)?.size ?? 0;
  }

  /** Observers that currently hold `member` as confirmed and healthy. */
  observersHoldingOk(member: string): string[] {
    const out: string[] = [];
    for (const [observer, view] of this.views) if (view.get(member)?.status === "ok") out.push(observer);
    return out;
  }

  /** Applies a node event; returns true when it was a membership event. */
  apply(observer: string, kind: string, d: EmitDetail): boolean {
    if (kind === "node.started") {
      this.views.delete(observer);
      return false;
    }
    if (kind === "member.forgotten") {
      // Out of the table: whatever the member says next starts a new record.
      this.views.get(observer)?.delete(str(d, "node"));
      return true;
    }
    const status = STATUS_AFTER[kind];
    if (status === undefined) return false;
    const view = inner(this.views, observer);
    const member = str(d, "node");
    const previous = view.get(member);
    const incarnation = Math.max(previous?.incarnation ?? 0, num(d, "incarnation") || 0);
    view.set(member, { status, incarnation });
    return true;
  }
}
