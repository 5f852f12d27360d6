// A table of bad inputs, every category the CLI takes input in: arguments, --set values,
// repro files, fault schedules, output paths, and --json errors. Each case runs the CLI
// in a fresh folder and must give its exit code, exactly one line naming the problem (on
// stderr, or as one JSON object on stdout under --json), no stack trace, and no file left
// behind: no partial output, no temporary, no probe. Every case runs in this process
// through main() (milliseconds each); one case per category also runs the built binary
// in a child process, so the wiring from bin/simctl.js to the exit status is checked too.
// Signals have their own cases in reliability.test.ts.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureRun } from "../../src/repro/capture.js";
import { findScenario } from "../../src/scenarios/index.js";
import { main } from "../../src/cli/main.js";
import { ensureBuilt, listTree, simctl, type Ran } from "./repro-harness.js";

type Category = "args" | "--set" | "repro file" | "fault schedule" | "output path" | "--json";

interface Case {
  category: Category;
  args: string[];
  /** Input files to create first: name → contents (a string, or a value written as JSON). */
  files?: Record<string, unknown>;
  folders?: string[];
  code: number;
  line: RegExp;
  /** The error is a JSON object on stdout (--json) rather than a line on stderr. */
  json?: boolean;
}

const PP = ["run", "kernel/ping-pong", "--seed", "1"];
const CHAOS = ["run", "cluster/chaos", "--seed", "1"];
/** A valid repro (a failing ping-pong run), built in beforeAll; repro cases edit a copy. */
let good: Record<string, unknown> = {};
/** The good repro with some fields replaced (undefined drops one) and some options replaced. */
const repro =
  (fields: Record<string, unknown>, options: Record<string, unknown> = {}) =>
  (): unknown => ({ ...good, ...fields, options: { ...(good["options"] as object), ...options } });
const faults = (steps: unknown) => ({ "f.json": steps });
const steps100k = Array.from({ length: 100_000 }, (_, i) => ({ atMs: i, action: "crash", node: `nobody-${i}` }));

