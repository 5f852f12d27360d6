// A table of names numbered in first-seen order (message types, drop reasons, job ids):
// the columns store the small number, the header stores the names once.

export class NameTable {
  readonly names: string[] = [];
  private readonly indices = new Map<string, number>();

  constructor(initial: readonly string[] = []) {
    for (const name of initial) this.index(name);
  }

  index(name: string): number {
    let i = this.indices.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.indices.set(name, i);
      this.names.push(name);
    }
    return i;
  }
}
