// Spawning the built CLI for the reproduction-loop CLI tests.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

export const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "simctl.js");
const ENTRY = join(ROOT, "dist", "cli", "main.js");
const WORKER = join(ROOT, "dist", "cli", "sweep-worker.js");

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function simctl(cwd: string, ...args: string[]): Promise<Ran> {
  return simctlWith(cwd, {}, ...args);
}

export interface SpawnWith {
  /** Environment changes; `undefined` removes a variable (NO_COLOR=1 and FORCE_COLOR=0 are the defaults). */
  env?: Record<string, string | undefined>;
  /** Called with all of stderr so far after each chunk (to signal the child once it has got far enough). */
  onStderr?: (stderr: string, child: ChildProcess) => void;
}

export function simctlWith(cwd: string, options: SpawnWith, ...args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...options.env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr, child);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function newestMtime(dir: string): number {
  return readdirSync(dir).reduce((max, name) => {
    const st = statSync(join(dir, name));
    return Math.max(max, st.isDirectory() ? newestMtime(join(dir, name)) : st.mtimeMs);
  }, 0);
}

/** `npm test` builds first; when these files run alone, build only if dist is stale. */
export function ensureBuilt(): void {
  if (existsSync(ENTRY) && existsSync(WORKER) && statSync(ENTRY).mtimeMs >= newestMtime(join(ROOT, "src"))) return;
  const build = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, encoding: "utf8" });
  if (!existsSync(ENTRY) || !existsSync(WORKER)) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
}

/** A user error: exit 2, exactly one line on stderr, no stack trace. */
export function expectOneLineError(r: Ran, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** Every file under `dir`, recursively, as relative paths. */
export function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}
