// The CLI binary: list, run and their argument errors (one line, the documented exit code).

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "simctl.js");
const ENTRY = join(ROOT, "dist", "cli", "main.js");

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

let cwd = "";

/** Runs `node bin/simctl.js ...args` in a scratch directory (failing runs write repro files there). */
function simctl(...args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function newestMtime(dir: string): number {
  return readdirSync(dir).reduce((max, name) => {
    const path = join(dir, name);
    const st = statSync(path);
    return Math.max(max, st.isDirectory() ? newestMtime(path) : st.mtimeMs);
  }, 0);
}

/** A user error: exactly one line on stderr, no stack trace. */
function expectOneLineError(r: Ran, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  // `npm test` builds first; when this file runs alone, build only if dist is stale.
  if (!existsSync(ENTRY) || statSync(ENTRY).mtimeMs < newestMtime(join(ROOT, "src"))) {
    const build = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, encoding: "utf8" });
    // tsc still emits when another module has a type error; the CLI tests then judge the output.
    if (!existsSync(ENTRY)) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
  }
  cwd = mkdtempSync(join(tmpdir(), "simctl-cli-"));
});

afterAll(() => {
  if (cwd !== "") rmSync(cwd, { recursive: true, force: true });
});

describe.concurrent("simctl list", () => {
  it("--json prints valid JSON listing every scenario with its catalog ids", async () => {
    const r = await simctl("list", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      scenarios: { id: string; title: string; covers: string[] }[];
      covered: string[];
    };
    const ids = out.scenarios.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(["kernel/ping-pong", "kernel/timeout-storm"]));
    for (const s of out.scenarios) {
      expect(typeof s.title).toBe("string");
      expect(Array.isArray(s.covers)).toBe(true);
    }
    expect(out.covered).toEqual([...new Set(out.scenarios.flatMap((s) => s.covers))].sort());
  });

  it("without --json prints one line per scenario", async () => {
    const r = await simctl("list");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^kernel\/ping-pong\s+\S/m);
    expect(r.stdout).toMatch(/^kernel\/timeout-storm\s+\S/m);
  });
});

