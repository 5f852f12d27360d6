// The zoomed-out level of detail: instead of one arrow per copy, each lane shows how much
// it sent and received per few pixels of time, as a band whose strength grows with the
// logarithm of the count and whose colour is the busiest family there. Drops are red
// ticks under the lane. The rectangles are written as pixels (pixels.ts) and drawn in one
// call, so a frame costs the same few milliseconds however many messages are in view.

import { OUTCOME_DELIVERED } from "../model/run-data.js";
import { COLORS, familyColor } from "./colors.js";
import type { Drawn } from "./draw-messages.js";
import type { Frame } from "./frame.js";
import { PixelLayer, rgba32 } from "./pixels.js";

const BIN_PX = 3;
const LEVELS = 8;
const layer = new PixelLayer();

export function drawDensity(f: Frame, visible: Int32Array, n: number): Drawn {
  const { scene, rows, vp } = f;
  const { copies: c, messages: m } = scene.run;
  const bins = Math.ceil(f.width / BIN_PX) + 1;
  const lanes = rows.laneY.length;
  const fams = scene.families.length;
  const counts = new Uint32Array(lanes * bins * fams);
  const drops = new Uint8Array(lanes * bins);
  const drawn: Drawn = { mode: "density", delivered: 0, dropped: 0, unfinished: 0 };
  const binOf = (t: number): number => Math.floor(vp.x(t) / BIN_PX);
  for (let k = 0; k < n; k++) {
    const i = visible[k]!;
    const msg = c.msg[i]!;
    const fam = scene.familyOf[i]!;
    const b0 = binOf(c.startUs[i]!);
    if (b0 >= 0 && b0 < bins) counts[(m.src[msg]! * bins + b0) * fams + fam]!++;
    const delivered = c.outcome[i] === OUTCOME_DELIVERED;
    const b1 = binOf(c.endUs[i]!);
    if (b1 >= 0 && b1 < bins) {
      if (delivered) counts[(m.dst[msg]! * bins + b1) * fams + fam]!++;
      else if (c.outcome[i]! > 2) drops[m.src[msg]! * bins + b1] = 1;
    }
    if (delivered) drawn.delivered++;
    else if (c.outcome[i]! > 2) drawn.dropped++;
    else drawn.unfinished++;
  }
  layer.begin(f.width, rows.height);
  fillBands(f, counts, bins, fams);
  const red = rgba32(COLORS.drop, 1);
  for (let lane = 0; lane < lanes; lane++)
    for (let b = 0; b < bins; b++)
      if (drops[lane * bins + b] === 1)
        layer.rect(b * BIN_PX, rows.laneY[lane]! + rows.laneH * 0.25, BIN_PX, Math.max(2, rows.laneH * 0.25), red);
  layer.drawOn(f.ctx);
  return drawn;
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
