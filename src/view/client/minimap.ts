// The minimap under the diagram: the density of the whole run's (filtered) messages over
// time, drops in red, violations as red ticks, fault periods as a strip, and the window
// the diagram shows as a frame. Clicking or dragging on it moves the window there.

import type { DecodedRun } from "../model/codec.js";
import { OUTCOME_DELIVERED } from "../model/run-data.js";
import { COLORS } from "./colors.js";
import type { Viewport } from "./viewport.js";

export class Minimap {
  private sent = new Float64Array(0);
  private dropped = new Float64Array(0);
  private bins = 0;

  constructor(
    private readonly run: DecodedRun,
    private readonly endUs: number,
  ) {}

  /** Re-bins the messages passing `mask` into `bins` columns. */
  update(mask: Uint8Array, bins: number): void {
    this.bins = Math.max(bins, 1);
    this.sent = new Float64Array(this.bins);
    this.dropped = new Float64Array(this.bins);
    const c = this.run.copies;
    const scale = this.bins / Math.max(this.endUs, 1);
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 0) continue;
      const b = Math.min(this.bins - 1, Math.floor(c.startUs[i]! * scale));
      if (c.outcome[i] === OUTCOME_DELIVERED) this.sent[b]!++;
      else if (c.outcome[i]! > 2) this.dropped[b]!++;
    }
  }

  /** The run time under x (CSS pixels) of a minimap `width` wide. */
  timeAt(x: number, width: number): number {
    return (x / Math.max(width, 1)) * this.endUs;
  }

  draw(ctx: CanvasRenderingContext2D, vp: Viewport, width: number, height: number): void {
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = "#fafbfc";
    ctx.fillRect(0, 0, width, height);
    const bw = width / this.bins;
    let max = 1;
    for (let b = 0; b < this.bins; b++) max = Math.max(max, this.sent[b]! + this.dropped[b]!);
    const scale = (height - 8) / Math.log(1 + max);
    for (let b = 0; b < this.bins; b++) {
      const h = Math.log(1 + this.sent[b]! + this.dropped[b]!) * scale;
      ctx.fillStyle = COLORS.density;
      ctx.globalAlpha = 0.55;
      ctx.fillRect(b * bw, height - h, Math.max(bw, 1), h);
      if (this.dropped[b]! > 0) {
        ctx.globalAlpha = 1;
        ctx.fillStyle = COLORS.drop;
        const dh = Math.max(2, Math.log(1 + this.dropped[b]!) * scale);
        ctx.fillRect(b * bw, height - dh, Math.max(bw, 1), dh);
      }
    }
    ctx.globalAlpha = 1;
    this.drawMarks(ctx, width, height);
    const x0 = (vp.t0 / this.endUs) * width;
    const x1 = (vp.t1 / this.endUs) * width;
    ctx.strokeStyle = "#111";
    ctx.lineWidth = 1.5;
    ctx.strokeRect(Math.max(x0, 0.75), 0.75, Math.max(Math.min(x1, width) - Math.max(x0, 0), 3), height - 1.5);
  }

  private drawMarks(ctx: CanvasRenderingContext2D, width: number, height: number): void {
    const x = (t: number): number => (t / Math.max(this.endUs, 1)) * width;
    for (const band of this.run.header.faults) {
      if (band.toUs === null) continue;
      ctx.fillStyle = band.action === "partition" ? COLORS.sideA : band.action === "clog" ? COLORS.clog : COLORS.slow;
      ctx.fillRect(x(band.fromUs), 0, Math.max(x(band.toUs) - x(band.fromUs), 1), 6);
    }
    ctx.fillStyle = COLORS.violation;
    for (const v of this.run.header.violations) ctx.fillRect(x(v.atUs) - 1, 0, 2, height);
  }
}
