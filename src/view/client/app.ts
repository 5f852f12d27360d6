// The page's state and its frame: the decoded run, the time window, the lane layout, the
// filters and their masks, the selection. `render()` draws one frame (lanes, faults,
// messages at the level of detail the window allows, marks, axis, minimap) and publishes
// what it drew on #stats, which is also what the browser test reads.

import type { DecodedRun } from "../model/codec.js";
import { copyMask, emitMask, NO_FILTER, type Filter } from "../model/filter.js";
import { statePeriods, type Period } from "../model/lifecycle.js";
import { drawAxis, drawGrid } from "./axis.js";
import { DensityPyramid } from "./density-pyramid.js";
import { drawDensity } from "./draw-density.js";
import { drawFaultBands, drawLanes } from "./draw-lanes.js";
import { drawEmits, drawInstants, drawViolations } from "./draw-marks.js";
import { drawArrows, endPoint, type Drawn } from "./draw-messages.js";
import type { Frame } from "./frame.js";
import { HitList, type Hit } from "./hit.js";
import { Minimap } from "./minimap.js";
import { Rows } from "./rows.js";
import { Scene } from "./scene.js";
import { Viewport } from "./viewport.js";

/** Above this many copies in view, lanes show density bands instead of arrows. */
export const ARROW_LIMIT = 3_000;
const EMIT_LIMIT = 4_000;

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`page is missing #${id}`);
  return el as T;
}

function context(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(width * dpr));
  canvas.height = Math.max(1, Math.round(height * dpr));
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext("2d");
  if (ctx === null) throw new Error("no 2d canvas context");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

export class App {
  readonly scene: Scene;
  readonly rows: Rows;
  readonly vp: Viewport;
  readonly hits = new HitList();
  readonly minimap: Minimap;
  filter: Filter = NO_FILTER;
  copies: Uint8Array;
  emits: Uint8Array;
  selected: Hit | null = null;
  onSelect: (hit: Hit | null) => void = () => {};
  readonly canvas = byId<HTMLCanvasElement>("canvas");
  readonly axis = byId<HTMLCanvasElement>("axis");
  readonly mini = byId<HTMLCanvasElement>("minimap");
  private readonly periods: Period[];
  private readonly visible: Int32Array;
  private pending = false;
  /** Built on the first zoomed-out frame after a filter change. */
  private pyramid: DensityPyramid | null = null;
  private ctxs: {
    main: CanvasRenderingContext2D;
    axis: CanvasRenderingContext2D;
    mini: CanvasRenderingContext2D;
  } | null = null;

  constructor(readonly run: DecodedRun) {
    const h = run.header;
    this.scene = new Scene(run);
    this.rows = new Rows(h.nodes);
    this.vp = new Viewport(h.endUs);
    this.minimap = new Minimap(run, Math.max(h.endUs, 1));
    this.periods = statePeriods(h.states, h.nodes.length, h.endUs);
    this.visible = new Int32Array(h.copyCount);
    this.copies = copyMask(run, this.filter);
    this.emits = emitMask(run, this.filter);
  }

  /** Sizes every canvas to the window and lays the lanes out again. */
  resize(): void {
    const scroll = byId("scroll");
    const labels = byId("labels");
    const width = Math.max(200, scroll.clientWidth - labels.offsetWidth - 2);
    this.rows.layout(scroll.clientHeight - 2);
    this.rows.renderLabels(labels);
    this.vp.width = width;
    this.ctxs = {
      main: context(this.canvas, width, this.rows.height),
      axis: context(this.axis, width, 26),
      mini: context(this.mini, width, 48),
    };
    this.minimap.update(this.copies, Math.floor(width / 2));
    this.render();
  }

  setFilter(filter: Filter): void {
    this.filter = filter;
    this.copies = copyMask(this.run, filter);
    this.emits = emitMask(this.run, filter);
    this.pyramid = null;
    this.minimap.update(this.copies, Math.floor(this.vp.width / 2));
    this.requestRender();
  }

  requestRender(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  render(): void {
    if (this.ctxs === null) return;
    const started = performance.now();
    const width = this.vp.width;
    const f: Frame = {
      ctx: this.ctxs.main,
      vp: this.vp,
      rows: this.rows,
      scene: this.scene,
      width,
      height: this.rows.height,
      hits: this.hits,
    };
    this.hits.clear();
    f.ctx.clearRect(0, 0, width, f.height);
    drawLanes(f, this.periods);
    drawGrid(f.ctx, this.vp, width, f.height);
    drawFaultBands(f, this.run.header.faults);
    const n = this.scene.visible(this.vp.t0, this.vp.t1, this.copies, this.visible);
    const drawn =
      n > ARROW_LIMIT ? drawDensity(f, this.visible, n, this.densityPyramid()) : drawArrows(f, this.visible, n);
    const emits = drawn.mode === "arrows" ? drawEmits(f, this.emits, EMIT_LIMIT) : 0;
    drawInstants(f, this.run.header.faults);
    drawViolations(f);
    this.drawSelection(f);
    drawAxis(this.ctxs.axis, this.vp, width, 26);
    this.minimap.draw(this.ctxs.mini, this.vp, width, 48);
    this.publish(drawn, emits, performance.now() - started);
  }

  private densityPyramid(): DensityPyramid {
    this.pyramid ??= new DensityPyramid(this.scene, this.copies, this.run.header.endUs);
    return this.pyramid;
  }

  private drawSelection(f: Frame): void {
    const s = this.selected;
    if (s === null || s.kind !== "copy") return;
    const c = this.run.copies;
    const m = this.run.messages;
    const msg = c.msg[s.index]!;
    const xs = this.vp.x(c.startUs[s.index]!);
    const ys = this.rows.laneY[m.src[msg]!]!;
    const [xe, ye] = endPoint(f, s.index, xs, ys, this.rows.laneY[m.dst[msg]!]!);
    f.ctx.strokeStyle = "#000";
    f.ctx.lineWidth = 3;
    f.ctx.beginPath();
    f.ctx.moveTo(xs, ys);
    f.ctx.lineTo(xe, ye);
    f.ctx.stroke();
  }

  /** What the frame drew, on #stats: for people, and for the browser test. */
  private publish(drawn: Drawn, emits: number, ms: number): void {
    const stats = byId<HTMLOutputElement>("stats");
    const arrows = drawn.mode === "arrows" ? drawn.delivered : 0;
    stats.dataset["mode"] = drawn.mode;
    stats.dataset["arrows"] = String(arrows);
    stats.dataset["delivered"] = String(drawn.delivered);
    stats.dataset["dropped"] = String(drawn.dropped);
    stats.dataset["emits"] = String(emits);
    stats.dataset["frameMs"] = ms.toFixed(1);
    const what =
      drawn.mode === "arrows"
        ? `${arrows.toLocaleString("en-US")} arrows · ${drawn.dropped.toLocaleString("en-US")} drops`
        : `${drawn.delivered.toLocaleString("en-US")} messages as density (zoom in for arrows)`;
    stats.textContent = `${what} · ${emits.toLocaleString("en-US")} events · frame ${ms.toFixed(0)} ms`;
  }
}
