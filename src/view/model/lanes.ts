// The order of the diagram's lanes: grouped by region, then within a region its clients
// and gates first and then each DC with its managers above its workers, so the usual
// flow (client → gate → manager → worker) reads downwards. Each group opens with a
// header row. Pure, so the page and the tests share it.

import type { NodeInfo } from "./run-data.js";

export type LaneRow =
  | { readonly kind: "group"; readonly label: string; readonly level: number }
  | { readonly kind: "lane"; readonly node: number };

const ROLE_RANK: Readonly<Record<string, number>> = { client: 0, gate: 1, manager: 2, worker: 3 };

function rank(role: string): number {
  return ROLE_RANK[role] ?? 4;
}

/** First-seen order of the values `key` gives, over `items`. */
function firstSeen<T>(items: readonly T[], key: (item: T) => string): string[] {
  return [...new Set(items.map(key))];
}

/** Rows of one set of nodes, one group per role ("gates", "workers"). */
function roleRows(nodes: readonly { info: NodeInfo; index: number }[], level: number): LaneRow[] {
  const rows: LaneRow[] = [];
  const roles = firstSeen(nodes, (n) => n.info.role).sort((a, b) => rank(a) - rank(b));
  for (const role of roles) {
    rows.push({ kind: "group", label: `${role}s`, level });
    for (const n of nodes) if (n.info.role === role) rows.push({ kind: "lane", node: n.index });
  }
  return rows;
}

export function laneRows(nodes: readonly NodeInfo[]): LaneRow[] {
  const all = nodes.map((info, index) => ({ info, index }));
  const rows: LaneRow[] = [];
  for (const region of firstSeen(nodes, (n) => n.region)) {
    rows.push({ kind: "group", label: `region ${region}`, level: 0 });
    const here = all.filter((n) => n.info.region === region);
    rows.push(
      ...roleRows(
        here.filter((n) => n.info.dc === null),
        1,
      ),
    );
    for (const dc of firstSeen(
      here.filter((n) => n.info.dc !== null),
      (n) => n.info.dc ?? "",
    )) {
      rows.push({ kind: "group", label: dc, level: 1 });
      rows.push(
        ...roleRows(
          here.filter((n) => n.info.dc === dc),
          2,
        ),
      );
    }
  }
  return rows;
}
