/**
 * Seeded randomness for the workloads.
 *
 * Every random stream is a seedrandom `alea` generator keyed by a string built from the run's seed
 * and the stream's name (`streamKey(seed, 'cpu', 3)` = "1/cpu/3"), so streams are independent of
 * each other and of the order in which they are created. alea was picked by measurement: on Node 20
 * it gives about 190 M draws/s, as fast as xor128/xorwow/tychei and faster than xorshift7 and
 * xor4096, with 4 numbers of state per stream (cheap for one stream per CPU at 1024 CPUs: the
 * per-CPU streams of unmapped-alloc sit in one AleaBank, which steps the state alea keeps).
 *
 * A draw is a double in [0, 1) with 32 random bits, which is plenty for inter-arrival times and
 * table sampling. Everything here is plain arithmetic, so a seed gives the same numbers on every
 * machine (V8's Math.log is a port of fdlibm, the same on every platform); the generators round
 * times to whole nanoseconds on top of that.
 */
import seedrandom from 'seedrandom';

export type Seed = number | string;
export type Uniform = () => number;

/** FNV-1a, 32 bits, over the UTF-16 code units of `text` (all ASCII in practice). */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The key of a named sub-stream of a run: "seed/part/part". */
export function streamKey(seed: Seed, ...parts: Array<string | number>): string {
  return parts.length === 0 ? String(seed) : `${seed}/${parts.join('/')}`;
}

/** A stable 32-bit number for a sub-stream (FNV-1a of its key), e.g. to seed another tool. */
export function deriveSeed(seed: Seed, ...parts: Array<string | number>): number {
  return fnv1a32(streamKey(seed, ...parts));
}

/** A uniform [0, 1) generator for the sub-stream (seed, ...parts). */
export function createUniform(seed: Seed, ...parts: Array<string | number>): Uniform {
  return seedrandom.alea(streamKey(seed, ...parts));
}

/**
 * Many alea streams in one typed array, for a generator with a stream per CPU: stream k's state
 * (alea's c, s0, s1, s2) at 4k..4k+3, seeded by seedrandom as createUniform() seeds it, and
 * next(k) alea's step, the same double operations in the same order, so stream k gives exactly
 * the numbers of createUniform(...keys[k]). Why: a seedrandom generator is a closure over an
 * object whose three doubles are each a heap number of their own; at 1024 CPUs those are some
 * 6,000 scattered objects that every draw walks (the generator ran 20 % slower per event at 1024
 * CPUs than at 64), where the bank is 32 KiB in a row.
 */
export class AleaBank {
  readonly size: number;
  private readonly state: Float64Array;

  /** One stream per key: the string createUniform() would build (streamKey()). */
  constructor(keys: readonly string[]) {
    this.size = keys.length;
    this.state = new Float64Array(4 * keys.length);
    keys.forEach((key, k) => {
      const s = seedrandom.alea(key, { state: true }).state();
      this.state.set([s.c, s.s0, s.s1, s.s2], 4 * k);
    });
  }

  /** Stream k's next draw in [0, 1): alea's next() (seedrandom lib/alea.js). */
  next(k: number): number {
    const st = this.state;
    const o = 4 * k;
    const t = 2091639 * st[o + 1]! + st[o]! * 2.3283064365386963e-10; // 2^-32
    st[o + 1] = st[o + 2]!;
    st[o + 2] = st[o + 3]!;
    const c = t | 0;
    st[o] = c;
    const r = t - c;
    st[o + 3] = r;
    return r;
  }
}

/** Exponential variate with the given mean (inter-arrival of a Poisson process of rate 1/mean). */
export function exponential(u: Uniform, mean: number): number {
  // 1 - u is in (0, 1], so the log is finite.
  return -Math.log(1 - u()) * mean;
}

/** Integer in [0, n). */
export function uniformInt(u: Uniform, n: number): number {
  return Math.floor(u() * n);
}

/**
 * Vose's alias table over weights w[0..n-1] (non-negative, sum > 0): one draw picks an index with
 * probability w[i] / sum(w) in O(1).
 */
export class AliasTable {
  readonly n: number;
  readonly prob: Float64Array;
  readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new RangeError('AliasTable: no weights');
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`AliasTable: weight ${i} is ${w}`);
      sum += w;
    }
    if (!(sum > 0)) throw new RangeError('AliasTable: weights sum to 0');
    // Only the weights' ratios count. Weights so large that sum x n overflows (orders of
    // [1e308, 1e308, ...] picked order 1 nine times in ten) are first divided by the largest;
    // any other table is built from the weights as given, so its bits never change.
    let div = 1;
    if (!Number.isFinite(sum * n)) {
      div = 0;
      for (let i = 0; i < n; i++) div = Math.max(div, weights[i]!);
      sum = 0;
      for (let i = 0; i < n; i++) sum += weights[i]! / div;
    }
    this.n = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let ns = 0;
    let nl = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = ((weights[i]! / div) * n) / sum;
      if (scaled[i]! < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns]!;
      const l = large[--nl]!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      if (scaled[l]! < 1) small[ns++] = l;
      else large[nl++] = l;
    }
    // What is left is 1 up to rounding.
    while (nl > 0) {
      const l = large[--nl]!;
      this.prob[l] = 1;
      this.alias[l] = l;
    }
    while (ns > 0) {
      const s = small[--ns]!;
      this.prob[s] = 1;
      this.alias[s] = s;
    }
  }

  /** One index, from one uniform draw. */
  sample(u: Uniform): number {
    return this.pick(u());
  }

  /** The index of the uniform draw r in [0, 1). */
  pick(r: number): number {
    const x = r * this.n;
    const i = Math.floor(x);
    return x - i < this.prob[i]! ? i : this.alias[i]!;
  }
}
