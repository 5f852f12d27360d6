// Output paths as user errors: each unusable path is refused with one FileError line
// (exit 74) before any work, and a failed write leaves no file and no temporary behind.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileError } from "../../src/cli/exit-codes.js";
import { checkOutputFile, checkOutputFolder, writeOutputFile } from "../../src/cli/files.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "simctl-files-"));
  writeFileSync(join(dir, "a-file"), "x");
  mkdirSync(join(dir, "a-folder"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(check: () => void): string {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(FileError);
    expect((error as FileError).exitCode).toBe(74);
    return (error as Error).message;
  }
  throw new Error("expected a FileError");
}

// sysfs refuses new files even to root, whom permission bits never stop.
const denied = process.platform === "linux" && existsSync("/sys/kernel");

describe("output paths, checked before the work", () => {
  it("a file path: its folder must exist, must be a folder, and the path must not be a folder", () => {
    expect(refusal(() => checkOutputFile(join(dir, "missing", "t.jsonl")))).toMatch(
      /its folder .*missing does not exist$/,
    );
    expect(refusal(() => checkOutputFile(join(dir, "a-file", "t.jsonl")))).toMatch(
      /a-file is not a folder$|part of the path is not a folder$/,
    );
    expect(refusal(() => checkOutputFile(join(dir, "a-folder")))).toMatch(/a-folder: it is a folder$/);
    checkOutputFile(join(dir, "fine.jsonl"));
    expect(readdirSync(dir).sort()).toEqual(["a-file", "a-folder"]); // the probe leaves nothing
  });

  it("a folder path may not exist yet, but nothing on its way may be a file", () => {
    checkOutputFolder(join(dir, "new", "deeper"));
    expect(refusal(() => checkOutputFolder(join(dir, "a-file")))).toMatch(/a-file: it is not a folder$/);
    expect(refusal(() => checkOutputFolder(join(dir, "a-file", "sub")))).toMatch(/not a folder$/);
    expect(existsSync(join(dir, "new"))).toBe(false);
  });

  it.runIf(denied)("a folder that refuses new files is permission denied", () => {
    expect(refusal(() => checkOutputFolder("/sys/kernel/simctl-repros"))).toBe(
      "cannot write /sys/kernel/simctl-repros: permission denied",
    );
    expect(refusal(() => checkOutputFile("/sys/kernel/run.jsonl"))).toBe(
      "cannot write /sys/kernel/run.jsonl: permission denied",
    );
  });
});

describe("writing", () => {
  it("a failed write is one line and leaves neither the file nor a temporary", () => {
    expect(refusal(() => writeOutputFile(join(dir, "a-folder"), "x"))).toMatch(/^cannot write .*a-folder: /);
    expect(refusal(() => writeOutputFile(join(dir, "a-file", "r.json"), "x"))).toMatch(/^cannot write .*r\.json: /);
    expect(readdirSync(dir).sort()).toEqual(["a-file", "a-folder"]);
    expect(readdirSync(join(dir, "a-folder"))).toEqual([]);
  });

  it("a good write lands whole under its name, with no temporary left", () => {
    writeOutputFile(join(dir, "out", "r.json"), "{}\n");
    expect(readdirSync(join(dir, "out"))).toEqual(["r.json"]);
  });
});
