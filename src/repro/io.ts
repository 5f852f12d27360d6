// Repro files on disk. Writes are atomic (a temp file in the same folder, then rename),
// so a crash or a parallel writer never leaves a half-written repro behind.

import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { digestValue } from "../sim/index.js";
import { ReproFormatError, type ReproFile } from "./schema.js";
import { parseRepro } from "./validate.js";

export const DEFAULT_REPRO_DIR = "simctl-repros";

/**
 * Writes text to `path` atomically, creating its folder. An existing path that is not a
 * regular file (a pipe, /dev/stdout) is written in place: renaming over it would replace
 * the device or link instead of writing to it.
 */
export function writeFileAtomic(path: string, text: string): void {
  if (isSpecialFile(path)) {
    writeFileSync(path, text);
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${tempCounter++}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
let tempCounter = 0;

function isSpecialFile(path: string): boolean {
  try {
    const st = statSync(path);
    return !st.isFile() && !st.isDirectory();
  } catch {
    return false;
  }
}

export function serializeRepro(repro: ReproFile): string {
  return `${JSON.stringify(repro, null, 2)}\n`;
}

export function writeRepro(path: string, repro: ReproFile): string {
  writeFileAtomic(path, serializeRepro(repro));
  return path;
}

/** `kernel_ping-pong-seed42.json`, with a short hash of the non-default inputs when there are any. */
export function reproFileName(repro: Pick<ReproFile, "scenario" | "seed" | "overrides" | "faultOverride">): string {
  const slug = repro.scenario.replace(/[^A-Za-z0-9._-]+/g, "_");
  const custom = Object.keys(repro.overrides).length > 0 || repro.faultOverride !== null;
  const tag = custom
    ? `-${(digestValue([repro.overrides, repro.faultOverride]) >>> 0).toString(16).padStart(8, "0")}`
    : "";
  return `${slug}-seed${repro.seed}${tag}.json`;
}

/** Writes `repro` into `dir` under its conventional name; returns the path. */
export function writeReproInto(dir: string, repro: ReproFile): string {
  return writeRepro(join(dir, reproFileName(repro)), repro);
}

/** Reads and validates a repro file; every problem is a ReproFormatError with one line. */
export function readRepro(path: string): ReproFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReproFormatError(
      code === "ENOENT"
        ? `no such repro file: ${path}`
        : code === "EISDIR"
          ? `${path} is a folder, not a repro file`
          : `cannot read ${path}: ${code ?? String(error)}`,
    );
  }
  return parseRepro(text, path);
}
