// The baseline every kernel figure is divided by: the fastest hold-model loop we can
// write — a typed-array binary heap of (time, seq) with no allocation per event.
// It does nothing but pop the earliest event and push its successor.

export function bareHoldLoop(pending: number, events: number, delays: Float64Array): number {
  let cap = 1;
  while (cap < pending + 1) cap *= 2;
  const at = new Float64Array(cap);
  const seq = new Float64Array(cap);
  let size = 0;
  let nextSeq = 0;
  const mask = delays.length - 1;
  const push = (t: number, s: number): void => {
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (at[p]! < t || (at[p] === t && seq[p]! < s)) break;
      at[i] = at[p]!;
      seq[i] = seq[p]!;
      i = p;
    }
    at[i] = t;
    seq[i] = s;
  };
  for (let i = 0; i < pending; i++) push(delays[i & mask]!, nextSeq++);
  let checksum = 0;
  for (let n = 0; n < events; n++) {
    const now = at[0]!;
    // pop
    const last = --size;
    const lt = at[last]!;
    const ls = seq[last]!;
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      if (c + 1 < last && (at[c + 1]! < at[c]! || (at[c + 1] === at[c] && seq[c + 1]! < seq[c]!))) c++;
      if (lt < at[c]! || (lt === at[c] && ls < seq[c]!)) break;
      at[i] = at[c]!;
      seq[i] = seq[c]!;
      i = c;
    }
    at[i] = lt;
    seq[i] = ls;
    checksum += now;
    push(now + delays[n & mask]!, nextSeq++);
  }
  return checksum;
}
