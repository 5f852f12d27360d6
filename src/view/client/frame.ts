// What every drawing step gets: the canvas context, the time window, the lane layout, the
// prepared run and the hit list it records into.

import type { HitList } from "./hit.js";
import type { Rows } from "./rows.js";
import type { Scene } from "./scene.js";
import type { Viewport } from "./viewport.js";

export interface Frame {
  ctx: CanvasRenderingContext2D;
  vp: Viewport;
  rows: Rows;
  scene: Scene;
  /** CSS pixels. */
  width: number;
  height: number;
  hits: HitList;
}
