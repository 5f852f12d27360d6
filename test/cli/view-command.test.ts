// `simctl view` and the --html options of run and replay, through the binary: one offline
// HTML file per run, the text timeline of one job, the three kinds of input (scenario
// seed, repro file, JSONL trace), and one-line errors for what cannot be drawn.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "simctl.js");
let cwd = "";

function simctl(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The page is one file: no script, style, image or link is fetched from anywhere. */
function expectSelfContained(html: string): void {
  expect(html).toMatch(/^<!doctype html>/);
  expect(html).not.toMatch(/<(script|img|link|iframe)[^>]+(src|href)=/i);
  expect(html).not.toMatch(/https?:\/\//);
  expect(html).toContain('<script type="application/octet-stream" id="simctl-data">');
}

beforeAll(() => {
  // `npm test` builds first; alone, this file builds what the CLI and the page need.
  if (!existsSync(join(ROOT, "dist", "cli", "main.js")) || !existsSync(join(ROOT, "dist", "view-client")))
    spawnSync("npm", ["run", "build"], { cwd: ROOT, encoding: "utf8" });
  cwd = mkdtempSync(join(tmpdir(), "simctl-view-"));
});

afterAll(() => {
  if (cwd !== "") rmSync(cwd, { recursive: true, force: true });
});

describe.concurrent("simctl view", () => {
  it("writes one self-contained HTML file for a scenario seed", async () => {
    const r = await simctl("view", "cluster/smoke", "--seed", "1", "--out", "smoke.html");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^view\s+smoke\.html\s+\([\d,]+ messages, 8 nodes, \d+ KiB, [\d.]+ bytes\/message\)$/m);
    const html = readFileSync(join(cwd, "smoke.html"), "utf8");
    expectSelfContained(html);
    expect(html).toContain("cluster/smoke --seed 1");
  });

  it("--text --job prints that job's life one line per event, gate to worker", async () => {
    const r = await simctl("view", "cluster/smoke", "--seed", "1", "--text", "--job", "client-1-j1");
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^00:00:15\.000000 {2}#\s*\d+ {2}client-1 → gate-1 {2}job-submission {2}delivered \+\d+µs/,
    );
    expect(r.stdout).toMatch(/dc1-mgr-\d → dc1-wrk-\d {2}workflow-dispatch {2}delivered/);
    expect(r.stdout).toMatch(/client-1 {2}client\.result {2}\{"job":"client-1-j1","status":"completed"\}/);
    for (const line of lines) expect(line).toMatch(/client-1-j1/);
  });

  it("refuses an unknown job and a scenario with no network, in one line each", async () => {
    const [job, kernel] = await Promise.all([
      simctl("view", "cluster/smoke", "--seed", "1", "--text", "--job", "nope"),
      simctl("view", "kernel/ping-pong", "--seed", "1"),
    ]);
    expect([job.code, kernel.code]).toEqual([2, 2]);
    expect(job.stderr.trim()).toMatch(/^simctl: error: no job "nope" in this run; its jobs include client-1-j1$/);
    expect(kernel.stderr.trim()).toMatch(/^simctl: error: scenario kernel\/ping-pong has no simulated network/);
  });

  it("draws a JSONL trace (no payloads) and says so on the page", async () => {
    const run = await simctl("run", "net/partition-heal", "--seed", "1", "--trace", "ph.jsonl");
    expect(run.code).toBe(0);
    const r = await simctl("view", "ph.jsonl", "--out", "ph.html");
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(cwd, "ph.html"), "utf8");
    expectSelfContained(html);
    expect(html).toContain("from a trace file (no payloads)");
  });
});

describe("run, replay and view of a failing seed", () => {
  it("run --html, replay --html and view of its repro draw the same run", async () => {
    // Too short a liveness budget: the job is still running when it runs out (exit 3).
    const run = await simctl(
      "run",
      "cluster/smoke",
      "--seed",
      "1",
      "--set",
      "livenessBudgetMs=100ms",
      "--html",
      "run.html",
    );
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toMatch(/^view\s+run\.html/m);
    const repro = join("simctl-repros", readdirSync(join(cwd, "simctl-repros"))[0]!);
    const [replay, view] = await Promise.all([
      simctl("replay", repro, "--html", "replay.html"),
      simctl("view", repro, "--out", "view.html"),
    ]);
    // replay exits with the run's own verdict: the same liveness failure (3), identical.
    expect([replay.code, view.code], replay.stderr + view.stderr).toEqual([3, 0]);
    expect(replay.stdout).toMatch(/IDENTICAL/);
    expect(view.stderr).toBe(""); // no warning: the rerun is the recorded run
    const data = (file: string): string =>
      /id="simctl-data">([^<]*)</.exec(readFileSync(join(cwd, file), "utf8"))?.[1] ?? "";
    // The same run named by the same command (replay FILE), so the very same data.
    expect(data("replay.html")).toBe(data("view.html"));
    expect(statSync(join(cwd, "run.html")).size).toBeGreaterThan(20_000);
  });
});
