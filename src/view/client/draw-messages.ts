// Messages, at two levels of detail. Zoomed in (few enough copies in view): one arrow per
// copy from send to delivery, coloured by family; a dropped copy is a short stub ending in
// a red × (at the drop's time when it died in flight), a network-made copy (duplicate) or
// a held one is dashed, and a copy that overtook an earlier one on its link gets an orange
// ring at its head. Zoomed out: every lane becomes a density band of the traffic it sent
// and received, per few pixels, in the colour of its busiest family, with drops as red ticks.
// Strokes are batched per style, so a frame costs a handful of canvas calls per family.

import { FLAG_EXTRA, FLAG_HELD, FLAG_REORDERED, OUTCOME_DELIVERED } from "../model/run-data.js";
import { COLORS, familyColor } from "./colors.js";
import type { Frame } from "./frame.js";

export interface Drawn {
  mode: "arrows" | "density";
  delivered: number;
  dropped: number;
  unfinished: number;
}

const STUB_PX = 14;
const HEAD_PX = 5;

class Batch {
  readonly solid: number[] = [];
  readonly dashed: number[] = [];
  readonly heads: number[] = [];
}

/** Where a copy's line ends: its target lane when delivered or still travelling, short of it when dropped. */
export function endPoint(f: Frame, i: number, xs: number, ys: number, yd: number): [number, number] {
  const c = f.scene.run.copies;
  const outcome = c.outcome[i]!;
  const xe = f.vp.x(c.endUs[i]!);
  if (outcome === OUTCOME_DELIVERED || f.scene.run.header.outcomes[outcome] === "in-flight") return [xe, yd];
  if (f.scene.run.header.outcomes[outcome] === "held") return [xe, ys + (yd - ys) * 0.5];
  if (xe - xs < STUB_PX) return [xs + STUB_PX, ys + Math.max(-30, Math.min(30, (yd - ys) * 0.35))];
  return [xe, ys + (yd - ys) * 0.85];
}

export function drawArrows(f: Frame, visible: Int32Array, n: number): Drawn {
  const { scene, rows } = f;
  const { copies: c, messages: m } = scene.run;
  const batches = scene.families.map(() => new Batch());
  const drops: number[] = [];
  const rings: number[] = [];
  const drawn: Drawn = { mode: "arrows", delivered: 0, dropped: 0, unfinished: 0 };
  for (let k = 0; k < n; k++) {
    const i = visible[k]!;
    const msg = c.msg[i]!;
    const xs = f.vp.x(c.startUs[i]!);
    const ys = rows.laneY[m.src[msg]!]!;
    const yd = rows.laneY[m.dst[msg]!]!;
    const [xe, ye] = endPoint(f, i, xs, ys, yd);
    const b = batches[scene.familyOf[i]!]!;
    const flags = c.flags[i]!;
    ((flags & (FLAG_EXTRA | FLAG_HELD)) !== 0 ? b.dashed : b.solid).push(xs, ys, xe, ye);
    const outcome = c.outcome[i]!;
    if (outcome === OUTCOME_DELIVERED) {
      drawn.delivered++;
      b.heads.push(xs, ys, xe, ye);
    } else if (outcome <= 2) drawn.unfinished++;
    else {
      drawn.dropped++;
      drops.push(xe, ye, i);
    }
    if ((flags & FLAG_REORDERED) !== 0) rings.push(xe, ye);
    f.hits.add("copy", i, xs, ys, xe, ye);
  }
  strokeBatches(f, batches);
  drawDrops(f, drops, n < 400);
  f.ctx.strokeStyle = COLORS.reordered;
  f.ctx.lineWidth = 1.5;
  for (let k = 0; k < rings.length; k += 2) {
    f.ctx.beginPath();
    f.ctx.arc(rings[k]!, rings[k + 1]!, 4, 0, Math.PI * 2);
    f.ctx.stroke();
  }
  return drawn;
}

/**
 * Skia rasterises a path of many sub-paths far slower than several short paths (a fill of
 * 10,000 arrowheads in one path took 40x longer than in chunks of 50), so lines are
 * stroked a few hundred at a time, and heads are two short strokes rather than filled triangles.
 */
const CHUNK = 256;

function strokeLines(ctx: CanvasRenderingContext2D, lines: readonly number[], heads: boolean): void {
  for (let start = 0; start < lines.length; start += CHUNK * 4) {
    ctx.beginPath();
    const end = Math.min(lines.length, start + CHUNK * 4);
    for (let k = start; k < end; k += 4) {
      const [x1, y1, x2, y2] = [lines[k]!, lines[k + 1]!, lines[k + 2]!, lines[k + 3]!];
      if (!heads) {
        ctx.moveTo(x1, y1);
        ctx.lineTo(x2, y2);
        continue;
      }
      const a = Math.atan2(y2 - y1, x2 - x1);
      ctx.moveTo(x2 - HEAD_PX * Math.cos(a - 0.5), y2 - HEAD_PX * Math.sin(a - 0.5));
      ctx.lineTo(x2, y2);
      ctx.lineTo(x2 - HEAD_PX * Math.cos(a + 0.5), y2 - HEAD_PX * Math.sin(a + 0.5));
    }
    ctx.stroke();
  }
}

function strokeBatches(f: Frame, batches: readonly Batch[]): void {
  const ctx = f.ctx;
  ctx.lineWidth = 1;
  batches.forEach((b, family) => {
    ctx.strokeStyle = familyColor(f.scene.families[family]!);
    strokeLines(ctx, b.solid, false);
    strokeLines(ctx, b.heads, true);
    if (b.dashed.length === 0) return;
    ctx.setLineDash([4, 3]);
    strokeLines(ctx, b.dashed, false);
    ctx.setLineDash([]);
  });
}

function drawDrops(f: Frame, drops: readonly number[], labels: boolean): void {
  const ctx = f.ctx;
  const outcomes = f.scene.run.header.outcomes;
  ctx.strokeStyle = COLORS.drop;
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (let k = 0; k < drops.length; k += 3) {
    const [x, y] = [drops[k]!, drops[k + 1]!];
    ctx.moveTo(x - 3, y - 3);
    ctx.lineTo(x + 3, y + 3);
    ctx.moveTo(x + 3, y - 3);
    ctx.lineTo(x - 3, y + 3);
  }
  ctx.stroke();
  if (!labels) return;
  ctx.fillStyle = COLORS.drop;
  ctx.font = "9px system-ui, sans-serif";
  for (let k = 0; k < drops.length; k += 3)
    ctx.fillText(outcomes[f.scene.run.copies.outcome[drops[k + 2]!]!] ?? "", drops[k]! + 5, drops[k + 1]! + 3);
}
