// Precomputed density for the zoomed-out view: per lane and family, how many messages a
// node sent or received in each of 4,096 equal slices of the run, plus coarser levels
// that halve the slices each time. A frame then adds up the slices under each pixel
// column of the coarsest level still finer than a column — a few hundred thousand
// additions, however many messages the run has — instead of binning every copy in view.
// Built once per filter (the copy mask), on the first frame that needs it.

import { OUTCOME_DELIVERED } from "../model/run-data.js";
import type { Scene } from "./scene.js";
import type { Viewport } from "./viewport.js";

const FINEST = 4096;
const COARSEST = 64;

interface Level {
  binUs: number;
  bins: number;
  /** ((lane * bins) + bin) * fams + family: sends at their start, deliveries at their end. */
  counts: Uint32Array;
  /** lane * bins + bin: drops at their end, on the sender's lane. */
  drops: Uint32Array;
}

/** Density per pixel column (`columns` wide), in the layout drawDensity paints. */
export interface DensityGrid {
  columns: number;
  counts: Uint32Array;
  drops: Uint8Array;
}

export class DensityPyramid {
  private readonly levels: Level[] = [];
  private readonly lanes: number;
  private readonly fams: number;

  constructor(scene: Scene, mask: Uint8Array, endUs: number) {
    this.lanes = scene.run.header.nodes.length;
    this.fams = scene.families.length;
    this.levels.push(this.finest(scene, mask, Math.max(endUs, 1)));
    while (this.levels[this.levels.length - 1]!.bins > COARSEST) this.levels.push(this.halve(this.levels.at(-1)!));
  }

  private finest(scene: Scene, mask: Uint8Array, endUs: number): Level {
    const { copies: c, messages: m } = scene.run;
    const bins = FINEST;
    const binUs = endUs / bins;
    const counts = new Uint32Array(this.lanes * bins * this.fams);
    const drops = new Uint32Array(this.lanes * bins);
    const binOf = (t: number): number => Math.min(bins - 1, Math.max(0, Math.floor(t / binUs)));
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 0) continue;
      const msg = c.msg[i]!;
      const fam = scene.familyOf[i]!;
      counts[(m.src[msg]! * bins + binOf(c.startUs[i]!)) * this.fams + fam]!++;
      if (c.outcome[i] === OUTCOME_DELIVERED) counts[(m.dst[msg]! * bins + binOf(c.endUs[i]!)) * this.fams + fam]!++;
      else if (c.outcome[i]! > 2) drops[m.src[msg]! * bins + binOf(c.endUs[i]!)]!++;
    }
    return { binUs, bins, counts, drops };
  }

  private halve(l: Level): Level {
    const bins = Math.ceil(l.bins / 2);
    const counts = new Uint32Array(this.lanes * bins * this.fams);
    const drops = new Uint32Array(this.lanes * bins);
    for (let lane = 0; lane < this.lanes; lane++)
      for (let b = 0; b < l.bins; b++) {
        const to = lane * bins + (b >> 1);
        const from = lane * l.bins + b;
        drops[to]! += l.drops[from]!;
        for (let k = 0; k < this.fams; k++) counts[to * this.fams + k]! += l.counts[from * this.fams + k]!;
      }
    return { binUs: l.binUs * 2, bins, counts, drops };
  }

  /**
   * The window's density in pixel columns `columnPx` wide, from the coarsest level whose
   * slices are no wider than a column; null when even the finest slices are wider (the
   * caller then bins the copies in view, which are few at such a zoom).
   */
  grid(vp: Viewport, width: number, columnPx: number): DensityGrid | null {
    const columns = Math.ceil(width / columnPx) + 1;
    const columnUs = (vp.span / width) * columnPx;
    let level: Level | null = null;
    for (const l of this.levels) if (l.binUs <= columnUs) level = l;
    if (level === null) return null;
    const counts = new Uint32Array(this.lanes * columns * this.fams);
    const drops = new Uint8Array(this.lanes * columns);
    const first = Math.max(0, Math.floor(vp.t0 / level.binUs));
    const last = Math.min(level.bins - 1, Math.ceil(vp.t1 / level.binUs));
    for (let b = first; b <= last; b++) {
      const col = Math.floor(vp.x((b + 0.5) * level.binUs) / columnPx);
      if (col < 0 || col >= columns) continue;
      for (let lane = 0; lane < this.lanes; lane++) {
        const from = lane * level.bins + b;
        const to = lane * columns + col;
        if (level.drops[from]! > 0) drops[to] = 1;
        for (let k = 0; k < this.fams; k++) counts[to * this.fams + k]! += level.counts[from * this.fams + k]!;
      }
    }
    return { columns, counts, drops };
  }
}
