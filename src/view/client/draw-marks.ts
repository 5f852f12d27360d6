// Point marks over the messages: what nodes emitted (small dots on their lanes), fault
// instants such as clock jumps (triangles on the lanes they touch), and every check's
// violation (a red line across the lanes it names, or all of them, with a diamond on top).

import type { FaultBand } from "../model/run-data.js";
import { COLORS } from "./colors.js";
import type { Frame } from "./frame.js";

/** Draws at most `limit` observation dots (they are detail: zoomed out they are noise). */
export function drawEmits(f: Frame, mask: Uint8Array, limit: number): number {
  const e = f.scene.run.emits;
  const { ctx, vp, rows } = f;
  const from = lowerBound(e.atUs, vp.t0);
  const to = lowerBound(e.atUs, vp.t1 + 1);
  let shown = 0;
  for (let i = from; i < to; i++) if (mask[i] === 1) shown++;
  if (shown > limit) return 0;
  ctx.fillStyle = COLORS.emit;
  let inPath = 0;
  ctx.beginPath();
  for (let i = from; i < to; i++) {
    if (mask[i] === 0) continue;
    const x = vp.x(e.atUs[i]!);
    const y = rows.laneY[e.node[i]!]!;
    ctx.moveTo(x + 2.5, y);
    ctx.arc(x, y, 2.5, 0, Math.PI * 2);
    f.hits.add("emit", i, x, y, x, y);
    // A path of thousands of sub-paths fills much slower than a few short ones.
    if (++inPath === 256) {
      ctx.fill();
      ctx.beginPath();
      inPath = 0;
    }
  }
  ctx.fill();
  return shown;
}

function lowerBound(a: Float64Array, t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function drawInstants(f: Frame, bands: readonly FaultBand[]): void {
  const { ctx, vp, rows } = f;
  ctx.fillStyle = COLORS.instant;
  bands.forEach((band, index) => {
    if (band.toUs !== null) return;
    const x = vp.x(band.fromUs);
    if (x < -5 || x > f.width + 5) return;
    const nodes = band.a.length + band.b.length > 0 ? [...band.a, ...band.b] : [];
    for (const n of nodes) {
      const y = rows.laneY[n]! - rows.laneH / 2;
      ctx.beginPath();
      ctx.moveTo(x, y + 6);
      ctx.lineTo(x - 4, y);
      ctx.lineTo(x + 4, y);
      ctx.fill();
      f.hits.add("fault", index, x, y + 3, x, y + 3);
    }
    if (nodes.length === 0) {
      ctx.fillRect(x, 0, 1, f.height);
      f.hits.add("fault", index, x, 0, x, f.height);
    }
  });
}

export function drawViolations(f: Frame): void {
  const { ctx, vp, rows } = f;
  f.scene.run.header.violations.forEach((v, index) => {
    const x = Math.min(Math.max(vp.x(v.atUs), 2), f.width - 2);
    ctx.strokeStyle = COLORS.violation;
    ctx.fillStyle = COLORS.violation;
    ctx.lineWidth = 2;
    const spans =
      v.nodes.length === 0
        ? [[0, f.height]]
        : v.nodes.map((n) => [rows.laneY[n]! - rows.laneH / 2, rows.laneY[n]! + rows.laneH / 2]);
    for (const [y0, y1] of spans) {
      ctx.beginPath();
      ctx.moveTo(x, y0!);
      ctx.lineTo(x, y1!);
      ctx.stroke();
      f.hits.add("violation", index, x, y0!, x, y1!);
    }
    const top = spans[0]![0]!;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x + 6, top + 6);
    ctx.lineTo(x, top + 12);
    ctx.lineTo(x - 6, top + 6);
    ctx.fill();
    f.hits.add("violation", index, x, top + 6, x, top + 6);
  });
}
