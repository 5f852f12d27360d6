// Coverage marks (FoundationDB's CODE_PROBE, TigerBeetle's coverage marks): model code
// calls `env.mark("manager.takeover.onDeath")` at each protocol branch worth reaching, and
// the run counts the hits per mark. A sweep then says which marks no seed reached — a
// branch no seed reaches is untested, however many checks exist.
//
// A mark costs one Map lookup and store. Marks are not part of the trace: adding one
// changes no trace hash.

export class Coverage {
  private readonly counts = new Map<string, number>();

  hit(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  count(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /** Hits per mark, by mark name (sorted, so the object prints and compares the same every run). */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of [...this.counts.keys()].sort()) out[name] = this.counts.get(name) as number;
    return out;
  }
}
