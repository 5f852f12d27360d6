// `npm run bench:view`: what the viewer's page costs for cluster/smoke --seed 1 and for the
// standard cluster's 10 virtual minutes (~350k messages): the re-execution with the
// recorder against a plain run, building the page, its size and bytes per message; with
// --browser (and /usr/bin/chromium), how long the page takes to open in headless Chromium
// and what a frame costs while panning at several zooms (medians; the raster is forced,
// so the figure is the whole frame). Figures are printed, never asserted: the machine is shared.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { findScenario, runScenario, type ScenarioDef } from "../scenarios/index.js";
import { buildPage, bytesPerMessage } from "../view/build.js";
import { recordRun } from "../view/capture/record.js";
import { standardCluster } from "./cluster.js";
import { median } from "./kernel.js";
import { measurePage, type PageTiming } from "./view-browser.js";

export interface ViewBenchRow {
  name: string;
  messages: number;
  plainRunMs: number;
  recordedRunMs: number;
  buildMs: number;
  htmlBytes: number;
  gzipBytes: number;
  rawBytes: number;
  bytesPerMessage: number;
  browser: PageTiming | null;
}

function benchOne(name: string, scenario: ScenarioDef, dir: string): ViewBenchRow {
  let t = performance.now();
  runScenario(scenario, { seed: 1 });
  const plainRunMs = performance.now() - t;
  t = performance.now();
  const { input } = recordRun(scenario, { seed: 1 }, `${scenario.id} seed 1`);
  const recordedRunMs = performance.now() - t;
  t = performance.now();
  const page = buildPage(input);
  const buildMs = performance.now() - t;
  const file = join(dir, `${name.replace(/\W+/g, "_")}.html`);
  writeFileSync(file, page.html);
  return {
    name,
    messages: page.header.messageCount,
    plainRunMs,
    recordedRunMs,
    buildMs,
    htmlBytes: Buffer.byteLength(page.html),
    gzipBytes: page.gzipBytes,
    rawBytes: page.rawBytes,
    bytesPerMessage: bytesPerMessage(page),
    browser: null,
  };
}

function print(rows: ViewBenchRow[]): void {
  for (const r of rows) {
    process.stdout.write(
      `${r.name}: ${r.messages.toLocaleString("en-US")} messages; run ${r.plainRunMs.toFixed(0)} ms, with recorder ${r.recordedRunMs.toFixed(0)} ms; page built in ${r.buildMs.toFixed(0)} ms; ` +
        `${(r.htmlBytes / 1024).toFixed(0)} KiB (${r.bytesPerMessage.toFixed(1)} bytes/message; data ${r.rawBytes.toLocaleString("en-US")} bytes raw, ${r.gzipBytes.toLocaleString("en-US")} gzipped)\n`,
    );
    const b = r.browser;
    if (b === null) continue;
    process.stdout.write(
      `  opens in ${b.openMs.map((ms) => ms.toFixed(0)).join(", ")} ms (median ${median(b.openMs).toFixed(0)})\n`,
    );
    for (const f of b.frames)
      process.stdout.write(
        `  window ${f.windowPercent}% of the run: ${f.mode}, ${f.delivered.toLocaleString("en-US")} messages in view, frame median ${f.medianMs.toFixed(1)} ms, p90 ${f.p90Ms.toFixed(1)} ms\n`,
      );
  }
}

export async function viewBenchmark(browser: boolean): Promise<ViewBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "simctl-bench-view-"));
  try {
    const runs: [string, ScenarioDef][] = [
      ["cluster/smoke --seed 1", findScenario("cluster/smoke")!],
      ["standard cluster, 10 virtual minutes", standardCluster],
    ];
    const rows = runs.map(([name, scenario]) => benchOne(name, scenario, dir));
    if (browser)
      for (const row of rows) row.browser = await measurePage(join(dir, `${row.name.replace(/\W+/g, "_")}.html`));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const browser = process.argv.includes("--browser") && existsSync("/usr/bin/chromium");
  const rows = await viewBenchmark(browser);
  if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else print(rows);
}
