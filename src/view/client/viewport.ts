// The visible window of virtual time, [t0, t1] µs across `width` CSS pixels: conversions
// both ways, zoom about a point, pan by pixels, and a clamp that keeps the run in reach.

const MIN_SPAN_US = 20;

export class Viewport {
  t0 = 0;
  t1 = 1;
  width = 1;

  constructor(private readonly endUs: number) {
    this.fit(0, Math.max(endUs, 1));
  }

  get span(): number {
    return this.t1 - this.t0;
  }

  x(t: number): number {
    return ((t - this.t0) / (this.t1 - this.t0)) * this.width;
  }

  t(x: number): number {
    return this.t0 + (x / this.width) * (this.t1 - this.t0);
  }

  /** Shows [from, to] with a little margin on each side. */
  fit(from: number, to: number): void {
    const margin = Math.max((to - from) * 0.02, MIN_SPAN_US);
    this.t0 = from - margin;
    this.t1 = to + margin;
    this.clamp();
  }

  /** factor < 1 zooms in, keeping the time under x where it is. */
  zoom(factor: number, x: number): void {
    const at = this.t(x);
    const span = Math.max(this.span * factor, MIN_SPAN_US);
    this.t0 = at - (x / this.width) * span;
    this.t1 = this.t0 + span;
    this.clamp();
  }

  pan(dxPixels: number): void {
    const dt = (dxPixels / this.width) * this.span;
    this.t0 -= dt;
    this.t1 -= dt;
    this.clamp();
  }

  centerOn(t: number): void {
    const half = this.span / 2;
    this.t0 = t - half;
    this.t1 = t + half;
    this.clamp();
  }

  private clamp(): void {
    const limit = Math.max(this.endUs, 1);
    const span = Math.min(this.t1 - this.t0, limit * 1.2);
    const lo = -limit * 0.1;
    const hi = limit * 1.1;
    if (this.t0 < lo) this.t0 = lo;
    if (this.t0 + span > hi) this.t0 = hi - span;
    this.t1 = this.t0 + span;
  }
}
