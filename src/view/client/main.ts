// The page's entry point: load the embedded run, build the app, the toolbar and the side
// panel, size everything to the window, and mark the page ready (data-ready on <body>,
// which the browser test waits for). A failure is shown on the page, not only the console.

import { App } from "./app.js";
import { buildControls, setJob } from "./controls.js";
import type { Hit } from "./hit.js";
import { wireInput } from "./input.js";
import { loadRun, readConfig } from "./load.js";
import { listViolations, showDetails } from "./panel.js";

async function start(): Promise<void> {
  const run = await loadRun("simctl-data");
  const app = new App(run);
  const { job } = buildControls(app, document.getElementById("toolbar")!);
  const details = document.getElementById("details")!;
  const select = (hit: Hit | null): void => {
    app.selected = hit;
    showDetails(app, details, hit, job);
    app.requestRender();
  };
  app.onSelect = select;
  showDetails(app, details, null, job);
  listViolations(app, document.getElementById("violations")!, select);
  wireInput(app, document.getElementById("tooltip")!);
  app.resize();
  // The diagram's area settles after the toolbar and panel are filled, and changes with the
  // window: lay out again whenever its size does (the first call above may have seen it early).
  const scroll = document.getElementById("scroll")!;
  let seen = "";
  new ResizeObserver(() => {
    const size = `${scroll.clientWidth}x${scroll.clientHeight}`;
    if (size === seen) return;
    seen = size;
    app.resize();
  }).observe(scroll);
  const config = readConfig("simctl-config");
  if (config.job !== null) {
    job.value = config.job;
    setJob(app, config.job);
    app.render();
  }
  // For the console and for tests that measure frames: the page's state, read-only by convention.
  (window as unknown as { simctlView: App }).simctlView = app;
  document.body.dataset["ready"] = "true";
}

start().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  document.body.dataset["error"] = message;
  const box = document.getElementById("error");
  if (box !== null) {
    box.hidden = false;
    box.textContent = `The run could not be shown: ${message}`;
  }
});