const CASES: Case[] = [
  // args
  { category: "args", args: ["frobnicate"], code: 2, line: /unknown command 'frobnicate'/ },
  { category: "args", args: ["run"], code: 2, line: /missing required argument 'scenario'/ },
  { category: "args", args: ["run", "nosuch/scenario"], code: 2, line: /unknown scenario "nosuch\/scenario"/ },
  { category: "args", args: ["run", "kernel/ping-png"], code: 2, line: /did you mean kernel\/ping-pong/ },
  { category: "args", args: ["run", "kernel/ping-pong", "--seed=-1"], code: 2, line: /invalid seed "-1"/ },
  { category: "args", args: [...PP.slice(0, 2), "--seed", "0x10"], code: 2, line: /invalid seed "0x10"/ },
  { category: "args", args: [...PP.slice(0, 2), "--seed", "1.5"], code: 2, line: /invalid seed "1.5"/ },
  { category: "args", args: [...PP.slice(0, 2), "--seed", "9007199254740992"], code: 2, line: /invalid seed/ },
  { category: "args", args: [...PP, "--max-events", "0"], code: 2, line: /invalid --max-events "0"/ },
  { category: "args", args: [...PP, "--max-events", "1e3"], code: 2, line: /invalid --max-events "1e3"/ },
  {
    category: "args",
    args: [...PP, "--max-time", "30"],
    code: 2,
    line: /invalid --max-time "30" \(no unit: write 30ms or 30s\)/,
  },
  { category: "args", args: [...PP, "--max-time", "5 parsecs"], code: 2, line: /invalid --max-time "5 parsecs"/ },
  { category: "args", args: [...PP, "--max-time=-5s"], code: 2, line: /invalid --max-time "-5s"/ },
  { category: "args", args: [...PP, "--bogus"], code: 2, line: /unknown option '--bogus'/ },
  { category: "args", args: ["sweep", "kernel/ping-pong", "--seeds", "10..1"], code: 2, line: /the range is empty/ },
  { category: "args", args: ["sweep", "kernel/ping-pong", "--seeds", "abc"], code: 2, line: /invalid --seeds "abc"/ },
  { category: "args", args: ["sweep", "kernel/ping-pong", "--shard", "0/4"], code: 2, line: /invalid --shard "0\/4"/ },
  { category: "args", args: ["sweep", "kernel/ping-pong", "--shard", "5/4"], code: 2, line: /invalid --shard "5\/4"/ },
  {
    category: "args",
    args: ["sweep", "kernel/ping-pong", "--seeds", "1..1", "--shard", "2/4"],
    code: 2,
    line: /the selection is empty: shard 2\/4 of seeds 1\.\.1 holds no seed/,
  },
  { category: "args", args: ["sweep", "kernel/ping-pong", "-j", "0"], code: 2, line: /invalid -j "0"/ },
  { category: "args", args: ["sweep", "kernel/ping-pong", "-j", "two"], code: 2, line: /invalid -j "two"/ },
  {
    category: "args",
    args: ["sweep", "kernel/ping-pong", "--seed-timeout", "10"],
    code: 2,
    line: /invalid --seed-timeout "10" \(no unit/,
  },
  {
    category: "args",
    args: ["sweep", "kernel/ping-pong", "--seed-memory", "512"],
    code: 2,
    line: /invalid --seed-memory "512": expected a size with a unit/,
  },
  {
    category: "args",
    args: ["sweep", "kernel/ping-pong", "--seed-memory", "1MB"],
    code: 2,
    line: /invalid --seed-memory "1MB"/,
  },
  { category: "args", args: ["sweep", "kernel/ping-pong", "--swarm"], code: 2, line: /has no swarm option/ },
  { category: "args", args: ["check", "kernel/ping-pong", "--seed", "abc"], code: 2, line: /invalid seed "abc"/ },
  { category: "args", args: ["describe", "nosuch"], code: 2, line: /unknown scenario "nosuch"/ },
  { category: "args", args: ["sweep-merge", "missing.json"], code: 2, line: /no such sweep summary: missing\.json/ },
  { category: "args", args: ["sweep-diff", "a.json"], code: 2, line: /missing required argument 'b'/ },
  {
    category: "args",
    args: ["sweep-diff", "a.json", "a.json"],
    files: {
      "a.json": {
        schema: "simctl-sweep",
        version: 1,
        scenario: "x",
        groups: [],
        shards: [1],
        shardCount: 1,
        seedsRun: 0,
        seeds: { first: 1, last: 1 },
        verdicts: {},
        overrides: {},
        limits: {},
      },
    },
    code: 2,
    line: /a\.json has no per-seed hashes: write it with sweep --trace-hashes --json/,
  },
  {
    category: "args",
    args: ["sweep-merge", "s.json"],
    files: { "s.json": "{not json" },
    code: 2,
    line: /s\.json is not valid JSON/,
  },
  { category: "args", args: ["shrink", "nonexistent.json"], code: 2, line: /no such repro file: nonexistent\.json/ },
  // --set
  ...[
    ["rounds=0x10", /option rounds=0x10 is not a decimal integer: expected an integer in \[1, 100000\]/],
    ["rounds=1e9", /option rounds=1e9 is not a decimal integer/],
    ["rounds=2.5", /option rounds=2\.5 is not a decimal integer/],
    ["rounds=-3", /option rounds=-3 is out of range: expected an integer in \[1, 100000\]/],
    ["rounds=0", /option rounds=0 is out of range/],
    ["rounds=", /option rounds= is not a decimal integer/],
    ["round=5", /unknown option "round" for kernel\/ping-pong; options: pairs, rounds/],
    ["rounds", /--set expects key=value, got "rounds"/],
    ["=5", /--set expects key=value, got "=5"/],
    ["maxJitterMs=5", /option maxJitterMs=5 has no unit \(write 5ms or 5s\)/],
    ["maxJitterMs=1h", /option maxJitterMs=1h is out of range: expected a duration .* in \[0ms, 10s\]/],
    ["pairs=1001", /option pairs=1001 is out of range: expected an integer in \[1, 1000\]/],
  ].map(([set, line]) => ({
    category: "--set" as const,
    args: [...PP, "--set", set as string],
    code: 2,
    line: line as RegExp,
  })),
  {
    category: "--set",
    args: [...CHAOS, "--set", "workersPerDc=-1"],
    code: 2,
    line: /option workersPerDc=-1 is out of range: expected an integer in \[1, 1000\]/,
  },
  {
    category: "--set",
    args: [...CHAOS, "--set", "workersPerDc=1e9"],
    code: 2,
    line: /option workersPerDc=1e9 is not a decimal integer/,
  },
  {
    category: "--set",
    args: [...CHAOS, "--set", "gates=0"],
    code: 2,
    line: /option gates=0 is out of range: expected an integer in \[1, 50\]/,
  },
  { category: "--set", args: [...CHAOS, "--set", "jobs=-5"], code: 2, line: /option jobs=-5 is out of range/ },
  {
    category: "--set",
    args: ["run", "net/partition-heal", "--seed", "1", "--set", "nodesPerDc=0"],
    code: 2,
    line: /option nodesPerDc=0 is out of range: expected an integer in \[1, 200\]/,
  },
  {
    category: "--set",
    args: [...CHAOS, "--set", "faultPhaseMs=30"],
    code: 2,
    line: /option faultPhaseMs=30 has no unit/,
  },
  {
    category: "--set",
    args: [...CHAOS, "--set", "faultPhaseMs=25h"],
    code: 2,
    line: /option faultPhaseMs=25h is out of range: expected a duration .* in \[1ms, 24h\]/,
  },
  {
    category: "--set",
    args: [...CHAOS, "--set", "swarm=maybe"],
    code: 2,
    line: /option swarm=maybe is not a boolean: expected true or false/,
  },
  {
    category: "--set",
    args: ["run", "net/lossy-links", "--seed", "1", "--set", "lossProbability=1.5"],
    code: 2,
    line: /option lossProbability=1\.5 is out of range: expected a number in \[0, 1\]/,
  },
  {
    category: "--set",
    args: [...CHAOS, "--set", "workersPerDc=1000", "--set", "dcs=20"],
    code: 2,
    line: /cluster\/chaos: estimated size [\d,]+ \(nodes² \/ 40 .*\) exceeds the bound of 100,000; pass --force to run it anyway/,
  },
  {
    category: "--set",
    args: ["sweep", "kernel/ping-pong", "--set", "rounds=0"],
    code: 2,
    line: /option rounds=0 is out of range/,
  },
  {
    category: "--set",
    args: ["check", "kernel/ping-pong", "--seed", "1", "--set", "pairs=-2"],
    code: 2,
    line: /option pairs=-2 is out of range/,
  },
  // repro files
  {
    category: "repro file",
    args: ["replay", "r.json"],
    files: { "r.json": "not json at all" },
    code: 2,
    line: /r\.json is not valid JSON/,
  },
  {
    category: "repro file",
    args: ["replay", "r.json"],
    files: { "r.json": '{"schema": "simctl-repro", "ver' },
    code: 2,
    line: /r\.json is not valid JSON \(truncated or corrupt\?\)/,
  },
  {
    category: "repro file",
    args: ["replay", "r.json"],
    files: { "r.json": [1, 2] },
    code: 2,
    line: /r\.json is not a simctl repro file/,
  },
  {
    category: "repro file",
    args: ["replay", "r.json"],
    files: { "r.json": repro({ schema: "other" }) },
    code: 2,
    line: /not a simctl repro file \(schema "other"\)/,
  },
  {
    category: "repro file",
    args: ["replay", "r.json"],
    files: { "r.json": repro({ version: 2 }) },
    code: 2,
    line: /has repro format version 2; this simctl reads version 1/,
  },
  {
    category: "repro file",
    args: ["replay", "r.json"],
    files: { "r.json": repro({ seed: undefined }) },
    code: 2,
    line: /r\.json is corrupt: field "seed" is missing or malformed/,
  },
  {
    category: "repro file",
    args: ["replay", "r.json"],
    files: { "r.json": repro({}, { pairs: -1 }) },
    code: 2,
    line: /cannot replay r\.json: option pairs=-1 is out of range/,
  },
  {
    category: "repro file",
    args: ["replay", "r.json"],
    files: { "r.json": repro({}, { pears: 2 }) },
    code: 2,
    line: /cannot replay r\.json: unknown option "pears"/,
  },
  {
    category: "repro file",
    args: ["replay", "r.json"],
    files: { "r.json": repro({}, { rounds: "60" }) },
    code: 2,
    line: /cannot replay r\.json: option rounds=60 is not a number/,
  },
  {
    category: "repro file",
    args: ["replay", "r.json"],
    files: { "r.json": repro({}, { pairs: 1_000, rounds: 100_000 }) },
    code: 2,
    line: /cannot replay r\.json: kernel\/ping-pong: estimated size .* pass --force/,
  },
  {
    category: "repro file",
    args: ["replay", "r.json"],
    files: { "r.json": repro({ scenario: "gone/away" }) },
    code: 2,
    line: /unknown scenario "gone\/away"/,
  },
  {
    category: "repro file",
    args: ["replay", "r.json"],
    files: { "r.json": repro({ traceHash: "xyz" }) },
    code: 2,
    line: /field "traceHash" is missing or malformed/,
  },
  {
    category: "repro file",
    args: ["replay", "r.json"],
    files: { "r.json": repro({ verdict: "meh" }) },
    code: 2,
    line: /field "verdict" is missing or malformed/,
  },
  {
    category: "repro file",
    args: ["replay", "dir"],
    folders: ["dir"],
    code: 2,
    line: /dir is a folder, not a repro file/,
  },
  {
    category: "repro file",
    args: ["shrink", "r.json"],
    files: { "r.json": repro({ verdict: "pass", signature: null, violations: [] }) },
    code: 2,
    line: /cannot shrink r\.json: the recorded run passed: there is no failure to shrink/,
  },
  {
    category: "repro file",
    args: ["shrink", "r.json"],
    files: { "r.json": repro({}, { rounds: 0 }) },
    code: 2,
    line: /cannot shrink r\.json: option rounds=0 is out of range/,
  },
  // fault schedules
  {
    category: "fault schedule",
    args: [...CHAOS, "--faults", "f.json"],
    files: { "f.json": "[{oops" },
    code: 2,
    line: /invalid fault schedule f\.json: not JSON/,
  },
  {
    category: "fault schedule",
    args: [...CHAOS, "--faults", "f.json"],
    files: faults({ atMs: 1, action: "crash" }),
    code: 2,
    line: /invalid fault schedule f\.json: expected a JSON array of steps/,
  },
  {
    category: "fault schedule",
    args: [...CHAOS, "--faults", "f.json"],
    files: faults([1, 2, 3]),
    code: 2,
    line: /expected a JSON array of steps/,
  },
  {
    category: "fault schedule",
    args: [...CHAOS, "--faults", "f.json"],
    files: faults([{ atMs: 1000, action: "crash", node: "nobody" }]),
    code: 2,
    line: /invalid fault schedule: .*unknown node "nobody"/,
  },
  {
    category: "fault schedule",
    args: [...CHAOS, "--faults", "f.json"],
    files: faults([{ atMs: 1000, action: "explode", node: "gate-1" }]),
    code: 2,
    line: /invalid fault schedule: .*unknown action "explode"/,
  },
  {
    category: "fault schedule",
    args: [...CHAOS, "--faults", "f.json"],
    files: faults([{ atMs: 1000, action: "heal", name: "never" }]),
    code: 2,
    line: /invalid fault schedule: .*heal/,
  },
  {
    category: "fault schedule",
    args: [...CHAOS, "--faults", "f.json"],
    files: faults([{ atMs: -5, action: "crash", node: "gate-1" }]),
    code: 2,
    line: /invalid fault schedule: .*atMs/,
  },
  {
    category: "fault schedule",
    args: [...CHAOS, "--faults", "f.json"],
    files: faults(steps100k),
    code: 2,
    line: /^simctl: error: invalid fault schedule: 100000 problems: .{0,700}; and 99997 more$/,
  },
  {
    category: "fault schedule",
    args: [...PP, "--faults", "f.json"],
    files: faults([{ atMs: 1, action: "crash", node: "x" }]),
    code: 2,
    line: /scenario kernel\/ping-pong has no simulated network/,
  },
  {
    category: "fault schedule",
    args: [...CHAOS, "--faults", "missing.json"],
    code: 2,
    line: /no such fault schedule: missing\.json/,
  },
  // output paths
  {
    category: "output path",
    args: [...PP, "--trace", "no-such-folder/t.jsonl"],
    code: 74,
    line: /cannot write no-such-folder\/t\.jsonl: its folder no-such-folder does not exist/,
  },
  {
    category: "output path",
    args: [...PP, "--trace", "dir"],
    folders: ["dir"],
    code: 74,
    line: /cannot write dir: it is a folder/,
  },
  {
    category: "output path",
    args: [...PP, "--trace", "file/t.jsonl"],
    files: { file: "x" },
    code: 74,
    line: /cannot write file\/t\.jsonl: part of the path is not a folder/,
  },
  {
    category: "output path",
    args: [...PP, "--repro-dir", "file"],
    files: { file: "x" },
    code: 74,
    line: /cannot write file: it is not a folder/,
  },
  {
    category: "output path",
    args: [...PP, "--repro-dir", "file/sub"],
    files: { file: "x" },
    code: 74,
    line: /cannot write file\/sub: .*not a folder/,
  },
  {
    category: "output path",
    args: ["sweep", "kernel/ping-pong", "--repro-dir", "file"],
    files: { file: "x" },
    code: 74,
    line: /cannot write file: it is not a folder/,
  },
  {
    category: "output path",
    args: ["shrink", "r.json", "--out", "dir"],
    files: { "r.json": repro({}) },
    folders: ["dir"],
    code: 74,
    line: /cannot write dir: it is a folder/,
  },
  {
    category: "output path",
    args: ["shrink", "r.json", "--out", "nowhere/min.json"],
    files: { "r.json": repro({}) },
    code: 74,
    line: /cannot write nowhere\/min\.json: its folder nowhere does not exist/,
  },
  ...(process.platform === "linux"
    ? [
        {
          category: "output path" as const,
          args: [...PP, "--repro-dir", "/sys/kernel/simctl-repros"],
          code: 74,
          line: /cannot write \/sys\/kernel\/simctl-repros: permission denied/,
        },
        {
          category: "output path" as const,
          args: [...PP, "--trace", "/sys/kernel/t.jsonl"],
          code: 74,
          line: /cannot write \/sys\/kernel\/t\.jsonl: permission denied/,
        },
        {
          category: "output path" as const,
          args: ["sweep", "kernel/ping-pong", "--repro-dir", "/sys/kernel/r"],
          code: 74,
          line: /cannot write \/sys\/kernel\/r: permission denied/,
        },
      ]
    : []),
  // --json: the error is one object on stdout
  { category: "--json", args: ["run", "nosuch", "--json"], json: true, code: 2, line: /unknown scenario "nosuch"/ },
  { category: "--json", args: [...PP, "--json", "--bogus"], json: true, code: 2, line: /unknown option '--bogus'/ },
  {
    category: "--json",
    args: [...PP, "--json", "--set", "rounds=-3"],
    json: true,
    code: 2,
    line: /option rounds=-3 is out of range/,
  },
  {
    category: "--json",
    args: ["replay", "r.json", "--json"],
    files: { "r.json": "{" },
    json: true,
    code: 2,
    line: /r\.json is not valid JSON/,
  },
  {
    category: "--json",
    args: ["sweep", "kernel/ping-pong", "--json", "--repro-dir", "file"],
    files: { file: "x" },
    json: true,
    code: 74,
    line: /cannot write file: it is not a folder/,
  },
  {
    category: "--json",
    args: [...CHAOS, "--json", "--faults", "f.json"],
    files: faults([{ atMs: 1, action: "crash", node: "nobody" }]),
    json: true,
    code: 2,
    line: /unknown node "nobody"/,
  },
];

let root = "";
beforeAll(() => {
  ensureBuilt();
  root = mkdtempSync(join(tmpdir(), "simctl-bad-inputs-"));
  const pingPong = findScenario("kernel/ping-pong")!;
  const { repro: r } = captureRun(pingPong, { seed: 170, overrides: { plantBugAtRound: 50, rounds: 60 } }, "test");
  good = r as unknown as Record<string, unknown>;
}, 240_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function prepare(c: Case, index: number): string {
  const dir = join(root, `case-${index}`);
  mkdirSync(dir);
  for (const f of c.folders ?? []) mkdirSync(join(dir, f));
  for (const [name, value] of Object.entries(c.files ?? {})) {
    const v = typeof value === "function" ? (value as () => unknown)() : value;
    writeFileSync(join(dir, name), typeof v === "string" ? v : JSON.stringify(v));
  }
  return dir;
}

/** main() in this process, in `dir`, with stdout and stderr captured. */
async function inProcess(dir: string, args: string[]): Promise<Ran> {
  const saved = { cwd: process.cwd(), out: process.stdout.write, err: process.stderr.write };
  let stdout = "";
  let stderr = "";
  process.stdout.write = ((s: string) => {
    stdout += s;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => {
    stderr += s;
    return true;
  }) as typeof process.stderr.write;
  process.chdir(dir);
  try {
    const code = await main(["node", "simctl", ...args]);
    return { code, stdout, stderr };
  } finally {
    process.chdir(saved.cwd);
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
}

function expectRefused(c: Case, r: Ran, dir: string, before: string[]): void {
  const where = `stdout: ${r.stdout.slice(0, 500)}\nstderr: ${r.stderr.slice(0, 500)}`;
  expect(r.code, where).toBe(c.code);
  if (c.json) {
    expect(r.stderr, where).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines, where).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as { error: string; exitCode: number };
    expect(out.exitCode).toBe(c.code);
    expect(out.error).toMatch(c.line);
  } else {
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines, where).toHaveLength(1);
    expect(lines[0]).toMatch(/^simctl: error: /);
    expect(lines[0]).toMatch(c.line);
    expect(lines[0]!.length).toBeLessThan(1_000);
  }
  expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at \S+ \(|internal error/);
  expect(listTree(dir)).toEqual(before);
}

/** The first case of each category, run again as a child process through bin/simctl.js. */
const SPAWNED = new Set(
  (["args", "--set", "repro file", "fault schedule", "output path", "--json"] as const).map((cat) =>
    CASES.findIndex((c) => c.category === cat),
  ),
);

describe("bad inputs", () => {
  it("cover every category, at least 60 cases", () => {
    const counts = new Map<Category, number>();
    for (const c of CASES) counts.set(c.category, (counts.get(c.category) ?? 0) + 1);
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    for (const category of ["args", "--set", "repro file", "fault schedule", "output path", "--json"] as const)
      expect(counts.get(category) ?? 0, category).toBeGreaterThanOrEqual(5);
  });

  it.each(CASES.map((c, i) => ({ ...c, i, name: `${c.category}: simctl ${c.args.join(" ").slice(0, 80)}` })))(
    "$name → exit $code, one line, no stack, no file",
    async (c) => {
      const dir = prepare(c, c.i);
      const before = listTree(dir);
      expectRefused(c, await inProcess(dir, c.args), dir, before);
    },
  );

  it.concurrent.each([...SPAWNED].map((i) => ({ ...CASES[i]!, i })))("through the binary: $category", async (c) => {
    const dir = prepare(c, CASES.length + c.i);
    const before = listTree(dir);
    expectRefused(c, await simctl(dir, ...c.args), dir, before);
  });
});
