// The diagram's background: a stripe per lane with a thin line through its middle, the
// node's off/down/paused periods shaded on it, group separators, and fault periods shaded
// across the lanes they touch (a partition's two sides in two colours).

import type { Period } from "../model/lifecycle.js";
import type { FaultBand } from "../model/run-data.js";
import { COLORS, stateColor } from "./colors.js";
import type { Frame } from "./frame.js";

export function drawLanes(f: Frame, periods: readonly Period[]): void {
  const { ctx, rows, width } = f;
  rows.rows.forEach((row, i) => {
    const y = rows.top[i]!;
    if (row.kind === "group") {
      ctx.fillStyle = row.level === 0 ? "#e4e8ee" : "#eef1f5";
      ctx.fillRect(0, y, width, 15);
      ctx.fillStyle = row.level === 0 ? COLORS.regionLine : COLORS.groupLine;
      ctx.fillRect(0, y, width, 1);
      return;
    }
    ctx.fillStyle = row.node % 2 === 0 ? COLORS.laneEven : COLORS.laneOdd;
    ctx.fillRect(0, y, width, rows.laneH);
  });
  for (const p of periods) {
    const color = stateColor(p.state);
    const x0 = Math.max(f.vp.x(p.fromUs), -1);
    const x1 = Math.min(f.vp.x(p.toUs), width + 1);
    if (color === null || x1 < 0 || x0 > width) continue;
    const y = rows.laneY[p.node]! - rows.laneH / 2;
    ctx.fillStyle = color;
    ctx.fillRect(x0, y, Math.max(x1 - x0, 1), rows.laneH);
    if (p.state === "down") hatch(ctx, x0, y, x1 - x0, rows.laneH);
  }
  ctx.fillStyle = "#d5d9df";
  for (let n = 0; n < rows.laneY.length; n++) ctx.fillRect(0, Math.round(rows.laneY[n]!), width, 1);
}

function hatch(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.clip();
  ctx.strokeStyle = "rgba(60,60,60,0.35)";
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let k = x - h; k < x + w; k += 6) {
    ctx.moveTo(k, y + h);
    ctx.lineTo(k + h, y);
  }
  ctx.stroke();
  ctx.restore();
}

function bandColor(band: FaultBand, side: "a" | "b"): string {
  if (band.action === "partition") return side === "a" ? COLORS.sideA : COLORS.sideB;
  if (band.action === "clog") return COLORS.clog;
  return COLORS.slow;
}

/** Period bands (partitions, clogs, slow links, rates). Instants are marks (draw-marks.ts). */
export function drawFaultBands(f: Frame, bands: readonly FaultBand[]): void {
  const { ctx, rows, width, height } = f;
  const labels: { index: number; x0: number; x1: number }[] = [];
  bands.forEach((band, index) => {
    if (band.toUs === null) return;
    const x0 = Math.max(f.vp.x(band.fromUs), -1);
    const x1 = Math.min(f.vp.x(band.toUs), width + 1);
    if (x1 < 0 || x0 > width) return;
    const w = Math.max(x1 - x0, 2);
    if (band.a.length === 0 && band.b.length === 0) {
      ctx.fillStyle = COLORS.rate;
      ctx.fillRect(x0, 0, w, height);
    }
    for (const [side, nodes] of [
      ["a", band.a],
      ["b", band.b],
    ] as const) {
      ctx.fillStyle = bandColor(band, side);
      for (const n of nodes) ctx.fillRect(x0, rows.laneY[n]! - rows.laneH / 2, w, rows.laneH);
    }
    labels.push({ index, x0: Math.max(x0, 0), x1: Math.min(x1, width) });
  });
  drawBandLabels(f, bands, labels);
}

const LABEL_ROWS = 4;

/** Labels along the top, each in the first of a few rows where it does not overlap the previous one. */
function drawBandLabels(
  f: Frame,
  bands: readonly FaultBand[],
  labels: { index: number; x0: number; x1: number }[],
): void {
  const ctx = f.ctx;
  ctx.fillStyle = "rgba(40,40,40,0.8)";
  ctx.font = "10px system-ui, sans-serif";
  const rowEnd = new Array<number>(LABEL_ROWS).fill(Number.NEGATIVE_INFINITY);
  for (const { index, x0, x1 } of labels.sort((a, b) => a.x0 - b.x0)) {
    const row = rowEnd.findIndex((end) => end < x0);
    if (row < 0) continue;
    const text = fitText(ctx, bands[index]!.label, x1 - x0 - 6);
    if (text === "") continue;
    const y = 11 + row * 11;
    ctx.fillText(text, x0 + 3, y);
    rowEnd[row] = x0 + 6 + ctx.measureText(text).width;
    f.hits.add("fault", index, x0, y - 4, x1, y - 4);
  }
}

/** `text`, cut short with an ellipsis to fit `max` pixels ("" when not even a few letters fit). */
function fitText(ctx: CanvasRenderingContext2D, text: string, max: number): string {
  if (ctx.measureText(text).width <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= max) lo = mid;
    else hi = mid - 1;
  }
  return lo < 4 ? "" : `${text.slice(0, lo)}…`;
}
