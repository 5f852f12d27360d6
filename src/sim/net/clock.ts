// A node's local clock: kernel time plus an offset, a drift (parts per million, integrated
// piecewise so changing it never makes the clock jump) and explicit jumps. Only the
// node's own view changes; kernel time is untouched.

import type { Micros } from "../time.js";

export class NodeClock {
  offsetUs: Micros = 0;
  private driftPpm = 0;
  private driftSinceUs: Micros = 0;
  private driftAccumUs = 0;

  local(nowUs: Micros): Micros {
    return nowUs + this.offsetUs + Math.round(this.driftAccumUs + (this.driftPpm * (nowUs - this.driftSinceUs)) / 1e6);
  }

  setDrift(nowUs: Micros, ppm: number): void {
    this.driftAccumUs += (this.driftPpm * (nowUs - this.driftSinceUs)) / 1e6;
    this.driftSinceUs = nowUs;
    this.driftPpm = ppm;
  }

  get drift(): number {
    return this.driftPpm;
  }

  jump(deltaUs: Micros): void {
    this.offsetUs += deltaUs;
  }

  /** Kernel time a local-clock duration takes on this node (a fast clock fires timers early). */
  realDelay(localDelayUs: Micros): Micros {
    if (this.driftPpm === 0) return localDelayUs;
    return Math.max(0, Math.round(localDelayUs / (1 + this.driftPpm / 1e6)));
  }
}
