// A latency histogram over integer microseconds with bounded relative error, in the
// HDR style: values below 128 µs get a bucket each; above that every power-of-two range
// is split into 64 sub-buckets, so a bucket is at most 1/64 (~1.6 %) of its value wide.
// Counts live in a sparse array indexed by bucket, so recording allocates nothing once
// the range has been seen, and merging two histograms is a bucket-wise sum.
//
// Percentiles return the upper bound of the bucket holding the requested rank (clipped
// to the true maximum): a conservative figure, never an underestimate, which is what a
// "p95 below X" check needs.
//
// Pure data, no simulator dependency; it sits in the async toolkit with its first users
// (soak reports, pipeline latencies) and nodes may import it for latency digests.

const EXACT_LIMIT = 128; // values below this are exact
const SUB_BUCKETS = 64;

export interface HistogramSummary {
  count: number;
  minUs: number;
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p95Us: number;
  p99Us: number;
  maxUs: number;
}

export interface HistogramRow {
  fromUs: number;
  toUs: number;
  count: number;
}

export class Histogram {
  private readonly counts: number[] = [];
  private total = 0;
  private sum = 0;
  private minValue = Number.POSITIVE_INFINITY;
  private maxValue = 0;

  get count(): number {
    return this.total;
  }
  get min(): number {
    return this.total === 0 ? 0 : this.minValue;
  }
  get max(): number {
    return this.maxValue;
  }
  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  /** Records one value (µs); negative or fractional values are a caller bug. */
  record(valueUs: number): void {
    if (!Number.isSafeInteger(valueUs) || valueUs < 0)
      throw new RangeError(`Histogram.record: need a non-negative integer µs, got ${valueUs}`);
    const b = bucketOf(valueUs);
    this.counts[b] = (this.counts[b] ?? 0) + 1;
    this.total++;
    this.sum += valueUs;
    if (valueUs < this.minValue) this.minValue = valueUs;
    if (valueUs > this.maxValue) this.maxValue = valueUs;
  }

  /** Adds every sample of `other` to this histogram. */
  merge(other: Histogram): void {
    other.counts.forEach((c, b) => {
      if (c !== undefined) this.counts[b] = (this.counts[b] ?? 0) + c;
    });
    this.total += other.total;
    this.sum += other.sum;
    if (other.total > 0) {
      this.minValue = Math.min(this.minValue, other.minValue);
      this.maxValue = Math.max(this.maxValue, other.maxValue);
    }
  }

  /** The value at percentile `p` (0 < p <= 100), as its bucket's upper bound clipped to the max. */
  percentile(p: number): number {
    if (!(p > 0 && p <= 100)) throw new RangeError(`Histogram.percentile: p must be in (0, 100], got ${p}`);
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p * this.total) / 100));
    let seen = 0;
    for (let b = 0; b < this.counts.length; b++) {
      seen += this.counts[b] ?? 0;
      if (seen >= rank) return Math.min(upperBoundOf(b), this.maxValue);
    }
    return this.maxValue;
  }

  summary(): HistogramSummary {
    return {
      count: this.total,
      minUs: this.min,
      meanUs: Math.round(this.mean),
      p50Us: this.percentile(50),
      p90Us: this.percentile(90),
      p95Us: this.percentile(95),
      p99Us: this.percentile(99),
      maxUs: this.max,
    };
  }

  /** Non-empty buckets, ascending (for printing a distribution). */
  rows(): HistogramRow[] {
    const out: HistogramRow[] = [];
    this.counts.forEach((c, b) => {
      if (c !== undefined && c > 0) out.push({ fromUs: lowerBoundOf(b), toUs: upperBoundOf(b), count: c });
    });
    return out;
  }
}

/** Number of bits needed for a non-negative safe integer (0 for 0). */
function bitLength(value: number): number {
  let v = value;
  let bits = 0;
  while (v >= 0x100000000) {
    v = Math.floor(v / 0x100000000);
    bits += 32;
  }
  return bits + 32 - Math.clz32(v);
}

export function bucketOf(valueUs: number): number {
  if (valueUs < EXACT_LIMIT) return valueUs;
  const shift = bitLength(valueUs) - 7; // keeps the top 7 bits: 64..127
  const top = Math.floor(valueUs / 2 ** shift);
  return EXACT_LIMIT + (shift - 1) * SUB_BUCKETS + (top - SUB_BUCKETS);
}

export function lowerBoundOf(bucket: number): number {
  if (bucket < EXACT_LIMIT) return bucket;
  const k = bucket - EXACT_LIMIT;
  const shift = Math.floor(k / SUB_BUCKETS) + 1;
  const top = (k % SUB_BUCKETS) + SUB_BUCKETS;
  return top * 2 ** shift;
}

export function upperBoundOf(bucket: number): number {
  if (bucket < EXACT_LIMIT) return bucket;
  const shift = Math.floor((bucket - EXACT_LIMIT) / SUB_BUCKETS) + 1;
  return lowerBoundOf(bucket) + 2 ** shift - 1;
}
