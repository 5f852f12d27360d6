// sweep and sweep-merge through the real CLI, on worker threads.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findScenario, runScenario } from "../../src/scenarios/index.js";
import { ensureBuilt, expectOneLineError, simctl } from "./repro-harness.js";

let cwd = "";
const PLANTED = ["--set", "plantBugAtRound=50", "--set", "rounds=60"];
const SEEDS = "1..120";

beforeAll(() => {
  ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), "simctl-sweep-cli-"));
}, 240_000); // a stale dist/ is rebuilt first, which is slow on a busy machine

afterAll(() => {
  if (cwd !== "") rmSync(cwd, { recursive: true, force: true });
});

describe("sweep", () => {
  let whole: {
    failed: number;
    seedsRun: number;
    groups: { count: number; seeds: number[]; fastest: { seed: number; events: number }; repro: string }[];
  };

  it("finds the planted bug on two threads, groups it, keeps the fastest seed and exits 1", async () => {
    const r = await simctl(
      cwd,
      "sweep",
      "kernel/ping-pong",
      "--seeds",
      SEEDS,
      "-j",
      "2",
      ...PLANTED,
      "--json",
      "--repro-dir",
      "sweep-out",
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe(""); // no progress bar off a terminal, and no state-leak warning
    whole = JSON.parse(r.stdout);
    expect(whole.seedsRun).toBe(120);
    expect(whole.groups).toHaveLength(1);
    const [group] = whole.groups;
    expect(group!.count).toBe(whole.failed);
    // The fastest seed is the one with the fewest events (lowest seed on ties), checked in-process.
    const pingPong = findScenario("kernel/ping-pong")!;
    const events = group!.seeds.map((seed) => ({
      seed,
      events: runScenario(pingPong, { seed, overrides: { plantBugAtRound: 50, rounds: 60 } }).events,
    }));
    events.sort((a, b) => a.events - b.events || a.seed - b.seed);
    expect(group!.fastest).toMatchObject(events[0]!);
    // Seeds ran untraced: no hash in the summary, though the repro (a traced rerun) has one.
    expect(group!.fastest).toMatchObject({ traceHash: "untraced" });
    const replay = await simctl(cwd, "replay", group!.repro);
    expect(replay.stdout).toMatch(/^IDENTICAL$/m);
  });

  it("--trace-hashes hashes every seed: the fastest seed's hash is the one its repro holds", async () => {
    const r = await simctl(
      cwd,
      "sweep",
      "kernel/ping-pong",
      "--seeds",
      "1..20",
      "-j",
      "2",
      ...PLANTED,
      "--json",
      "--trace-hashes",
      "--repro-dir",
      "sweep-hashed",
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe("");
    const summary = JSON.parse(r.stdout) as {
      groups: { fastest: { seed: number; traceHash: string }; repro: string }[];
    };
    const fastest = summary.groups[0]!.fastest;
    const repro = JSON.parse(readFileSync(join(cwd, summary.groups[0]!.repro), "utf8")) as {
      seed: number;
      traceHash: string;
    };
    expect(repro.seed).toBe(fastest.seed);
    expect(fastest.traceHash).toBe(repro.traceHash);
    expect(fastest.traceHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it("prints a summary table and the replay command without --json", async () => {
    const r = await simctl(
      cwd,
      "sweep",
      "kernel/ping-pong",
      "--seeds",
      "1..40",
      "-j",
      "2",
      ...PLANTED,
      "--repro-dir",
      "sweep-out",
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/40 seeds in [\d.]+ s \([\d.]+ seeds\/s\): \d+ passed, \d+ failed in 1 group/);
    expect(r.stdout).toMatch(/every pong matches its ping, in order\s+pair N sent N got N\/N/);
    expect(r.stdout).toMatch(/npx simctl replay sweep-out\/kernel_ping-pong-seed\d+-[0-9a-f]{8}\.json/);
  });

  it("splits into shards that sweep-merge combines into the whole sweep's summary", async () => {
    const files: string[] = [];
    for (const k of [1, 2, 3]) {
      const r = await simctl(
        cwd,
        "sweep",
        "kernel/ping-pong",
        "--seeds",
        SEEDS,
        "-j",
        "1",
        ...PLANTED,
        "--shard",
        `${k}/3`,
        "--json",
        "--no-repro",
      );
      expect(r.code === 0 || r.code === 1, r.stderr).toBe(true);
      files.push(join(cwd, `shard${k}.json`));
      writeFileSync(files.at(-1)!, r.stdout);
    }
    const merged = await simctl(cwd, "sweep-merge", ...files, "--json");
    expect(merged.code).toBe(1);
    const m = JSON.parse(merged.stdout);
    expect(m).toMatchObject({ seedsRun: 120, failed: whole.failed, shards: [1, 2, 3], missingShards: [] });
    expect(m.groups.map((g: (typeof whole.groups)[0]) => ({ ...g, repro: null }))).toEqual(
      whole.groups.map((g) => ({ ...g, repro: null })),
    );
    const partial = await simctl(cwd, "sweep-merge", files[0]!, files[1]!);
    expect(partial.stdout).toContain("missing shards: 3");
    expectOneLineError(await simctl(cwd, "sweep-merge", files[0]!, files[0]!), /shard 1\/3 appears in both/);
  });

  it("exits 0 when every seed passes", async () => {
    const r = await simctl(cwd, "sweep", "kernel/timeout-storm", "--seeds", "5", "-j", "2", "--set", "processes=100");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/5 passed, 0 failed/);
  });

  it("refuses bad usage with one line and exit 2", async () => {
    expectOneLineError(
      await simctl(cwd, "sweep", "kernel/ping-pong", "--swarm"),
      /--swarm: scenario kernel\/ping-pong has no swarm option; scenarios with one: .*net\/partition-heal/,
    );
    expectOneLineError(
      await simctl(cwd, "sweep", "kernel/ping-pong", "--seeds", "10..1"),
      /invalid --seeds "10\.\.1": the range is empty/,
    );
    expectOneLineError(await simctl(cwd, "sweep", "kernel/ping-pong", "--shard", "4/3"), /invalid --shard "4\/3"/);
    expectOneLineError(await simctl(cwd, "sweep", "kernel/ping-pong", "-j", "0"), /invalid -j "0"/);
    expectOneLineError(
      await simctl(cwd, "sweep", "kernel/ping-png"),
      /unknown scenario "kernel\/ping-png"; did you mean kernel\/ping-pong/,
    );
  });
});
