// A worker's cores (PROTOCOL.md §5.9, MW-2): allocation is an atomic, all-or-nothing
// check-and-allocate of specific core indices, lowest free index first. There is no
// await between the check and the assignment, so no other dispatch can interleave
// (no TOCTOU). `free` releases every core of a sub-workflow; `freeSubset` some of them.

export type AllocationError = "invalid-cores" | "exceeds-total" | "insufficient-cores" | "already-allocated";

export type AllocationResult = { ok: true; cores: readonly number[] } | { ok: false; error: AllocationError };

export class CoreAllocator {
  /** coreOwner[i] is the sub-workflow holding core i, or null. */
  readonly coreOwner: (string | null)[];
  readonly workflowCores = new Map<string, number[]>();
  private free_: number;

  constructor(readonly totalCores: number) {
    this.coreOwner = new Array<string | null>(totalCores).fill(null);
    this.free_ = totalCores;
  }

  get availableCores(): number {
    return this.free_;
  }

  get coresInUse(): number {
    return this.totalCores - this.free_;
  }

  allocate(workflow: string, count: number): AllocationResult {
    if (!Number.isInteger(count) || count <= 0) return { ok: false, error: "invalid-cores" };
    if (count > this.totalCores) return { ok: false, error: "exceeds-total" };
    if (this.workflowCores.has(workflow)) return { ok: false, error: "already-allocated" };
    if (count > this.free_) return { ok: false, error: "insufficient-cores" };
    const cores: number[] = [];
    for (let i = 0; i < this.totalCores && cores.length < count; i++) {
      if (this.coreOwner[i] === null) {
        this.coreOwner[i] = workflow;
        cores.push(i);
      }
    }
    this.free_ -= count;
    this.workflowCores.set(workflow, cores);
    return { ok: true, cores };
  }

  /** Releases all of a sub-workflow's cores; returns how many were freed. */
  free(workflow: string): number {
    const cores = this.workflowCores.get(workflow);
    if (cores === undefined) return 0;
    for (const i of cores) this.coreOwner[i] = null;
    this.free_ += cores.length;
    this.workflowCores.delete(workflow);
    return cores.length;
  }

  /** Releases the listed cores of a sub-workflow; an emptied entry is dropped. */
  freeSubset(workflow: string, indices: readonly number[]): number {
    const cores = this.workflowCores.get(workflow);
    if (cores === undefined) return 0;
    let freed = 0;
    for (const i of indices) {
      const at = cores.indexOf(i);
      if (at < 0) continue;
      cores.splice(at, 1);
      this.coreOwner[i] = null;
      freed++;
    }
    this.free_ += freed;
    if (cores.length === 0) this.workflowCores.delete(workflow);
    return freed;
  }
}
