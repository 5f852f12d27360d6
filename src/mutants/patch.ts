// Applying a mutant to a tree: its original text must occur exactly once in its file (zero
// means the code moved or changed, two means the mutant is ambiguous; either way the data
// needs updating, which is a harness error and never a kill). `applyMutant` writes the
// replacement and returns the function that puts the file back byte for byte.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Mutant } from "./data.js";

/** How many times `needle` occurs in `text`, overlapping occurrences included. */
export function occurrences(text: string, needle: string): number {
  if (needle === "") return 0;
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) count++;
  return count;
}

/** Null when `text` (the content of the mutant's file) holds the original exactly once, else why not. */
export function locateProblem(m: Mutant, text: string): string | null {
  const n = occurrences(text, m.original);
  if (n === 1) return null;
  if (n === 0)
    return `mutant ${m.id}: its original text no longer occurs in ${m.file} (the code moved or changed: update the mutant in mutants/${m.family}.json)`;
  return `mutant ${m.id}: its original text occurs ${n} times in ${m.file} (make it longer so it names one place)`;
}

/** The mutated text; throws when the original does not occur exactly once. */
export function mutateText(m: Mutant, text: string): string {
  const problem = locateProblem(m, text);
  if (problem !== null) throw new Error(problem);
  const at = text.indexOf(m.original);
  return text.slice(0, at) + m.replacement + text.slice(at + m.original.length);
}

/** Every problem of `mutants` against the tree at `root` (missing files, not exactly once). */
export function checkMutants(root: string, mutants: readonly Mutant[]): string[] {
  const problems: string[] = [];
  for (const m of mutants) {
    const file = path.join(root, m.file);
    if (!existsSync(file)) problems.push(`mutant ${m.id}: ${m.file} does not exist`);
    else {
      const problem = locateProblem(m, readFileSync(file, "utf8"));
      if (problem !== null) problems.push(problem);
    }
  }
  return problems;
}

/** Writes the mutant into the tree at `root`; the returned function restores the original file. */
export function applyMutant(root: string, m: Mutant): () => void {
  const file = path.join(root, m.file);
  const before = readFileSync(file, "utf8");
  writeFileSync(file, mutateText(m, before));
  return () => writeFileSync(file, before);
}
