// Coverage over a sweep: for each coverage mark, how many seeds reached it; the marks no
// seed reached; and, apart, the declared marks a scenario cannot reach by design (with the
// scenario that does). Seeds report the marks they reached; tallies of shards add up.

export interface MarkDeclaration {
  name: string;
  /** Set when the sweep's scenario cannot reach the mark: where it is reached instead. */
  reachedBy?: string;
}

export interface CoverageSummary {
  declared: number;
  reached: number;
  /** Seeds that reached each mark, by mark name (declared marks only, and any undeclared one seen). */
  seedsPerMark: Record<string, number>;
  /** Declared, reachable here, and reached by no seed: untested branches. */
  unreached: string[];
  /** Declared as out of this scenario's reach: mark → the scenario that reaches it. */
  outOfReach: Record<string, string>;
}

export class CoverageTally {
  private readonly seeds = new Map<string, number>();

  add(marks: readonly string[]): void {
    for (const m of marks) this.seeds.set(m, (this.seeds.get(m) ?? 0) + 1);
  }

  /** Adds another tally's per-mark seed counts (shards of one sweep). */
  merge(counts: Record<string, number>): void {
    for (const [m, n] of Object.entries(counts)) this.seeds.set(m, (this.seeds.get(m) ?? 0) + n);
  }

  summary(declared: readonly MarkDeclaration[]): CoverageSummary {
    const seedsPerMark: Record<string, number> = {};
    const outOfReach: Record<string, string> = {};
    const unreached: string[] = [];
    for (const d of declared) {
      if (d.reachedBy !== undefined) outOfReach[d.name] = d.reachedBy;
      else {
        seedsPerMark[d.name] = this.seeds.get(d.name) ?? 0;
        if (seedsPerMark[d.name] === 0) unreached.push(d.name);
      }
    }
    for (const [m, n] of [...this.seeds].sort(([a], [b]) => (a < b ? -1 : 1)))
      if (!(m in seedsPerMark)) seedsPerMark[m] = n;
    const reachable = declared.filter((d) => d.reachedBy === undefined).length;
    return { declared: declared.length, reached: reachable - unreached.length, seedsPerMark, unreached, outOfReach };
  }
}

/** The coverage of two shards of one sweep: seed counts add up, and a mark is unreached only if both missed it. */
export function mergeCoverage(a: CoverageSummary, b: CoverageSummary): CoverageSummary {
  const seedsPerMark: Record<string, number> = { ...a.seedsPerMark };
  for (const [m, n] of Object.entries(b.seedsPerMark)) seedsPerMark[m] = (seedsPerMark[m] ?? 0) + n;
  const unreached = [...new Set([...a.unreached, ...b.unreached])].filter((m) => (seedsPerMark[m] ?? 0) === 0);
  const reachable = a.declared - Object.keys(a.outOfReach).length;
  return {
    declared: a.declared,
    reached: reachable - unreached.length,
    seedsPerMark,
    unreached,
    outOfReach: { ...a.outOfReach, ...b.outOfReach },
  };
}
