// Terminal conventions: colour from --no-color / FORCE_COLOR / NO_COLOR / a TTY, progress
// lines that never exceed the terminal's width, an ETA that never reads 1m60s, and one
// exit-code precedence.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExitCode, PRECEDENCE, exitCodeFor, worstExit } from "../../src/cli/exit-codes.js";
import { EXIT_PRECEDENCE } from "../../src/cli/help.js";
import { fitLine, formatEta, runLine, sweepLine } from "../../src/cli/progress.js";
import { colorLevel } from "../../src/cli/terminal.js";

describe("colour", () => {
  const level = (argv: string[], env: Record<string, string>, isTTY = true) =>
    colorLevel({ argv: ["node", "simctl", ...argv], env, isTTY });

  it("follows --no-color, then FORCE_COLOR, then NO_COLOR, then the terminal", () => {
    expect(level([], {})).toBe(1);
    expect(level([], {}, false)).toBe(0);
    expect(level([], { NO_COLOR: "1" })).toBe(0);
    expect(level([], { NO_COLOR: "" })).toBe(1); // no-color.org: set and non-empty
    expect(level([], { FORCE_COLOR: "1" }, false)).toBe(1);
    expect(level([], { FORCE_COLOR: "3", NO_COLOR: "1" }, false)).toBe(3);
    expect(level([], { FORCE_COLOR: "0" })).toBe(0);
    expect(level(["run", "x", "--no-color"], { FORCE_COLOR: "1" })).toBe(0);
    expect(level(["run", "--", "--no-color"], {})).toBe(1); // after -- it is an argument
    expect(level([], { TERM: "dumb" })).toBe(0);
  });
});

describe("progress lines", () => {
  it("the sweep line fits every width from 20 to 200 columns, and the bar goes first when narrow", () => {
    for (let columns = 20; columns <= 200; columns++) {
      for (const [done, total, failed] of [
        [0, 3000, 0],
        [1234, 3000, 17],
        [99_999, 100_000, 12_345],
      ] as const) {
        const line = fitLine(sweepLine({ done, total, failed, elapsedMs: 61_000 }, columns), columns);
        expect(line.length).toBeLessThanOrEqual(columns - 1);
      }
    }
    expect(sweepLine({ done: 1500, total: 3000, failed: 2, elapsedMs: 30_000 }, 80)).toMatch(
      /^\[#+\.+\] 1500\/3000 seeds {2}2 failed {2}50\.0 seeds\/s {2}ETA 30s$/,
    );
    expect(sweepLine({ done: 1500, total: 3000, failed: 2, elapsedMs: 30_000 }, 50)).not.toContain("[");
  });

  it("the ETA rounds once, so it never shows 60 seconds or 60 minutes", () => {
    expect(formatEta(119.6)).toBe("2m00s");
    expect(formatEta(59.5)).toBe("1m00s");
    expect(formatEta(3599.7)).toBe("1h00m");
    expect(formatEta(42)).toBe("42s");
    expect(formatEta(3725)).toBe("1h02m");
    expect(formatEta(Number.NaN)).toBe("--");
    for (let s = 0; s < 7200; s += 0.5) expect(formatEta(s)).not.toMatch(/(^|[hm])60[ms]/);
  });

  it("a long run's line names virtual time and events/s", () => {
    expect(runLine({ scenario: "cluster/chaos", events: 2_500_000, virtualTimeUs: 62_100_000, elapsedMs: 2_000 })).toBe(
      "run cluster/chaos  virtual 00:01:02.100000  2,500,000 events  1.3M events/s",
    );
  });
});

describe("exit codes", () => {
  it("combine by one precedence, stated the same in the help", () => {
    expect(worstExit()).toBe(ExitCode.Pass);
    expect(worstExit(ExitCode.Liveness, ExitCode.CheckFailed)).toBe(ExitCode.CheckFailed);
    expect(worstExit(ExitCode.CheckFailed, ExitCode.Determinism)).toBe(ExitCode.Determinism);
    expect(worstExit(ExitCode.Determinism, ExitCode.IoError)).toBe(ExitCode.IoError);
    expect(worstExit(ExitCode.IoError, ExitCode.Interrupted)).toBe(ExitCode.Interrupted);
    expect(worstExit(ExitCode.Interrupted, ExitCode.Internal)).toBe(ExitCode.Internal);
    expect(PRECEDENCE.join(" > ")).toBe(EXIT_PRECEDENCE);
    expect(new Set(PRECEDENCE)).toEqual(new Set(Object.values(ExitCode)));
  });

  it("are listed in the README's table in the order of their precedence", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("### Exit codes"), readme.indexOf("### Terminal"));
    const codes = [...table.matchAll(/^\| (\d+) +\|/gm)].map((m) => Number(m[1]));
    expect(codes).toEqual([...PRECEDENCE]);
  });

  it("map every outcome: liveness, deadlock, hang and oom are 3; a thrown run is 70", () => {
    expect(
      ["pass", "fail", "liveness", "deadlock", "hang", "oom", "error"].map((v) => exitCodeFor(v as never)),
    ).toEqual([0, 1, 3, 3, 3, 3, 70]);
  });
});
