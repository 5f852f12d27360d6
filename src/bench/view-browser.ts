// The browser half of `npm run bench:view`: opens a page in headless Debian Chromium
// (playwright-core, a development dependency) three times, timing navigation to the
// page's data-ready mark, then pans the diagram at several zooms and times each frame,
// forcing the raster (getImageData) so the figure includes the drawing, not only the calls.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

export interface FrameTiming {
  windowPercent: number;
  mode: string;
  delivered: number;
  medianMs: number;
  p90Ms: number;
}

export interface PageTiming {
  openMs: number[];
  frames: FrameTiming[];
}

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Runs in the page: pans 30 frames at each window size and times them. */
function panFrames(fractions: number[]): FrameTiming[] {
  type App = {
    run: { header: { endUs: number } };
    vp: { fit(a: number, b: number): void; pan(dx: number): void };
    render(): void;
    canvas: { getContext(k: "2d"): { getImageData(x: number, y: number, w: number, h: number): unknown } };
  };
  const g = globalThis as unknown as {
    simctlView: App;
    document: { getElementById(id: string): { dataset: Record<string, string> } };
  };
  const app = g.simctlView;
  const end = app.run.header.endUs;
  return fractions.map((fraction) => {
    app.vp.fit(end * 0.4, end * (0.4 + fraction));
    app.render();
    const times: number[] = [];
    for (let k = 0; k < 30; k++) {
      const t = performance.now();
      app.vp.pan(7);
      app.render();
      app.canvas.getContext("2d").getImageData(0, 0, 1, 1);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const stats = g.document.getElementById("stats").dataset;
    return {
      windowPercent: fraction * 100,
      mode: stats["mode"] ?? "?",
      delivered: Number(stats["delivered"]),
      medianMs: times[15]!,
      p90Ms: times[27]!,
    };
  });
}

export async function measurePage(file: string): Promise<PageTiming> {
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "simctl-bench-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 900 },
  });
  try {
    const openMs: number[] = [];
    let frames: FrameTiming[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await context.newPage();
      const t = performance.now();
      await page.goto(`file://${file}`);
      await page.waitForFunction(
        () => (globalThis as unknown as { simctlView?: unknown }).simctlView !== undefined,
        null,
        {
          timeout: 120_000,
        },
      );
      openMs.push(performance.now() - t);
      if (i === 2) frames = await page.evaluate(panFrames, [1, 0.1, 0.01, 0.001]);
      await page.close();
    }
    return { openMs, frames };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
