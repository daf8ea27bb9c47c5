/**
 * A fixed-size histogram of non-negative whole numbers: memory does not grow with the run.
 *
 *   value v                  bucket
 *   0 <= v < 2048            v                                   exact
 *   2^e <= v < 2^(e+1)       2048 + (e - 11) * 64 + sub          64 sub-buckets per octave,
 *                            sub = floor((v / 2^e - 1) * 64)      width 2^e / 64 (< 1.6 % of v)
 *
 * e runs up to 52 (values up to 2^53, the largest exact double), so the table has
 * 2048 + 42 * 64 = 4,736 buckets (37 KiB). Quantiles are nearest-rank: the smallest bucket whose
 * cumulative count reaches ceil(q * count). An exact bucket reports its value; a log bucket
 * reports the middle of the whole numbers it holds, so it is within half a bucket width (0.8 %)
 * of the true quantile. count, sum, min and max are exact.
 */
export const HIST_EXACT = 2048;
const EXACT_BITS = 11;
const SUB_BITS = 6;
const SUB = 1 << SUB_BITS;
const MAX_EXP = 52;
export const HIST_BUCKETS = HIST_EXACT + (MAX_EXP - EXACT_BITS + 1) * SUB;

export class LogHistogram {
  readonly counts = new Float64Array(HIST_BUCKETS);
  count = 0;
  sum = 0;
  min = Infinity;
  max = 0;

  /** Record one value (negative values count as 0, fractions are floored). */
  record(value: number): void {
    const v = value > 0 ? Math.floor(value) : 0;
    this.counts[bucketOf(v)]++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  mean(): number {
    return this.count > 0 ? this.sum / this.count : 0;
  }

  /** Nearest-rank quantile, q in [0, 1]; 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * this.count));
    let seen = 0;
    for (let b = 0; b < HIST_BUCKETS; b++) {
      seen += this.counts[b];
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, bucketValue(b)));
    }
    return this.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = this.sum = this.max = 0;
    this.min = Infinity;
  }
}

export function bucketOf(v: number): number {
  if (v < HIST_EXACT) return v;
  const e = Math.min(MAX_EXP, Math.floor(Math.log2(v)));
  // Math.log2 can be off by one at exact powers of two for large v: correct it
  const p = 2 ** e;
  const ee = v < p ? e - 1 : v >= 2 * p && e < MAX_EXP ? e + 1 : e;
  const pp = 2 ** ee;
  const sub = Math.min(SUB - 1, Math.floor((v / pp - 1) * SUB));
  return HIST_EXACT + (ee - EXACT_BITS) * SUB + sub;
}

/** The value a bucket stands for: itself (exact) or the middle of its whole numbers. */
export function bucketValue(b: number): number {
  if (b < HIST_EXACT) return b;
  const i = b - HIST_EXACT;
  const e = EXACT_BITS + Math.floor(i / SUB);
  const sub = i % SUB;
  const lo = Math.ceil(2 ** e * (1 + sub / SUB));
  const hi = Math.ceil(2 ** e * (1 + (sub + 1) / SUB)) - 1;
  return (lo + hi) / 2;
}
