// The scratch copy: the working tree as it is (tracked and untracked files, uncommitted
// edits included, ignored files left out), with node_modules as links to the user's
// packages in a directory of the copy's own.

import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ScratchTree, treeFiles } from "../../src/mutants/scratch.js";

describe("ScratchTree", () => {
  const root = mkdtempSync(join(tmpdir(), "simctl-mutant-tree-"));
  const git = (...args: string[]): void => {
    execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], { cwd: root, stdio: "ignore" });
  };
  mkdirSync(join(root, "src"));
  mkdirSync(join(root, "node_modules/pkg"), { recursive: true });
  mkdirSync(join(root, "node_modules/.vite"));
  writeFileSync(join(root, ".gitignore"), "node_modules\ndist\n*.log\n");
  writeFileSync(join(root, "src/a.ts"), "committed\n");
  writeFileSync(join(root, "src/gone.ts"), "deleted later\n");
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "init");
  writeFileSync(join(root, "src/a.ts"), "edited, not committed\n");
  writeFileSync(join(root, "src/new.ts"), "untracked\n");
  writeFileSync(join(root, "debug.log"), "ignored\n");
  rmSync(join(root, "src/gone.ts"));
  const scratch = ScratchTree.create(root);
  afterAll(() => {
    scratch.remove();
    rmSync(root, { recursive: true, force: true });
  });

  it("lists the working tree as it is now", () => {
    expect(treeFiles(root).sort()).toEqual([".gitignore", "src/a.ts", "src/new.ts"]);
  });

  it("copies that tree, uncommitted edits included, outside the user's tree", () => {
    expect(scratch.dir.startsWith(root)).toBe(false);
    expect(readFileSync(join(scratch.dir, "src/a.ts"), "utf8")).toBe("edited, not committed\n");
    expect(existsSync(join(scratch.dir, "src/new.ts"))).toBe(true);
    expect(existsSync(join(scratch.dir, "debug.log"))).toBe(false);
    expect(existsSync(join(scratch.dir, "src/gone.ts"))).toBe(false);
  });

  it("links each package but keeps caches such as .vite in the copy", () => {
    const modules = join(scratch.dir, "node_modules");
    expect(lstatSync(modules).isSymbolicLink()).toBe(false);
    expect(lstatSync(join(modules, "pkg")).isSymbolicLink()).toBe(true);
    expect(existsSync(join(modules, ".vite"))).toBe(false);
  });

  it("is gone after remove()", () => {
    const other = ScratchTree.create(root);
    other.remove();
    expect(existsSync(other.dir)).toBe(false);
  });
});
