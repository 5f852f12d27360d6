// The reproduction loop through the real CLI: exit codes, files written (and not).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, expectOneLineError, listTree, simctl } from "./repro-harness.js";

let cwd = "";
let repro = "";
const PLANTED = ["--set", "plantBugAtRound=50", "--set", "rounds=60"];

beforeAll(async () => {
  ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), "simctl-repro-cli-"));
  const r = await simctl(cwd, "run", "kernel/ping-pong", "--seed", "6", ...PLANTED, "--repro-dir", "out", "--json");
  expect(r.code, r.stderr).toBe(1);
  repro = join(cwd, JSON.parse(r.stdout).repro as string);
}, 240_000); // a stale dist/ is rebuilt first, which is slow on a busy machine

afterAll(() => {
  if (cwd !== "") rmSync(cwd, { recursive: true, force: true });
});

describe("run, replay, check", () => {
  it("run writes a repro on failure into --repro-dir; replay says IDENTICAL and exits 1, as the failure recurs", async () => {
    expect(repro).toMatch(/out\/kernel_ping-pong-seed6-[0-9a-f]{8}\.json$/);
    const r = await simctl(cwd, "replay", repro);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^IDENTICAL$/m);
  });

  it("a passing run writes no repro", async () => {
    const r = await simctl(
      cwd,
      "run",
      "kernel/ping-pong",
      "--seed",
      "1",
      "--set",
      "rounds=20",
      "--repro-dir",
      "pass-out",
    );
    expect(r.code).toBe(0);
    expect(listTree(join(cwd, "pass-out"))).toEqual([]);
  });

  it("replay of a diverging run says DIVERGED, names the first differing event and exits 4", async () => {
    const r = await simctl(cwd, "replay", repro, "--test-perturb-at", "700");
    expect(r.code, r.stderr).toBe(4);
    expect(r.stdout).toMatch(/^DIVERGED: NONDETERMINISTIC$/m);
    expect(r.stdout).toContain("first divergent window: checkpoint 0 (records 0..1023)");
    expect(r.stdout).toMatch(/first differing event: record #700 — replay has an event recorded does not/);
    expect(r.stdout).toMatch(/replay: +#700 at \d\d:\d\d:\d\d\.\d{6} seq \d+ node \S+ kind test-perturb/);
  });

  it("check exits 0 for two identical runs and 4 naming the event when they differ", async () => {
    const ok = await simctl(cwd, "check", "kernel/timeout-storm", "--seed", "2", "--set", "processes=600");
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^DETERMINISTIC$/m);
    const bad = await simctl(
      cwd,
      "check",
      "kernel/timeout-storm",
      "--seed",
      "2",
      "--set",
      "processes=600",
      "--test-perturb-at",
      "1500",
      "--json",
    );
    expect(bad.code).toBe(4);
    const out = JSON.parse(bad.stdout);
    expect(out).toMatchObject({
      deterministic: false,
      divergence: { checkpoint: 1, firstDifference: { index: 1500, shape: "extra", b: { kind: "test-perturb" } } },
    });
  });
});

describe("bad repro files", () => {
  it("refuses truncated, unknown-version and missing files: one line, exit 2, nothing written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "simctl-bad-"));
    const text = readFileSync(repro, "utf8");
    writeFileSync(join(dir, "truncated.json"), text.slice(0, 300));
    writeFileSync(join(dir, "future.json"), JSON.stringify({ ...JSON.parse(text), version: 2 }));
    writeFileSync(join(dir, "foreign.json"), JSON.stringify({ hello: "world" }));
    const before = listTree(dir);
    expectOneLineError(
      await simctl(dir, "replay", "truncated.json"),
      /truncated\.json is not valid JSON \(truncated or corrupt\?\)/,
    );
    expectOneLineError(
      await simctl(dir, "replay", "future.json"),
      /future\.json has repro format version 2; this simctl reads version 1/,
    );
    expectOneLineError(await simctl(dir, "replay", "foreign.json"), /foreign\.json is not a simctl repro file/);
    expectOneLineError(await simctl(dir, "replay", "missing.json"), /no such repro file: missing\.json/);
    // shrink would write NAME.min.json: it must refuse before writing anything.
    expectOneLineError(await simctl(dir, "shrink", "truncated.json"), /truncated\.json is not valid JSON/);
    expectOneLineError(await simctl(dir, "shrink", "future.json"), /future\.json has repro format version 2/);
    expect(listTree(dir)).toEqual(before);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("shrink", () => {
  it("writes NAME.min.json with the sizes before and after, and it replays IDENTICAL", async () => {
    const r = await simctl(cwd, "shrink", repro);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/pairs\s+8\s+\d\n/);
    expect(r.stdout).toMatch(/rounds\s+60\s+51\n/);
    const min = repro.replace(/\.json$/, ".min.json");
    expect(r.stdout).toContain(`wrote     ${min}`);
    const again = await simctl(cwd, "replay", min);
    expect(again.code).toBe(1); // the shrunk repro still fails, identically
    expect(again.stdout).toMatch(/^IDENTICAL$/m);
  });
});