describe.concurrent("simctl run", () => {
  it("kernel/timeout-storm --seed 7 --json twice prints the same traceHash and exits 0", async () => {
    const [a, b] = await Promise.all([
      simctl("run", "kernel/timeout-storm", "--seed", "7", "--json"),
      simctl("run", "kernel/timeout-storm", "--seed", "7", "--json"),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const ja = JSON.parse(a.stdout) as Record<string, unknown>;
    const jb = JSON.parse(b.stdout) as Record<string, unknown>;
    for (const key of [
      "scenario",
      "seed",
      "verdict",
      "traceHash",
      "events",
      "virtualTimeUs",
      "wallMs",
      "violations",
      "options",
    ])
      expect(ja).toHaveProperty(key);
    expect(ja["traceHash"]).toMatch(/^[0-9a-f]{16}$/);
    expect(jb["traceHash"]).toBe(ja["traceHash"]);
    expect(ja).toMatchObject({ scenario: "kernel/timeout-storm", seed: 7, verdict: "pass", violations: [] });
    expect(jb["events"]).toBe(ja["events"]);
  });

  it("without --seed picks one, prints it, and that seed reproduces the run", async () => {
    const r = await simctl("run", "kernel/ping-pong", "--set", "rounds=10");
    expect(r.code).toBe(0);
    const seed = /using random seed (\d+)/.exec(r.stdout)?.[1];
    expect(seed).toBeDefined();
    const hash = /^trace\s+([0-9a-f]{16})/m.exec(r.stdout)?.[1];
    const again = await simctl("run", "kernel/ping-pong", "--seed", seed!, "--set", "rounds=10", "--json");
    expect((JSON.parse(again.stdout) as { traceHash: string }).traceHash).toBe(hash);
  });

  it("an unknown scenario exits 2 with one line suggesting the closest name", async () => {
    const r = await simctl("run", "kernel/ping-png", "--seed", "1");
    expectOneLineError(r, /unknown scenario "kernel\/ping-png".*did you mean kernel\/ping-pong/);
    expect(r.stdout).toBe("");
  });

  it("seeds that are not a decimal integer in [0, 2^53) each exit 2 with one line", async () => {
    const seeds = ["-1", "1.5", "abc", "9007199254740992", "0x10"];
    const rs = await Promise.all(seeds.map((seed) => simctl("run", "kernel/ping-pong", `--seed=${seed}`)));
    for (const r of rs) expectOneLineError(r, /seed/);
  });

  it("the largest valid seed, 2^53 - 1, is accepted", async () => {
    const r = await simctl("run", "kernel/ping-pong", "--seed", "9007199254740991", "--set", "rounds=2", "--json");
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { seed: number }).seed).toBe(9007199254740991);
  });

  it("malformed or non-positive --max-time values each exit 2 with one line", async () => {
    const values = ["soon", "0", "-5s"];
    const rs = await Promise.all(
      values.map((v) => simctl("run", "kernel/ping-pong", "--seed", "1", `--max-time=${v}`)),
    );
    for (const r of rs) expectOneLineError(r, /max-time/);
  });

  it("--max-events 0, a bad option key and a bad option value each exit 2 with one line", async () => {
    const rs = await Promise.all([
      simctl("run", "kernel/ping-pong", "--seed", "1", "--max-events", "0"),
      simctl("run", "kernel/ping-pong", "--seed", "1", "--set", "rounds_=3"),
      simctl("run", "kernel/ping-pong", "--seed", "1", "--set", "rounds=many"),
    ]);
    expectOneLineError(rs[0]!, /max-events/);
    expectOneLineError(rs[1]!, /unknown option "rounds_"/);
    expectOneLineError(rs[2]!, /option rounds=many is not a decimal integer: expected an integer in \[1, 100000\]/);
  });

  it("--faults: an invalid schedule, an unreadable file, non-JSON and a network-less scenario each exit 2 with one line", async () => {
    const bad = join(cwd, "bad-faults.json");
    writeFileSync(
      bad,
      JSON.stringify([
        { atMs: 500, action: "crash", node: "nobody" },
        { atMs: -1, action: "explode" },
      ]),
    );
    const invalid = await simctl("run", "net/partition-heal", "--seed", "1", "--faults", bad);
    expectOneLineError(invalid, /^simctl: error: invalid fault schedule: 3 problems/);
    for (const problem of ['unknown node "nobody"', "atMs must be a non-negative integer", 'unknown action "explode"'])
      expect(invalid.stderr).toContain(problem);
    expectOneLineError(
      await simctl("run", "net/partition-heal", "--seed", "1", "--faults", join(cwd, "missing.json")),
      /no such fault schedule: /,
    );
    const notJson = join(cwd, "not-json.json");
    writeFileSync(notJson, "[{ atMs: 1");
    expectOneLineError(
      await simctl("run", "net/partition-heal", "--seed", "1", "--faults", notJson),
      /invalid fault schedule .*not JSON/,
    );
    const good = join(cwd, "good-faults.json");
    writeFileSync(good, JSON.stringify([{ atMs: 100, action: "crash", node: "n1" }]));
    expectOneLineError(
      await simctl("run", "kernel/ping-pong", "--seed", "1", "--faults", good),
      /has no simulated network/,
    );
  });

  it("--faults replaces the scenario's own faults: the applied schedule is exactly the file's", async () => {
    const file = join(cwd, "one-crash.json");
    writeFileSync(file, JSON.stringify([{ atMs: 700, action: "crash", node: "n3", durationMs: 300 }]));
    const r = await simctl("run", "net/one-way-partition", "--seed", "2", "--faults", file, "--json", "--no-repro");
    const out = JSON.parse(r.stdout) as { faultSchedule: { action: string; node?: string }[]; verdict: string };
    // The timed restart is the crash step's own undo, not a step of its own (replaying it would apply it twice).
    expect(out.faultSchedule).toEqual([{ atMs: 700, action: "crash", node: "n3", durationMs: 300 }]);
    // The scenario's one-way partition did not happen, so its "n1 -> n2 dropped" check fails.
    expect(out.verdict).toBe("fail");
  });

  it("--max-events 10 on a long scenario exits 3 (liveness), and the printed reproduce command keeps the budget", async () => {
    const r = await simctl("run", "kernel/ping-pong", "--seed", "3", "--max-events", "10");
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/LIVENESS/);
    expect(r.stdout).toMatch(/event budget exhausted/);
    const cmd = /^reproduce\s+(npx simctl .*)$/m.exec(r.stdout)?.[1];
    expect(cmd).toContain("--max-events 10");
    const json = await simctl("run", "kernel/ping-pong", "--seed", "3", "--max-events", "10", "--json");
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ verdict: "liveness", events: 10 });
  });

  it("--max-time shorter than the run exits 3 and the reproduce command keeps the time budget", async () => {
    const r = await simctl("run", "kernel/ping-pong", "--seed", "3", "--max-time", "20ms");
    expect(r.code).toBe(3);
    const cmd = /^reproduce\s+(npx simctl .*)$/m.exec(r.stdout)?.[1];
    expect(cmd).toMatch(/--max-time \S+/);
    const budget = /--max-time (\S+)/.exec(cmd!)![1]!;
    const again = await simctl("run", "kernel/ping-pong", "--seed", "3", "--max-time", budget, "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({ verdict: "liveness", virtualTimeUs: expect.any(Number) });
    expect((JSON.parse(again.stdout) as { limits: { maxTimeUs: number } }).limits.maxTimeUs).toBe(20_000);
  });

  it("a failing check exits 1, and the printed reproduce command reruns exactly that failure", async () => {
    // The planted bug (a wrong pong at round 50) fails the ordering check for seed 170.
    const planted = ["--set", "plantBugAtRound=50", "--set", "rounds=60", "--set", "maxJitterMs=5ms"];
    const r = await simctl("run", "kernel/ping-pong", "--seed", "170", ...planted);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/verdict\s+FAIL/);
    expect(r.stdout).toMatch(/✗ every pong matches its ping, in order/);
    const cmd = /^reproduce\s+(npx simctl .*)$/m.exec(r.stdout)?.[1];
    expect(cmd).toBe("npx simctl run kernel/ping-pong --seed 170 --set rounds=60 --set plantBugAtRound=50");
    const hash = /^trace\s+([0-9a-f]{16})/m.exec(r.stdout)?.[1];
    const rerun = await simctl(...cmd!.replace(/^npx simctl /, "").split(" "), "--json");
    expect(rerun.code).toBe(1);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ verdict: "fail", traceHash: hash });
  });

  it("--trace FILE writes JSONL with one line per trace record, in order, and leaves the hash alone", async () => {
    const file = join(cwd, "storm.trace.jsonl");
    const [traced, plain] = await Promise.all([
      simctl("run", "kernel/timeout-storm", "--seed", "7", "--json", "--trace", file, "--set", "processes=200"),
      simctl("run", "kernel/timeout-storm", "--seed", "7", "--json", "--set", "processes=200"),
    ]);
    expect(traced.code).toBe(0);
    const result = JSON.parse(traced.stdout) as { events: number; traceHash: string };
    expect(result.traceHash).toBe((JSON.parse(plain.stdout) as { traceHash: string }).traceHash);
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(result.events + 1); // kernel scenarios write one record per event, then the end record
    expect(JSON.parse(lines.pop()!)).toEqual({
      end: true,
      records: result.events,
      traceHash: result.traceHash,
      verdict: "pass",
      events: result.events,
      virtualTimeUs: expect.any(Number),
    });
    const records = lines.map(
      (l) => JSON.parse(l) as { i: number; t: number; seq: number; kind: string; node: string },
    );
    expect(records.map((r) => r.i)).toEqual(records.map((_, i) => i));
    for (let i = 1; i < records.length; i++) expect(records[i]!.t).toBeGreaterThanOrEqual(records[i - 1]!.t);
    expect(records[0]).toMatchObject({ t: 0, kind: "start" });
    expect(new Set(records.map((r) => r.kind))).toEqual(new Set(["start", "wake", "timer"]));
  });
});
