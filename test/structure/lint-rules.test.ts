// The lint rules catch what they are there for: each planted offence below, in a scratch
// project that uses this repository's biome.jsonc and plugin, is reported under the rule
// named beside it, and the same code outside the deterministic layers or written properly
// passes. (`npm run lint` itself runs in `npm test`; this proves the rules can fail.)

import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const BIOME = join(ROOT, "node_modules", ".bin", "biome");

const UNION = `export type Msg = { type: "a" } | { type: "b" } | { type: "c" };\n`;

const PLANTED: Record<string, string> = {
  "src/nodes/ambient-time.ts": "export const f = (): number => Math.random() + Date.now();\n",
  "src/async/timer.ts": "export function g(): void {\n  setTimeout(() => {}, 5);\n}\n",
  "src/nodes/msg.ts": UNION,
  "src/nodes/non-exhaustive.ts": `import type { Msg } from "./msg.js";\nexport function h(m: Msg): number {\n  switch (m.type) {\n    case "a":\n      return 1;\n    case "b":\n      return 2;\n  }\n  return 0;\n}\n`,
  "src/cli/floating.ts":
    "async function load(): Promise<number> {\n  return 1;\n}\nexport function run(): void {\n  load();\n}\n",
  "src/nodes/non-null.ts": 'export function pick(m: Map<string, number>): number {\n  return m.get("x")!;\n}\n',
  "src/repro/unused.ts": "export function k(): number {\n  const unused = 3;\n  return 4;\n}\n",
  // Allowed: ambient time in the CLI, a non-null assertion outside the protocol code.
  "src/cli/clock.ts": "export const started = (): number => Date.now();\n",
  "src/bench/index.ts": "export const first = (a: number[]): number => a[0]!;\n",
};

let dir = "";
let report = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "simctl-lint-"));
  const config = readFileSync(join(ROOT, "biome.jsonc"), "utf8").replace(
    "./node_modules/@biomejs",
    join(ROOT, "node_modules", "@biomejs"),
  );
  writeFileSync(join(dir, "biome.jsonc"), config);
  cpSync(join(ROOT, "lint"), join(dir, "lint"), { recursive: true });
  for (const [path, text] of Object.entries(PLANTED)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  try {
    report = execFileSync(BIOME, ["lint", "--vcs-enabled=false", "--max-diagnostics=200", "."], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    report = `${e.stdout ?? ""}${e.stderr ?? ""}`;
  }
}, 30_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The rule names reported for one file, e.g. ["plugin", "lint/nursery/noFloatingPromises"]. */
function rulesFor(path: string): string[] {
  const out: string[] = [];
  for (const line of report.split("\n")) {
    if (!line.startsWith(`${path}:`)) continue;
    const rule = line.split(/\s+/)[1];
    if (rule !== undefined) out.push(rule);
  }
  return out;
}

describe("lint rules", () => {
  it.each([
    ["src/nodes/ambient-time.ts", "plugin"],
    ["src/async/timer.ts", "plugin"],
    ["src/nodes/non-exhaustive.ts", "lint/nursery/useExhaustiveSwitchCases"],
    ["src/cli/floating.ts", "lint/nursery/noFloatingPromises"],
    ["src/nodes/non-null.ts", "lint/style/noNonNullAssertion"],
    ["src/repro/unused.ts", "lint/correctness/noUnusedVariables"],
  ])("%s is reported under %s", (path, rule) => {
    expect(rulesFor(path)).toContain(rule);
  });

  it("ambient time in each deterministic call is reported once per call", () => {
    expect(rulesFor("src/nodes/ambient-time.ts")).toEqual(["plugin", "plugin"]);
  });

  it.each(["src/cli/clock.ts", "src/bench/index.ts", "src/nodes/msg.ts"])(
    "%s, which breaks no rule, passes",
    (path) => {
      expect(report).toContain("Checked");
      expect(rulesFor(path)).toEqual([]);
    },
  );
});
