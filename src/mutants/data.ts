// The mutant set is data (mutants/*.json, one file per protocol family): each mutant names
// a file, the exact text to find there, its replacement, and why a real engineer could
// have written it. This module parses and validates those files; nothing here touches the
// source tree (patch.ts does).

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface Mutant {
  readonly id: string;
  /** Repository-relative path of the mutated file. */
  readonly file: string;
  /** Text that must occur exactly once in `file`. */
  readonly original: string;
  readonly replacement: string;
  /** The kind of bug this is and how someone could write it. */
  readonly why: string;
  /** Set when the mutant cannot change behaviour: the reason. Such mutants are not run. */
  readonly equivalent: string | null;
  /** The family file it came from (`cluster` for mutants/cluster.json). */
  readonly family: string;
}

export const MUTANT_DIR = "mutants";

/** A mutant file that cannot be used; the message names the file and every problem. */
export class MutantDataError extends Error {
  override readonly name = "MutantDataError";
}

const ID = /^[a-z0-9][a-z0-9.-]*$/;

/** Parses one family file. `source` names it in errors. */
export function parseMutantFile(text: string, source: string): Mutant[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new MutantDataError(`${source}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(data) || typeof data["family"] !== "string" || !Array.isArray(data["mutants"]))
    throw new MutantDataError(`${source}: expected { "family": string, "mutants": [...] }`);
  const family = data["family"];
  const problems: string[] = [];
  const mutants: Mutant[] = [];
  data["mutants"].forEach((entry: unknown, index: number) => {
    const m = parseEntry(entry, family);
    if (typeof m === "string") problems.push(`mutant #${index + 1}: ${m}`);
    else mutants.push(m);
  });
  problems.push(...duplicateIds(mutants));
  if (problems.length > 0) throw new MutantDataError(`${source}: ${problems.join("; ")}`);
  return mutants;
}

/** One entry, or a sentence saying what is wrong with it. */
function parseEntry(entry: unknown, family: string): Mutant | string {
  if (!isRecord(entry)) return "not an object";
  const fields = ["id", "file", "original", "replacement", "why"] as const;
  // The replacement may be empty (a deleted line); everything else must say something.
  const missing = fields.filter((f) => typeof entry[f] !== "string" || (entry[f] === "" && f !== "replacement"));
  if (missing.length > 0) return `${String(entry["id"] ?? "?")}: missing or empty ${missing.join(", ")}`;
  const m = entry as Record<(typeof fields)[number], string> & Record<string, unknown>;
  if (!ID.test(m.id)) return `${m.id}: an id is lowercase letters, digits, dots and dashes`;
  if (m.original === m.replacement) return `${m.id}: the replacement equals the original`;
  if (path.isAbsolute(m.file) || m.file.split(/[\\/]/).includes(".."))
    return `${m.id}: file must be a path inside the repository`;
  const equivalent = m["equivalent"];
  if (equivalent !== undefined && (typeof equivalent !== "string" || equivalent === ""))
    return `${m.id}: "equivalent" must be the reason, as a sentence`;
  return {
    id: m.id,
    file: m.file,
    original: m.original,
    replacement: m.replacement,
    why: m.why,
    equivalent: equivalent ?? null,
    family,
  };
}

function duplicateIds(mutants: readonly Mutant[]): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const m of mutants) {
    if (seen.has(m.id)) dup.push(`duplicate id ${m.id}`);
    seen.add(m.id);
  }
  return dup;
}

/** Every family file under `root/mutants`, sorted. */
export function familyFiles(root: string): string[] {
  const dir = path.join(root, MUTANT_DIR);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => path.join(MUTANT_DIR, f));
}

/** Loads the given family files (default: all of them); ids must be unique across files. */
export function loadMutants(root: string, files: readonly string[] = familyFiles(root)): Mutant[] {
  const all: Mutant[] = [];
  for (const file of files) all.push(...parseMutantFile(readFileSync(path.resolve(root, file), "utf8"), file));
  const dup = duplicateIds(all);
  if (dup.length > 0) throw new MutantDataError(`${files.join(", ")}: ${dup.join("; ")}`);
  return all;
}

/** The mutants whose ids are listed (in the data's order); an unknown id is an error. */
export function selectMutants(all: readonly Mutant[], ids: readonly string[]): Mutant[] {
  const known = new Set(all.map((m) => m.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new MutantDataError(`--only: no mutant named ${unknown.join(", ")}`);
  const wanted = new Set(ids);
  return all.filter((m) => wanted.has(m.id));
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
