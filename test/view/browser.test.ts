// The viewer's page in a real browser: Debian's Chromium, headless, driven by
// playwright-core (no browser download). Opens the HTML of cluster/smoke --seed 1 from
// disk and checks that the diagram drew: a lane per node, one arrow per delivered message,
// a job filter that keeps fewer, and a click that shows a payload. Saves a screenshot under
// test/artifacts/. Skipped, with a notice, where /usr/bin/chromium is not installed.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findScenario } from "../../src/scenarios/index.js";
import { recordRun } from "../../src/view/capture/record.js";
import { buildPage } from "../../src/view/build.js";

/** The DOM names the page functions below use: this file is type-checked without the DOM library. */
interface Dataset {
  dataset: Record<string, string | undefined>;
}
declare const document: { body: Dataset; getElementById(id: string): Dataset | null };
declare const window: unknown;

const CHROMIUM = "/usr/bin/chromium";
const ROOT = join(import.meta.dirname, "..", "..");
const ARTIFACTS = join(ROOT, "test", "artifacts");
const present = existsSync(CHROMIUM);
if (!present)
  console.log(`notice: ${CHROMIUM} is not installed, so the viewer's browser test is skipped (.ci/run installs it)`);

/** The launch flags this machine needs: no sandbox as root, and no background connections to a closed network. */
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

describe.skipIf(!present)("the viewer page in headless Chromium", () => {
  let dir = "";
  let context: BrowserContext;
  let page: Page;
  let delivered = 0;
  let nodes: string[] = [];

  beforeAll(async () => {
    // `npm test` builds the page's script first; alone, this file builds it if it is missing.
    if (!existsSync(join(ROOT, "dist", "view-client")))
      spawnSync("npx", ["tsc", "-p", "tsconfig.client.json"], { cwd: ROOT, encoding: "utf8" });
    dir = mkdtempSync(join(tmpdir(), "simctl-browser-"));
    const { result, input } = recordRun(
      findScenario("cluster/smoke")!,
      { seed: 1 },
      "npx simctl run cluster/smoke --seed 1",
    );
    delivered = Number(result.metrics["messages.delivered"]);
    nodes = input.header.nodes.map((n) => n.id);
    const file = join(dir, "smoke.html");
    writeFileSync(file, buildPage(input).html);
    context = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1400, height: 860 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`file://${file}`);
    await page.waitForFunction(
      () => document.body.dataset["ready"] === "true" || document.body.dataset["error"],
      null,
      {
        timeout: 30_000,
      },
    );
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  const stats = (): Promise<Record<string, string>> =>
    page.evaluate(() => ({ ...document.getElementById("stats")?.dataset }) as Record<string, string>);

  it("opens without an error and draws a lane per node", async () => {
    expect(await page.evaluate(() => document.body.dataset["error"] ?? null)).toBeNull();
    const lanes = await page.locator("#labels .lane").evaluateAll((els) => els.map((e) => e.textContent));
    expect(lanes.sort()).toEqual([...nodes].sort());
  });

  it("draws one arrow per delivered message, and a job filter draws fewer", async () => {
    const all = await stats();
    expect(all).toMatchObject({ mode: "arrows", arrows: String(delivered), dropped: "0" });
    await page.fill("#filter-job", "client-1-j1");
    await page.dispatchEvent("#filter-job", "change");
    await page.waitForFunction((n) => document.getElementById("stats")?.dataset["arrows"] !== String(n), delivered);
    const one = Number((await stats())["arrows"]);
    expect(one).toBeGreaterThan(0);
    expect(one).toBeLessThan(delivered);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "smoke-seed1-job.png") });
  });

  it("shows a message's payload when its arrow is clicked", async () => {
    // The middle of the first drawn arrow, from the page's own geometry.
    // The job filter of the test before is still on: the first arrow is client-1-j1's submission.
    const point = await page.evaluate(() => {
      type Cols = Record<string, ArrayLike<number>>;
      const app = (
        window as unknown as {
          simctlView: {
            run: { copies: Cols; messages: Cols; header: { types: string[] } };
            copies: Uint8Array;
            vp: { x(t: number): number };
            rows: { laneY: ArrayLike<number> };
            canvas: { getBoundingClientRect(): { left: number; top: number } };
          };
        }
      ).simctlView;
      const c = app.run.copies;
      const m = app.run.messages;
      const i = app.copies.indexOf(1);
      const msg = c["msg"]![i]!;
      const x = (app.vp.x(c["startUs"]![i]!) + app.vp.x(c["endUs"]![i]!)) / 2;
      const y = (app.rows.laneY[m["src"]![msg]!]! + app.rows.laneY[m["dst"]![msg]!]!) / 2;
      const box = app.canvas.getBoundingClientRect();
      return { x: box.left + x, y: box.top + y, type: app.run.header.types[m["type"]![msg]!] };
    });
    await page.mouse.click(point.x, point.y);
    await expect.poll(() => page.textContent("#details h3")).toBe(point.type);
    expect(await page.textContent("#details .payload")).toContain('"jobId": "client-1-j1"');
    await page.click("text=fit run");
    await page.screenshot({ path: join(ARTIFACTS, "smoke-seed1.png") });
  });
});
