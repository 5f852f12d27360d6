// Rendering where two traces part ways, shared by `replay` and `check`.

import chalk from "chalk";
import { describeRecord, describeShape, type Difference, type Window } from "../repro/divergence.js";

export function renderDivergence(
  window: Window,
  difference: Difference | null,
  note: string | null,
  names: { a: string; b: string },
): string[] {
  const lines: string[] = [];
  const where = window.checkpoint >= 0 ? `checkpoint ${window.checkpoint}` : "after the last shared checkpoint";
  lines.push(`first divergent window: ${where} (records ${window.from}..${window.to - 1})`);
  if (difference !== null) {
    const width = Math.max(names.a.length, names.b.length) + 1;
    lines.push(`first differing event: record #${difference.index} — ${describeShape(difference, names.a, names.b)}`);
    lines.push(`  ${`${names.a}:`.padEnd(width)} ${describeRecord(difference.a)}`);
    lines.push(`  ${`${names.b}:`.padEnd(width)} ${describeRecord(difference.b)}`);
  }
  if (note !== null) lines.push(chalk.dim(note));
  return lines;
}

export function differenceJson(
  window: Window | null,
  difference: Difference | null,
  note: string | null,
): Record<string, unknown> | null {
  if (window === null) return null;
  return { checkpoint: window.checkpoint, from: window.from, to: window.to, firstDifference: difference, note };
}
