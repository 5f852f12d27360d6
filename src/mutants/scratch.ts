// The scratch copy mutants are applied in, never the user's tree: a plain copy of the
// working tree as it is now (tracked and untracked files git does not ignore, so
// uncommitted edits are measured too) in a temporary directory. `node_modules` is a real
// directory of symlinks to the user's packages, so tools that write caches there (vite,
// vitest) write them in the scratch copy. Builds are incremental: a mutant changes one
// file, and tsc rechecks only what depends on it.

import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execute } from "./exec.js";

const SKIP_DIRS = new Set(["node_modules", ".git", "dist", "simctl-repros"]);
const BUILD_TIMEOUT_MS = 10 * 60_000;

/** Repository-relative paths of the working tree's files (what `git status` would show as the tree). */
export function treeFiles(root: string): string[] {
  try {
    const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 64 * 1024 * 1024,
    });
    // A tracked file deleted in the working tree is listed but absent: the tree has no such file.
    return out
      .split("\0")
      .filter((f) => f !== "" && existsSync(path.join(root, f)) && statSync(path.join(root, f)).isFile());
  } catch {
    return walk(root, "");
  }
}

/** Without git: every file except dependencies, build output and repro files. */
function walk(root: string, rel: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) out.push(...walk(root, child));
    else if (entry.isFile()) out.push(child);
  }
  return out;
}

export class ScratchTree {
  private constructor(
    readonly dir: string,
    private readonly sourceRoot: string,
  ) {}

  /** Copies the working tree at `root` into a new temporary directory. */
  static create(root: string): ScratchTree {
    const dir = mkdtempSync(path.join(tmpdir(), "simctl-mutants-"));
    try {
      for (const file of treeFiles(root)) {
        const target = path.join(dir, file);
        mkdirSync(path.dirname(target), { recursive: true });
        copyFileSync(path.join(root, file), target);
      }
      linkModules(path.join(root, "node_modules"), path.join(dir, "node_modules"));
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return new ScratchTree(dir, root);
  }

  /** Compiles src to dist with tsc; `output` holds the compiler's complaints when it fails. */
  async build(): Promise<{ ok: boolean; output: string }> {
    const tsc = path.join(this.sourceRoot, "node_modules", "typescript", "bin", "tsc");
    const args = [tsc, "-p", "tsconfig.build.json", "--incremental", "--tsBuildInfoFile", ".mutants.tsbuildinfo"];
    const r = await execute(process.execPath, args, { cwd: this.dir, timeoutMs: BUILD_TIMEOUT_MS });
    const output = `${r.stdout}${r.stderr}`.trim();
    return { ok: r.code === 0, output: r.timedOut ? `tsc timed out after ${BUILD_TIMEOUT_MS / 1000} s` : output };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A node_modules directory whose entries link to the user's (caches such as .vite stay out). */
function linkModules(from: string, to: string): void {
  mkdirSync(to);
  if (!existsSync(from)) return;
  for (const entry of readdirSync(from)) {
    if (entry.startsWith(".vite")) continue;
    symlinkSync(path.join(from, entry), path.join(to, entry));
  }
}
