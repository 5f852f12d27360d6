// The CLI under interruption, hangs, memory exhaustion and broken output: what a sweep or
// a run found is printed and kept, files end cleanly or are not left at all, and the exit
// code says what happened (issue 14).

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, listTree, ROOT, simctl, simctlWith, type Ran } from "./repro-harness.js";

let cwd = "";
const PLANTED = ["--set", "plantBugAtRound=50", "--set", "rounds=60"];
/** About 20 s of work for one seed: long enough to interrupt or to hang past a 1 s limit. */
const SLOW = ["kernel/timeout-storm", "--set", "processes=100000", "--set", "permits=1000"];

beforeAll(() => {
  ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), "simctl-reliability-"));
}, 240_000);
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/**
 * Starts simctl with progress lines on (SIMCTL_PROGRESS=1), sends `signal` once stderr
 * matches `ready` (how far the work got, whatever the machine's load), and collects the result.
 */
function interrupted(dir: string, ready: RegExp, signal: NodeJS.Signals, ...args: string[]): Promise<Ran> {
  let sent = false;
  const onStderr = (stderr: string, child: ChildProcess): void => {
    if (sent || !ready.test(stderr)) return;
    sent = true;
    child.kill(signal);
  };
  return simctlWith(dir, { env: { SIMCTL_PROGRESS: "1" }, onStderr }, ...args);
}

/** simctl with only these colour variables set (the harness's NO_COLOR and FORCE_COLOR removed). */
function simctlEnv(dir: string, env: Record<string, string>, ...args: string[]): Promise<Ran> {
  return simctlWith(dir, { env: { NO_COLOR: undefined, FORCE_COLOR: undefined, ...env } }, ...args);
}

function scratch(name: string): string {
  const dir = join(cwd, name);
  rmSync(dir, { recursive: true, force: true });
  return mkdtempSync(`${dir}-`);
}

const noTemporaries = (dir: string) => expect(listTree(dir).filter((f) => /\.tmp$|\.simctl-probe/.test(f))).toEqual([]);

describe("signals", () => {
  it("Ctrl-C in a 3,000-seed sweep: partial summary, the groups' repros written, exit 130", async () => {
    const dir = scratch("sigint-sweep");
    const r = await interrupted(
      dir,
      /\] \d\d+\/3000 seeds {2}[1-9]/,
      "SIGINT",
      "sweep",
      "kernel/ping-pong",
      "--seeds",
      "1..3000",
      "-j",
      "2",
      ...PLANTED,
    );
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).not.toMatch(/error|\n\s+at /); // progress lines only
    const done = Number(/INTERRUPTED after (\d+) of 3000 seeds/.exec(r.stdout)?.[1]);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(3000);
    expect(r.stdout).toMatch(/failed in 1 group/);
    const repro = /npx simctl replay (\S+)/.exec(r.stdout)?.[1];
    expect(repro).toBeDefined();
    const replay = await simctl(dir, "replay", repro!);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(/^IDENTICAL$/m);
    noTemporaries(dir);
  });

  it("SIGTERM with --json: one summary object marked interrupted, with the seeds planned and done", async () => {
    const dir = scratch("sigterm-sweep");
    const r = await interrupted(
      dir,
      /\] \d\d+\/3000 seeds {2}[1-9]/,
      "SIGTERM",
      "sweep",
      "kernel/ping-pong",
      "--seeds",
      "3000",
      "-j",
      "2",
      ...PLANTED,
      "--json",
    );
    expect(r.code, r.stderr).toBe(130);
    const s = JSON.parse(r.stdout) as {
      interrupted: boolean;
      planned: number;
      seedsRun: number;
      groups: { repro: string }[];
    };
    expect(s).toMatchObject({ interrupted: true, planned: 3000 });
    expect(s.seedsRun).toBeLessThan(3000);
    expect(existsSync(join(dir, s.groups[0]!.repro))).toBe(true);
    noTemporaries(dir);
  });

  it("Ctrl-C in run --trace: the trace file ends with an interrupted record, exit 130", async () => {
    const dir = scratch("sigint-run");
    const r = await interrupted(
      dir,
      /virtual 00:00:00\.0*[1-9]/,
      "SIGINT",
      "run",
      ...SLOW,
      "--seed",
      "1",
      "--trace",
      "t.jsonl",
    );
    expect(r.code, r.stderr).toBe(130);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines.at(-1)).toMatch(/interrupted by SIGINT, after \d+ events .*t\.jsonl ends with an interrupted record/);
    expect(lines.slice(0, -1).every((l) => l.startsWith("run kernel/timeout-storm  virtual"))).toBe(true);
    const last = JSON.parse(readFileSync(join(dir, "t.jsonl"), "utf8").trimEnd().split("\n").pop()!);
    expect(last).toMatchObject({ interrupted: true, signal: "SIGINT" });
    expect(readdirSync(dir)).toEqual(["t.jsonl"]);
  });
});

