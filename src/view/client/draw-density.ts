// The zoomed-out level of detail: instead of one arrow per copy, each lane shows how much
// it sent and received per few pixels of time, as a band whose strength grows with the
// logarithm of the count and whose colour is the busiest family there. Drops are red
// ticks under the lane. The counts come from a precomputed pyramid (density-pyramid.ts)
// when the window is wide, and the rectangles are written as pixels (pixels.ts) and drawn
// in one call, so a frame costs a few milliseconds however many messages are in view.

import { OUTCOME_DELIVERED } from "../model/run-data.js";
import { COLORS, familyColor } from "./colors.js";
import type { DensityGrid, DensityPyramid } from "./density-pyramid.js";
import type { Drawn } from "./draw-messages.js";
import type { Frame } from "./frame.js";
import { PixelLayer, rgba32 } from "./pixels.js";

const BIN_PX = 3;
const LEVELS = 8;
const layer = new PixelLayer();

/** Counts what the copies in view drew, for #stats (exact, whichever way the bands were made). */
function tally(f: Frame, visible: Int32Array, n: number): Drawn {
  const outcome = f.scene.run.copies.outcome;
  const drawn: Drawn = { mode: "density", delivered: 0, dropped: 0, unfinished: 0 };
  for (let k = 0; k < n; k++) {
    const o = outcome[visible[k]!]!;
    if (o === OUTCOME_DELIVERED) drawn.delivered++;
    else if (o > 2) drawn.dropped++;
    else drawn.unfinished++;
  }
  return drawn;
}

/** Bins the copies in view into pixel columns: for windows finer than the pyramid's finest slices. */
function scan(f: Frame, visible: Int32Array, n: number): DensityGrid {
  const { scene, rows, vp } = f;
  const { copies: c, messages: m } = scene.run;
  const columns = Math.ceil(f.width / BIN_PX) + 1;
  const fams = scene.families.length;
  const counts = new Uint32Array(rows.laneY.length * columns * fams);
  const drops = new Uint8Array(rows.laneY.length * columns);
  const columnOf = (t: number): number => Math.floor(vp.x(t) / BIN_PX);
  for (let k = 0; k < n; k++) {
    const i = visible[k]!;
    const msg = c.msg[i]!;
    const fam = scene.familyOf[i]!;
    const b0 = columnOf(c.startUs[i]!);
    if (b0 >= 0 && b0 < columns) counts[(m.src[msg]! * columns + b0) * fams + fam]!++;
    const b1 = columnOf(c.endUs[i]!);
    if (b1 < 0 || b1 >= columns) continue;
    if (c.outcome[i] === OUTCOME_DELIVERED) counts[(m.dst[msg]! * columns + b1) * fams + fam]!++;
    else if (c.outcome[i]! > 2) drops[m.src[msg]! * columns + b1] = 1;
  }
  return { columns, counts, drops };
}

export function drawDensity(f: Frame, visible: Int32Array, n: number, pyramid: DensityPyramid): Drawn {
  const { rows } = f;
  const grid = pyramid.grid(f.vp, f.width, BIN_PX) ?? scan(f, visible, n);
  layer.begin(f.width, rows.height);
  fillBands(f, grid.counts, grid.columns, f.scene.families.length);
  const red = rgba32(COLORS.drop, 1);
  for (let lane = 0; lane < rows.laneY.length; lane++)
    for (let b = 0; b < grid.columns; b++)
      if (grid.drops[lane * grid.columns + b] === 1)
        layer.rect(b * BIN_PX, rows.laneY[lane]! + rows.laneH * 0.25, BIN_PX, Math.max(2, rows.laneH * 0.25), red);
  layer.drawOn(f.ctx);
  return tally(f, visible, n);
}

function fillBands(f: Frame, counts: Uint32Array, bins: number, fams: number): void {
  const { rows } = f;
  let max = 1;
  for (let k = 0; k < counts.length; k++) if (counts[k]! > max) max = counts[k]!;
  const scale = Math.log(1 + max);
  const colors = f.scene.families.map((family) =>
    Array.from({ length: LEVELS }, (_, level) => rgba32(familyColor(family), 0.2 + (0.8 * (level + 1)) / LEVELS)),
  );
  const h = rows.laneH * 0.7;
  for (let lane = 0; lane < rows.laneY.length; lane++) {
    for (let b = 0; b < bins; b++) {
      let total = 0;
      let top = 0;
      let topCount = -1;
      for (let k = 0; k < fams; k++) {
        const v = counts[(lane * bins + b) * fams + k]!;
        total += v;
        if (v > topCount) [top, topCount] = [k, v];
      }
      if (total === 0) continue;
      const level = Math.min(LEVELS - 1, Math.floor((Math.log(1 + total) / scale) * LEVELS));
      layer.rect(b * BIN_PX, rows.laneY[lane]! - h / 2, BIN_PX, h, colors[top]![level]!);
    }
  }
}
