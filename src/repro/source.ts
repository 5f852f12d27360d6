// Source identity: which code wrote a repro file or a --json result. The package version
// alone cannot tell builds apart (every commit is 0.1.0), so a replay after a code change
// used to be reported as nondeterminism. The identity carries:
//
//   codeHash  sha256 (first 16 hex digits) of the code that is running: every .js file
//             under dist/ for the CLI, every .ts file under src/ under vitest. Two runs
//             with the same codeHash ran the same code; this is what replay compares.
//   commit    git HEAD of the checkout, and `dirty` when tracked files differ from it
//             (null outside a git checkout, e.g. an installed package): for people.
//
// Computed once per process, lazily: it reads the code files and asks git twice.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { SIMCTL_VERSION } from "./version.js";

export interface SourceIdentity {
  version: string;
  codeHash: string;
  commit: string | null;
  dirty: boolean | null;
}

/** The folder holding the running code (dist/ or src/) and the package root above it. */
const CODE_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const PACKAGE_ROOT = dirname(CODE_ROOT);

let cached: SourceIdentity | null = null;

export function sourceIdentity(): SourceIdentity {
  cached ??= {
    version: SIMCTL_VERSION,
    codeHash: codeHash(CODE_ROOT),
    ...gitState(PACKAGE_ROOT),
  };
  return cached;
}

/** `0.1.0 3f2a9c1d0e4b5a67` or `0.1.0 (git 0f1d110, dirty)`. */
export function describeSource(s: SourceIdentity): string {
  const git = s.commit === null ? "" : ` git ${s.commit.slice(0, 7)}${s.dirty === true ? " dirty" : ""}`;
  return `${s.version} code ${s.codeHash}${git}`;
}

/** Hashes the running code's files, sorted by path, so the order of readdir never matters. */
export function codeHash(root: string): string {
  const ext = root.endsWith("src") ? ".ts" : ".js";
  const files = readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(ext) && !f.endsWith(".d.ts"))
    .map((f) => f.split("\\").join("/"))
    .sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(relative(root, join(root, file)));
    hash.update("\0");
    hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

function git(cwd: string, args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5_000 });
  } catch {
    return null;
  }
}

function gitState(root: string): { commit: string | null; dirty: boolean | null } {
  // An installed package inside someone else's repository must not report their commit.
  const top = git(root, ["rev-parse", "--show-toplevel"])?.trim() ?? null;
  if (top === null || realpathOrSelf(top) !== realpathOrSelf(root)) return { commit: null, dirty: null };
  const head = git(root, ["rev-parse", "HEAD"])?.trim() ?? null;
  if (head === null || !/^[0-9a-f]{40}$/.test(head)) return { commit: null, dirty: null };
  const status = git(root, ["status", "--porcelain", "--untracked-files=no"]);
  return { commit: head, dirty: status === null ? null : status.trim() !== "" };
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