describe("hangs and memory", () => {
  it("a seed past --seed-timeout is a hang; its repro records the hang, and replay says it still hangs", async () => {
    const dir = scratch("hang");
    const r = await simctl(dir, "sweep", ...SLOW, "--seeds", "1..1", "--seed-timeout", "1s", "--json");
    expect(r.code, r.stderr).toBe(3);
    const s = JSON.parse(r.stdout) as { verdicts: { hang: number }; groups: { check: string; repro: string }[] };
    expect(s.verdicts.hang).toBe(1);
    expect(s.groups[0]!.check).toBe("hang");
    const repro = JSON.parse(readFileSync(join(dir, s.groups[0]!.repro), "utf8"));
    expect(repro).toMatchObject({ verdict: "hang", wallTimeoutMs: 1000, traceHash: "untraced" });
    expect(repro.signature).toBe("hang | seed ran longer than the N s wall-clock limit (hung?) | -");
    const replay = await simctl(dir, "replay", s.groups[0]!.repro);
    expect(replay.code).toBe(3);
    expect(replay.stdout).toMatch(/HANG: the run still hangs/);
  });

  it("a seed past --seed-memory is a grouped out-of-memory failure, and the sweep goes on", async () => {
    const dir = scratch("oom");
    const r = await simctl(dir, "sweep", ...SLOW, "--seeds", "1..1", "--seed-memory", "64MB", "--json");
    expect(r.code, r.stderr).toBe(3);
    const s = JSON.parse(r.stdout) as { verdicts: { oom: number }; groups: { template: string; repro: string }[] };
    expect(s.verdicts.oom).toBe(1);
    expect(s.groups[0]!.template).toBe("seed exceeded the N MB memory limit");
    expect(JSON.parse(readFileSync(join(dir, s.groups[0]!.repro), "utf8"))).toMatchObject({
      verdict: "oom",
      memoryMb: 64,
    });
  });
});

describe("per-seed hashes", () => {
  it("sweep --trace-hashes --json lists every seed's hash; sweep-diff finds them equal across -j, and names a changed seed", async () => {
    const dir = scratch("hashes");
    const [one, two] = await Promise.all([
      simctl(dir, "sweep", "net/swarm", "--seeds", "1..8", "-j", "1", "--trace-hashes", "--json", "--no-repro"),
      simctl(dir, "sweep", "net/swarm", "--seeds", "1..8", "-j", "2", "--trace-hashes", "--json", "--no-repro"),
    ]);
    writeFileSync(join(dir, "a.json"), one.stdout);
    writeFileSync(join(dir, "b.json"), two.stdout);
    const a = JSON.parse(one.stdout) as { traceHashes: { digest: string; seeds: [number, string][] }; node: string };
    expect(a.traceHashes.seeds.map(([seed]) => seed)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(a.node).toBe(process.version);
    const same = await simctl(dir, "sweep-diff", "a.json", "b.json");
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/8 seeds compared: every trace hash is the same/);
    a.traceHashes.seeds[4]![1] = "0000000000000000";
    writeFileSync(join(dir, "c.json"), JSON.stringify(a));
    const changed = await simctl(dir, "sweep-diff", "c.json", "b.json", "--json");
    expect(changed.code).toBe(4);
    expect(JSON.parse(changed.stdout)).toMatchObject({
      identical: false,
      differ: [{ seed: 5, a: "0000000000000000" }],
    });
  });
});

