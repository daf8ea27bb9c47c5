/**
 * Interval arithmetic for replicated measurements: mean, sample standard deviation, and the
 * 95 % confidence interval of the mean from Student's t distribution,
 *
 *   mean ± t(0.975, n - 1) · sd / √n
 *
 * The t quantile is computed, not tabulated: the t CDF through the regularized incomplete beta
 * function (continued fraction, modified Lentz), inverted by bisection to 1e-12. Pure functions,
 * no I/O.
 */

/** The level of every interval mermap-lab reports. */
export const CONFIDENCE = 0.95;

export interface Interval {
  mean: number;
  /** sample standard deviation (n - 1 in the denominator); null for n < 2 */
  sd: number | null;
  n: number;
  /** [lo, hi] of the 95 % interval of the mean; null for n < 2 (no spread to go on) */
  ci95: [number, number] | null;
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, 9 coefficients), accurate to ~1e-15 for x > 0
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), 0 <= x <= 1. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T <= t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

const quantileCache = new Map<string, number>();

/** The `p` quantile (0.5 < p < 1) of Student's t with `df` >= 1 degrees of freedom. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0.5 && p < 1) || !(df >= 1)) throw new RangeError(`t quantile of p=${p}, df=${df} is not defined here`);
  const key = `${p}|${df}`;
  const cached = quantileCache.get(key);
  if (cached !== undefined) return cached;
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  while (hi - lo > 1e-12 * hi) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  const q = (lo + hi) / 2;
  quantileCache.set(key, q);
  return q;
}

/** t(0.975, n - 1): the factor of sd / √n in a 95 % interval from n samples (n >= 2). */
export function t95(n: number): number {
  return studentTQuantile(1 - (1 - CONFIDENCE) / 2, n - 1);
}

/** Mean, sd, n and the 95 % interval of `values` (non-finite values are an error). */
export function interval(values: readonly number[]): Interval {
  const n = values.length;
  if (n === 0) throw new RangeError('an interval needs at least one value');
  let sum = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`an interval of a non-finite value (${v})`);
    sum += v;
  }
  const mean = sum / n;
  if (n < 2) return { mean, sd: null, n, ci95: null };
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  const sd = Math.sqrt(ss / (n - 1));
  const half = (t95(n) * sd) / Math.sqrt(n);
  return { mean, sd, n, ci95: [mean - half, mean + half] };
}

/** Half the width of the interval (Infinity when there is none). */
export function halfWidth(iv: Interval): number {
  return iv.ci95 === null ? Infinity : (iv.ci95[1] - iv.ci95[0]) / 2;
}

/** The interval's upper bound (Infinity when there is none). */
export function upper(iv: Interval): number {
  return iv.ci95 === null ? Infinity : iv.ci95[1];
}

/**
 * How many replicates would bring the interval's upper bound under `target`, if the mean and sd
 * stayed as measured: the least n with mean + t(0.975, n-1)·sd/√n < target. null when the mean
 * is not under the target (no n settles it) or the sd is unknown; n itself when it already does.
 */
export function replicatesToSettle(iv: Interval, target: number, cap = 10_000): number | null {
  if (iv.sd === null || !(iv.mean < target)) return null;
  if (iv.sd === 0) return Math.max(iv.n, 2);
  for (let n = Math.max(iv.n, 2); n <= cap; n++) {
    if (iv.mean + (t95(n) * iv.sd) / Math.sqrt(n) < target) return n;
  }
  return null;
}

/** The difference of two means with its 95 % interval (Welch: unequal variances). */
export interface Difference {
  /** mean(a) - mean(b) */
  diff: number;
  /** Welch–Satterthwaite degrees of freedom; null without an interval */
  df: number | null;
  /** [lo, hi] of the 95 % interval of the difference; null when either side has n < 2 */
  ci95: [number, number] | null;
}

/**
 * mean(a) - mean(b) ± t(0.975, df) · √(sa²/na + sb²/nb), df by Welch–Satterthwaite: two
 * independent sets of measurements (two builds timed in turn), whose spreads may differ.
 */
export function welchDifference(a: readonly number[], b: readonly number[]): Difference {
  const ia = interval(a);
  const ib = interval(b);
  const diff = ia.mean - ib.mean;
  if (ia.sd === null || ib.sd === null) return { diff, df: null, ci95: null };
  const va = (ia.sd * ia.sd) / ia.n;
  const vb = (ib.sd * ib.sd) / ib.n;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { diff, df: null, ci95: [diff, diff] };
  const df = ((va + vb) * (va + vb)) / ((va * va) / (ia.n - 1) + (vb * vb) / (ib.n - 1));
  const half = studentTQuantile(1 - (1 - CONFIDENCE) / 2, Math.max(1, df)) * se;
  return { diff, df, ci95: [diff - half, diff + half] };
}
