// The virtual-time axis above the lanes: ticks at a round step (1, 2 or 5 × 10^k µs)
// chosen so labels stay about 100 px apart, labelled in seconds with as many decimals as
// the step needs ("1m02.5s", "3.20415s"), and the grid lines the lanes share.

import type { Viewport } from "./viewport.js";

export function tickStep(spanUs: number, width: number): number {
  const target = (spanUs / Math.max(width, 1)) * 100;
  let step = 1;
  while (step * 10 <= target) step *= 10;
  for (const k of [1, 2, 5, 10]) if (step * k >= target) return step * k;
  return step * 10;
}

export function tickLabel(t: number, step: number): string {
  const decimals = Math.max(0, Math.ceil(-Math.log10(step / 1e6) - 1e-9));
  const sign = t < 0 ? "-" : "";
  const abs = Math.abs(t) / 1e6;
  if (abs < 60) return `${sign}${abs.toFixed(decimals)}s`;
  const minutes = Math.floor(abs / 60);
  const seconds = (abs - minutes * 60).toFixed(decimals).padStart(decimals > 0 ? decimals + 3 : 2, "0");
  return `${sign}${minutes}m${seconds}s`;
}

export function drawAxis(ctx: CanvasRenderingContext2D, vp: Viewport, width: number, height: number): void {
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = "#f2f4f7";
  ctx.fillRect(0, 0, width, height);
  const step = tickStep(vp.span, width);
  ctx.fillStyle = "#333";
  ctx.strokeStyle = "#888";
  ctx.font = "11px system-ui, sans-serif";
  ctx.beginPath();
  for (let t = Math.ceil(vp.t0 / step) * step; t <= vp.t1; t += step) {
    const x = Math.round(vp.x(t)) + 0.5;
    ctx.moveTo(x, height - 8);
    ctx.lineTo(x, height);
    ctx.fillText(tickLabel(t, step), x + 3, height - 10);
  }
  ctx.stroke();
}

/** Faint vertical grid lines on the diagram at the axis ticks. */
export function drawGrid(ctx: CanvasRenderingContext2D, vp: Viewport, width: number, height: number): void {
  const step = tickStep(vp.span, width);
  ctx.fillStyle = "rgba(0,0,0,0.06)";
  for (let t = Math.ceil(vp.t0 / step) * step; t <= vp.t1; t += step) ctx.fillRect(Math.round(vp.x(t)), 0, 1, height);
}
