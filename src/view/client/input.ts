// Pointer and keyboard: the wheel zooms about the pointer (shift+wheel pans), dragging
// pans, hovering shows a one-line tooltip, clicking selects (the side panel explains it);
// on the minimap a click or drag moves the window. Keys: + and - zoom, arrows pan, f fits.

import type { App } from "./app.js";
import { summary } from "./details.js";

export function wireInput(app: App, tooltip: HTMLElement): void {
  const canvas = app.canvas;
  let drag: { x: number; moved: boolean } | null = null;
  canvas.addEventListener(
    "wheel",
    (ev) => {
      ev.preventDefault();
      const x = ev.offsetX;
      if (ev.shiftKey) app.vp.pan(-(ev.deltaX || ev.deltaY));
      else app.vp.zoom(Math.exp(ev.deltaY * 0.0015), x);
      app.requestRender();
    },
    { passive: false },
  );
  canvas.addEventListener("mousedown", (ev) => {
    drag = { x: ev.clientX, moved: false };
  });
  window.addEventListener("mousemove", (ev) => {
    if (drag === null) return;
    const dx = ev.clientX - drag.x;
    if (Math.abs(dx) > 2) drag.moved = true;
    if (!drag.moved) return;
    drag.x = ev.clientX;
    app.vp.pan(dx);
    app.requestRender();
  });
  window.addEventListener("mouseup", (ev) => {
    if (drag !== null && !drag.moved && ev.target === canvas) {
      app.selected = app.hits.nearest(ev.offsetX, ev.offsetY);
      app.onSelect(app.selected);
      app.requestRender();
    }
    drag = null;
  });
  canvas.addEventListener("mousemove", (ev) => hover(app, tooltip, ev));
  canvas.addEventListener("mouseleave", () => {
    tooltip.hidden = true;
  });
  wireMinimap(app);
  wireKeys(app);
}

function hover(app: App, tooltip: HTMLElement, ev: MouseEvent): void {
  const hit = app.hits.nearest(ev.offsetX, ev.offsetY);
  if (hit === null) {
    tooltip.hidden = true;
    return;
  }
  tooltip.textContent = summary(app.run, hit);
  tooltip.hidden = false;
  tooltip.style.left = `${Math.min(ev.clientX + 14, window.innerWidth - tooltip.offsetWidth - 8)}px`;
  tooltip.style.top = `${ev.clientY + 14}px`;
}

function wireMinimap(app: App): void {
  let down = false;
  const move = (ev: MouseEvent): void => {
    app.vp.centerOn(app.minimap.timeAt(ev.offsetX, app.vp.width));
    app.requestRender();
  };
  app.mini.addEventListener("mousedown", (ev) => {
    down = true;
    move(ev);
  });
  app.mini.addEventListener("mousemove", (ev) => {
    if (down) move(ev);
  });
  window.addEventListener("mouseup", () => {
    down = false;
  });
}

function wireKeys(app: App): void {
  window.addEventListener("keydown", (ev) => {
    if (ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement) return;
    const middle = app.vp.width / 2;
    if (ev.key === "+" || ev.key === "=") app.vp.zoom(0.7, middle);
    else if (ev.key === "-") app.vp.zoom(1 / 0.7, middle);
    else if (ev.key === "ArrowLeft") app.vp.pan(app.vp.width / 5);
    else if (ev.key === "ArrowRight") app.vp.pan(-app.vp.width / 5);
    else if (ev.key === "f") app.vp.fit(0, app.run.header.endUs);
    else return;
    app.requestRender();
  });
}
