// Every simctl command the README shows, and every example in `--help`, runs as written
// (in README order, in one scratch folder, through a shell so `>` and `shard*.json` work)
// and exits as the text says. The README's fault schedule is saved as my-faults.json
// first, as the README tells the reader to. `<file>` stands for the repro the README's
// planted sweep writes. The npm and bench commands are exercised elsewhere: `npm ci` and
// `npm test` are CI itself (.ci/run), and the bench has its own tests under test/bench.
// Afterwards every file the examples wrote must be covered by .gitignore.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLES } from "../../src/cli/help.js";
import { main } from "../../src/cli/main.js";
import { ensureBuilt, listTree, ROOT } from "../cli/repro-harness.js";

const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** `npx simctl …` commands in the README's sh blocks, comments dropped, in order. */
function readmeCommands(): string[] {
  const out: string[] = [];
  for (const block of README.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split("\n")) {
      const at = line.indexOf("npx simctl ");
      if (at >= 0)
        out.push(
          line
            .slice(at)
            .replace(/\s+#\s.*$/, "")
            .trim(),
        );
    }
  }
  return out;
}

const helpCommands = Object.values(EXAMPLES).flatMap((list) => list.map((e) => `npx simctl ${e}`));
const COMMANDS = [...new Set([...readmeCommands(), ...helpCommands])];

/** The README's exit codes for its examples: the planted sweep and the replay of its repro fail a check. */
function expectedExit(command: string): number {
  if (command.includes("plantBugAtRound")) return 1;
  if (/ replay simctl-repros\/cluster_chaos/.test(command)) return 3; // the cut-budget sweep's liveness failure
  if (/ replay simctl-repros\//.test(command)) return 1;
  if (/ sweep .*livenessBudgetMs=/.test(command)) return 3; // a cut budget: seeds fail liveness
  return 0;
}

let dir = "";
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "simctl-docs-"));
  const schedule = /### Fault schedules[\s\S]*?```json\n([\s\S]*?)```/.exec(README)?.[1];
  writeFileSync(join(dir, "my-faults.json"), schedule ?? "missing");
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the README's and --help's commands", () => {
  it("include every README command and every help example, and the README's fault schedule", () => {
    expect(readmeCommands().length).toBeGreaterThanOrEqual(20);
    expect(COMMANDS).toEqual(expect.arrayContaining(helpCommands));
    expect(readFileSync(join(dir, "my-faults.json"), "utf8")).toMatch(/"action": "partition"/);
  });

  it("each runs as written and exits as documented, without a stack trace", () => {
    const bin = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, "bin", "simctl.js"))}`;
    for (const command of COMMANDS) {
      const reproDir = join(dir, "simctl-repros");
      const repro = existsSync(reproDir)
        ? readdirSync(reproDir).find((f) => f.startsWith("kernel_ping-pong") && !f.endsWith(".min.json"))
        : undefined;
      const line = command.replaceAll("<file>", repro?.replace(/\.json$/, "") ?? "<file>").replace("npx simctl", bin);
      const r = spawnSync("sh", ["-c", line], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1", SIMCTL_PROGRESS: "0" },
      });
      expect(r.status, `${command}\n${r.stderr}`).toBe(expectedExit(command));
      expect(r.stderr, command).not.toMatch(/internal error|\n\s+at /);
    }
  }, 600_000); // about 80 s alone; a loaded machine takes several times that

  it("every command's --help ends with its examples and its exit codes", async () => {
    for (const command of Object.keys(EXAMPLES)) {
      let out = "";
      const write = process.stdout.write;
      process.stdout.write = ((s: string) => {
        out += s;
        return true;
      }) as typeof process.stdout.write;
      try {
        expect(await main(["node", "simctl", command, "--help"])).toBe(0);
      } finally {
        process.stdout.write = write;
      }
      expect(out, command).toMatch(/\nExamples:\n {2}npx simctl /);
      expect(out, command).toMatch(
        /\nExit codes \(the most serious wins: 70 > 141 > 130 > 74 > 2 > 4 > 1 > 3 > 0\):\n {2}0 /,
      );
    }
  });

  it("wrote only files .gitignore covers", () => {
    const written = listTree(dir).filter((f) => statSync(join(dir, f)).isFile());
    const ignored = execFileSync("git", ["check-ignore", "--no-index", ...written], {
      cwd: ROOT,
      encoding: "utf8",
    })
      .trim()
      .split("\n");
    expect(ignored.sort()).toEqual(written.sort());
  });
});
