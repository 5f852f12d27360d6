// Vertical layout: the lane rows (model/lanes.ts) get heights that fit the window when
// they can, and y positions shared by the label column (DOM, so tests and screen readers
// see one element per lane) and the canvas (which draws at the same y).

import { type LaneRow, laneRows } from "../model/lanes.js";
import type { NodeInfo } from "../model/run-data.js";

const GROUP_H = 15;
const MIN_LANE_H = 9;
const MAX_LANE_H = 44;

export class Rows {
  readonly rows: LaneRow[];
  /** Top y of each row. */
  readonly top: number[] = [];
  /** Centre y of each node's lane. */
  readonly laneY: Float64Array;
  laneH = MIN_LANE_H;
  height = 0;

  constructor(readonly nodes: readonly NodeInfo[]) {
    this.rows = laneRows(nodes);
    this.laneY = new Float64Array(nodes.length);
  }

  /** Lays the rows out to fill `available` pixels if they can. */
  layout(available: number): void {
    const lanes = this.rows.filter((r) => r.kind === "lane").length;
    const groups = this.rows.length - lanes;
    const fit = Math.floor((available - groups * GROUP_H) / Math.max(lanes, 1));
    this.laneH = Math.max(MIN_LANE_H, Math.min(MAX_LANE_H, fit));
    let y = 0;
    this.top.length = 0;
    for (const row of this.rows) {
      this.top.push(y);
      if (row.kind === "lane") {
        this.laneY[row.node] = y + this.laneH / 2;
        y += this.laneH;
      } else y += GROUP_H;
    }
    this.height = y;
  }

  /** The label column: a header per group, a labelled row per lane. */
  renderLabels(container: HTMLElement): void {
    container.textContent = "";
    this.rows.forEach((row, i) => {
      const div = document.createElement("div");
      if (row.kind === "group") {
        div.className = `group level${row.level}`;
        div.textContent = row.label;
        div.style.height = `${GROUP_H}px`;
      } else {
        const node = this.nodes[row.node]!;
        div.className = "lane";
        div.dataset["node"] = node.id;
        div.textContent = node.id;
        div.title = `${node.id} · ${node.role} · ${node.dc ?? "no DC"} · region ${node.region}`;
        div.style.height = `${this.laneH}px`;
        div.style.lineHeight = `${this.laneH}px`;
        div.style.fontSize = `${Math.min(11, this.laneH)}px`;
      }
      div.style.top = `${this.top[i]}px`;
      container.appendChild(div);
    });
    container.style.height = `${this.height}px`;
  }

  /** The node whose lane holds y, or -1. */
  nodeAt(y: number): number {
    let best = -1;
    let bestD = this.laneH / 2 + 1;
    for (let n = 0; n < this.laneY.length; n++) {
      const d = Math.abs(this.laneY[n]! - y);
      if (d < bestD) {
        bestD = d;
        best = n;
      }
    }
    return best;
  }
}