describe("sweep-merge", () => {
  it("a missing shard turns the merge red (exit 2) unless --allow-partial", async () => {
    const dir = scratch("merge");
    const r = await simctl(
      dir,
      "sweep",
      "kernel/timeout-storm",
      "--seeds",
      "1..4",
      "--shard",
      "1/2",
      "--set",
      "processes=50",
      "--json",
      "--no-repro",
    );
    writeFileSync(join(dir, "s1.json"), r.stdout);
    const partial = await simctl(dir, "sweep-merge", "s1.json");
    expect(partial.code).toBe(2);
    expect(partial.stdout).toContain("missing shards: 2");
    expect(partial.stderr).toMatch(/^simctl: error: the merged sweep is incomplete .*--allow-partial to accept it\n$/);
    expect((await simctl(dir, "sweep-merge", "s1.json", "--allow-partial")).code).toBe(0);
  });
});

describe("output", () => {
  it("the report comes first: a trace that cannot be written is one line after it, exit 74", async () => {
    const r = await simctl(cwd, "run", "kernel/ping-pong", "--seed", "1", "--set", "rounds=20", "--trace", "/dev/full");
    expect(r.code).toBe(74);
    expect(r.stdout).toMatch(/^verdict\s+PASS$/m);
    expect(r.stderr).toBe("simctl: error: cannot write /dev/full: no space left on device\n");
  });

  it("--no-color is accepted anywhere and outranks FORCE_COLOR; FORCE_COLOR alone colours a pipe", async () => {
    const plain = await simctlEnv(cwd, { FORCE_COLOR: "1" }, "describe", "kernel/ping-pong", "--no-color");
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain("\x1b[");
    const forced = await simctlEnv(cwd, { FORCE_COLOR: "1" }, "describe", "kernel/ping-pong");
    expect(forced.stdout).toContain("\x1b[");
    const none = await simctlEnv(cwd, { NO_COLOR: "1" }, "describe", "kernel/ping-pong");
    expect(none.stdout).not.toContain("\x1b[");
  });

  it("-j above the cores is capped with a note, unless --jobs-unbounded", async () => {
    const capped = await simctl(
      cwd,
      "sweep",
      "kernel/timeout-storm",
      "--seeds",
      "1..4",
      "-j",
      "10000",
      "--set",
      "processes=50",
    );
    expect(capped.code).toBe(0);
    expect(capped.stderr).toMatch(
      /^simctl: note: -j 10000 capped at \d+, the cores available \(--jobs-unbounded lifts the cap\)\n$/,
    );
    const unbounded = await simctl(
      cwd,
      "sweep",
      "kernel/timeout-storm",
      "--seeds",
      "1..4",
      "-j",
      "3",
      "--jobs-unbounded",
      "--set",
      "processes=50",
    );
    expect(unbounded.code).toBe(0);
    expect(unbounded.stderr).toBe("");
    expect(unbounded.stdout).toMatch(/-j 3/);
  });

  it("no command prints the help on stderr and exits 2", async () => {
    const r = await simctl(cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Usage: simctl \[options\] \[command\]/);
    expect(r.stderr).toMatch(/Exit codes/);
  });

  it("a reader that closes stdout early ends simctl quietly with 141", async () => {
    const r = await new Promise<Ran>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, "bin", "simctl.js"), "list", "--json"], { cwd });
      child.stdout.destroy();
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("close", (code) => resolve({ code, stdout: "", stderr }));
    });
    expect(r.stderr).not.toMatch(/EPIPE|at /);
    expect([0, 141]).toContain(r.code);
  });
});
