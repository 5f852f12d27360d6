// Seed ranges and shards. `--seeds 1..10000` is an inclusive range (`--seeds 500` means
// 1..500); `--shard k/N` takes every N-th seed starting at the k-th, so N shards cover
// the range exactly, with no overlap and no gap, and each gets a similar mix of seeds.

export interface SeedRange {
  first: number;
  last: number;
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export const WHOLE: Shard = { index: 1, count: 1 };

export class SeedSpecError extends Error {
  override readonly name = "SeedSpecError";
}

const MAX_SEED = Number.MAX_SAFE_INTEGER;

export function parseSeedRange(text: string): SeedRange {
  const range = /^(\d+)\.\.(\d+)$/.exec(text.trim());
  const count = /^(\d+)$/.exec(text.trim());
  if (range === null && count === null)
    throw new SeedSpecError(`invalid --seeds "${text}": expected FIRST..LAST (e.g. 1..10000) or a count`);
  const first = range === null ? 1 : Number(range[1]);
  const last = range === null ? Number(count![1]) : Number(range[2]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last > MAX_SEED)
    throw new SeedSpecError(`invalid --seeds "${text}": seeds must be integers below 2^53`);
  if (last < first) throw new SeedSpecError(`invalid --seeds "${text}": the range is empty`);
  return { first, last };
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m === null ? NaN : Number(m[1]);
  const count = m === null ? NaN : Number(m[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new SeedSpecError(`invalid --shard "${text}": expected k/N with 1 <= k <= N, e.g. 2/8`);
  }
  return { index, count };
}

/** How many seeds of the range fall in the shard. */
export function shardSize(range: SeedRange, shard: Shard): number {
  const total = range.last - range.first + 1;
  const offset = shard.index - 1;
  return total <= offset ? 0 : Math.floor((total - offset - 1) / shard.count) + 1;
}

/** The shard's seeds, ascending, lazily. */
export function* shardSeeds(range: SeedRange, shard: Shard): Generator<number> {
  for (let seed = range.first + shard.index - 1; seed <= range.last; seed += shard.count) yield seed;
}

export function formatRange(range: SeedRange): string {
  return `${range.first}..${range.last}`;
}
