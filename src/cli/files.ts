// Output files as user errors. A path simctl cannot write is the user's to fix, so it is
// one line (`cannot write run.jsonl: permission denied`) and exit 74, never a stack trace.
// Output paths are probed before a long run starts: the nearest existing folder must
// take a new file (a probe file is created and removed at once), so a permission,
// read-only or not-a-folder problem is found before the work, not after it.

import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, type Stats } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "../repro/io.js";
import { FileError, UsageError } from "./exit-codes.js";

const WHY: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EISDIR: "it is a folder",
  ENOTDIR: "part of the path is not a folder",
  ENOENT: "no such file or folder",
  EEXIST: "it already exists",
  ENAMETOOLONG: "the name is too long",
  EMFILE: "too many open files",
  EIO: "input/output error",
  EFBIG: "the file is too large",
  ELOOP: "too many symbolic links",
};

export function errnoOf(error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" ? code : null;
}

/** The reason in words, or null when `error` is not a file-system error. */
export function fileReason(error: unknown): string | null {
  const code = errnoOf(error);
  if (code === null || !code.startsWith("E")) return null;
  return WHY[code] ?? code;
}

/** `cannot write <path>: <reason>` as a FileError; anything that is not a file-system error is rethrown. */
export function fileError(verb: "write" | "read" | "create", path: string, error: unknown): FileError {
  const reason = fileReason(error);
  if (reason === null) throw error;
  return new FileError(`cannot ${verb} ${path}: ${reason}`);
}

/** Writes through a temporary name and a rename; a failure is a FileError and leaves nothing behind. */
export function writeOutputFile(path: string, text: string): void {
  try {
    writeFileAtomic(path, text);
  } catch (error) {
    throw fileError("write", path, error);
  }
}

/** `shown` is the path as the user gave it, for messages. */
function statOrNull(path: string, shown = path): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return null;
    if (errnoOf(error) === "ENOTDIR") throw new FileError(`cannot write ${shown}: part of the path is not a folder`);
    throw fileError("write", shown, error);
  }
}

let probes = 0;

/** Creates and removes a probe file in `dir`: the one honest answer to "can I create files here?". */
function probe(dir: string, shown: string): void {
  const path = join(dir, `.simctl-probe-${process.pid}-${probes++}`);
  try {
    closeSync(openSync(path, "wx"));
  } catch (error) {
    throw fileError("write", shown, error);
  } finally {
    rmSync(path, { force: true });
  }
}

/** Nearest existing ancestor of `path` (inclusive), which must be a folder. */
function existingFolder(path: string, shown: string): string {
  let at = resolve(path);
  for (;;) {
    const st = statOrNull(at, shown);
    if (st !== null) {
      if (!st.isDirectory())
        throw new FileError(`cannot write ${shown}: ${at === resolve(path) ? "it is" : `${at} is`} not a folder`);
      return at;
    }
    const up = dirname(at);
    if (up === at) throw new FileError(`cannot write ${shown}: no such folder`);
    at = up;
  }
}

/** A folder simctl will create if needed and write files into (`--repro-dir`). */
export function checkOutputFolder(dir: string): void {
  probe(existingFolder(dir, dir), dir);
}

/**
 * A file simctl will write (`--trace`, `--out`). Its folder must exist (simctl does not
 * create folders for a file named on the command line) and the path must not be a folder.
 */
export function checkOutputFile(path: string): void {
  const st = statOrNull(path);
  if (st?.isDirectory()) throw new FileError(`cannot write ${path}: it is a folder`);
  // Pipes and devices (/dev/stdout, a FIFO) are written in place: nothing to probe.
  if (st !== null && !st.isFile()) return;
  const parent = dirname(resolve(path));
  const pst = statOrNull(parent, path);
  if (pst === null) throw new FileError(`cannot write ${path}: its folder ${dirname(path)} does not exist`);
  if (!pst.isDirectory()) throw new FileError(`cannot write ${path}: ${dirname(path)} is not a folder`);
  probe(parent, path);
}

/** Creates `dir` (and its parents) for output, as a FileError when it cannot. */
export function makeOutputFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw fileError("create", dir, error);
  }
}

/**
 * Reads an input file named on the command line. A path that names no file is a usage
 * error (exit 2, like any bad argument); one that exists but cannot be read is exit 74.
 */
export function readInputFile(path: string, what = "file"): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = errnoOf(error);
    if (code === "ENOENT") throw new UsageError(`no such ${what}: ${path}`);
    if (code === "EISDIR") throw new UsageError(`${path} is a folder, not a ${what}`);
    if (code === "ENOTDIR") throw new UsageError(`no such ${what}: ${path} (part of the path is not a folder)`);
    throw fileError("read", path, error);
  }
}
