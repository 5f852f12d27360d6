// Mutant outcomes, the score, and how they print. The score counts only mutants that were
// measured: an equivalent mutant cannot be killed and a harness error (the data no longer
// matches the code, or the mutant does not compile) says nothing about the checks.

import type { Mutant } from "./data.js";

export type KilledBy = "sweep" | "test" | "nothing" | "equivalent" | "error";

export interface Outcome {
  readonly id: string;
  readonly file: string;
  readonly family: string;
  readonly why: string;
  readonly killedBy: KilledBy;
  /** Lowest failing sweep seed (sweep kills only). */
  readonly firstSeed: number | null;
  /** The first failing seed hung (ran past its wall-clock limit). */
  readonly hang: boolean;
  /** Sweep: the violated check; test: the failing test file; equivalent / error: the reason. */
  readonly detail: string;
  readonly wallMs: number;
}

export interface Summary {
  total: number;
  equivalent: number;
  errors: number;
  /** Mutants that ran: total − equivalent − errors; the denominator of both rates. */
  measured: number;
  killedBySweep: number;
  killedByTests: number;
  survived: number;
  /** Percentages with one decimal; null when nothing was measured. */
  sweepPct: number | null;
  sweepOrTestsPct: number | null;
  /** Median of the first failing seed over the sweep's kills; null when it killed none. */
  medianFirstSeed: number | null;
}

export function outcome(
  m: Mutant,
  killedBy: KilledBy,
  rest: Partial<Pick<Outcome, "firstSeed" | "hang" | "detail" | "wallMs">> = {},
): Outcome {
  return {
    id: m.id,
    file: m.file,
    family: m.family,
    why: m.why,
    killedBy,
    firstSeed: rest.firstSeed ?? null,
    hang: rest.hang ?? false,
    detail: rest.detail ?? "",
    wallMs: rest.wallMs ?? 0,
  };
}

export function summarize(outcomes: readonly Outcome[]): Summary {
  const count = (k: KilledBy): number => outcomes.filter((o) => o.killedBy === k).length;
  const equivalent = count("equivalent");
  const errors = count("error");
  const measured = outcomes.length - equivalent - errors;
  const killedBySweep = count("sweep");
  const killedByTests = count("test");
  const pct = (n: number): number | null => (measured === 0 ? null : Math.round((1000 * n) / measured) / 10);
  const seeds = outcomes.flatMap((o) => (o.killedBy === "sweep" && o.firstSeed !== null ? [o.firstSeed] : []));
  return {
    total: outcomes.length,
    equivalent,
    errors,
    measured,
    killedBySweep,
    killedByTests,
    survived: count("nothing"),
    sweepPct: pct(killedBySweep),
    sweepOrTestsPct: pct(killedBySweep + killedByTests),
    medianFirstSeed: median(seeds),
  };
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** "sweep seed 17", "sweep seed 3 (hang)", "test FILE", "nothing", "equivalent", "error". */
export function killedByText(o: Outcome): string {
  switch (o.killedBy) {
    case "sweep":
      return `sweep seed ${o.firstSeed ?? "?"}${o.hang ? " (hang)" : ""}`;
    case "test":
      return `test ${o.detail.split(" > ")[0] ?? o.detail}`;
    case "nothing":
    case "equivalent":
    case "error":
      return o.killedBy;
  }
}

/** The table, then the reasons for survivors, equivalents and errors, then the score. */
export function renderReport(outcomes: readonly Outcome[], s: Summary): string[] {
  const rows = outcomes.map((o) => [
    o.id,
    o.file.replace(/^src\/nodes\//, ""),
    killedByText(o),
    o.firstSeed === null ? "-" : String(o.firstSeed),
    o.killedBy === "sweep" ? o.detail : "",
  ]);
  const head = ["mutant", "file", "killed by", "first failing seed", "check"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const out = [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
  const notes = (k: KilledBy, title: string, text: (o: Outcome) => string): void => {
    const some = outcomes.filter((o) => o.killedBy === k);
    if (some.length === 0) return;
    out.push("", title);
    for (const o of some) out.push(`  ${o.id}: ${text(o)}`);
  };
  notes("test", "Killed by tests (the sweep missed them):", (o) => o.detail);
  notes("nothing", "Survivors (a missing check, an unreached branch, or an equivalent mutant to mark):", (o) => o.why);
  notes("equivalent", "Equivalent (not run):", (o) => o.detail);
  notes("error", "Harness errors (fix the data, not a kill):", (o) => o.detail);
  out.push("", ...renderSummary(s));
  return out;
}

export function renderSummary(s: Summary): string[] {
  const pct = (x: number | null): string => (x === null ? "-" : `${x.toFixed(1)}%`);
  return [
    `mutants: ${s.total} (${s.measured} measured, ${s.equivalent} equivalent, ${s.errors} harness errors)`,
    `killed by the sweep:        ${s.killedBySweep}/${s.measured} = ${pct(s.sweepPct)}`,
    `killed by sweep or tests:   ${s.killedBySweep + s.killedByTests}/${s.measured} = ${pct(s.sweepOrTestsPct)}`,
    `survived:                   ${s.survived}`,
    `median first failing seed:  ${s.medianFirstSeed ?? "-"}`,
  ];
}
