// Generic reducers used by shrink. Both are deterministic: the order of attempts depends
// only on the input, so the same input always shrinks to the same output.

/**
 * Delta debugging (Zeller's ddmin): the smallest list found, by trying each chunk alone,
 * then the list without each chunk, with chunks halving in size down to single items.
 */
export function ddmin<T>(items: readonly T[], keeps: (candidate: T[]) => boolean): T[] {
  let current = [...items];
  if (current.length > 0 && keeps([])) return [];
  let n = 2;
  while (current.length >= 2) {
    const chunks = split(current, n);
    let next: T[] | null = null;
    for (const chunk of chunks) {
      if (chunk.length < current.length && keeps(chunk)) {
        next = chunk;
        n = 2;
        break;
      }
    }
    if (next === null) {
      for (let i = 0; i < chunks.length && next === null; i++) {
        const complement = chunks.filter((_, j) => j !== i).flat();
        if (complement.length < current.length && keeps(complement)) {
          next = complement;
          n = Math.max(n - 1, 2);
        }
      }
    }
    if (next !== null) {
      current = next;
      continue;
    }
    if (n >= current.length) break;
    n = Math.min(n * 2, current.length);
  }
  return current;
}

function split<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((items.length - start) / (n - i));
    if (end > start) out.push(items.slice(start, end));
    start = end;
  }
  return out;
}

/**
 * The smallest integer in [low, known] that `keeps` accepts, by bisection, assuming
 * `known` is accepted. Not every predicate is monotone; then this finds a local minimum.
 */
export function lowestKept(low: number, known: number, keeps: (value: number) => boolean): number {
  let lo = Math.ceil(low);
  let hi = known;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (keeps(mid)) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}
