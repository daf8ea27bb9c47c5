/**
 * The collector's counters as plain data: per online CPU and per mm typed arrays, the run totals
 * and the run's span. RunMetrics (run-metrics.ts) updates them per event; summarize.ts and rows.ts
 * read them.
 */

/** a / b, 0 when b is not positive (docs/metrics.md: ratios are 0 when their denominator is 0) */
export const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

export function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/** Counters of each online CPU (index = CPU). */
export class CpuCounters {
  readonly gets: Float64Array;
  readonly getsOk: Float64Array;
  readonly reserved: Float64Array;
  readonly puts: Float64Array;
  readonly fails: Float64Array;
  readonly flushes: Float64Array;
  readonly invlpgs: Float64Array;
  /** gets since the CPU's previous flush (the open interval) */
  readonly since: Float64Array;
  /** recorded gets-between-flushes intervals, their sum and maximum */
  readonly intervals: Float64Array;
  readonly intervalSum: Float64Array;
  readonly intervalMax: Float64Array;
  readonly fastFail: Float64Array;
  readonly fallback: Float64Array;

  constructor(cpus: number) {
    // one array per counter, in the order of the fields above
    [
      this.gets,
      this.getsOk,
      this.reserved,
      this.puts,
      this.fails,
      this.flushes,
      this.invlpgs,
      this.since,
      this.intervals,
      this.intervalSum,
      this.intervalMax,
      this.fastFail,
      this.fallback,
    ] = Array.from({ length: 13 }, () => new Float64Array(cpus));
  }

  /**
   * A full flush of `cpu`: the gets since its previous one close an interval. Returns that
   * interval's gets (for the histogram).
   */
  closeInterval(cpu: number): number {
    const g = this.since[cpu];
    this.flushes[cpu]++;
    this.intervals[cpu]++;
    this.intervalSum[cpu] += g;
    if (g > this.intervalMax[cpu]) this.intervalMax[cpu] = g;
    this.since[cpu] = 0;
    return g;
  }
}

/** Counters of each mm (index = mm), grown when the Machine gets a new mm. */
export class MmCounters {
  gets = new Float64Array(0);
  getsOk = new Float64Array(0);
  puts = new Float64Array(0);
  fails = new Float64Array(0);

  get length(): number {
    return this.gets.length;
  }

  /** Grow every array to `cap` entries (keeping the counts). */
  grow(cap: number): void {
    if (cap <= this.gets.length) return;
    const g = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.gets = g(this.gets);
    this.getsOk = g(this.getsOk);
    this.puts = g(this.puts);
    this.fails = g(this.fails);
  }
}

/** Run totals since the collector was built. */
export interface RunTotals {
  /** tick() calls */
  events: number;
  gets: number;
  fails: number;
  /** reserved gets, successful and failed */
  reservedGets: number;
  reservedFails: number;
  flushes: number;
  invlpgs: number;
  fastPathFailures: number;
  fallbackPages: number;
  workCycles: number;
  zeroedPages: number;
  allocations: number;
}

/** Every total at 0. */
export function newRunTotals(): RunTotals {
  return {
    events: 0,
    gets: 0,
    fails: 0,
    reservedGets: 0,
    reservedFails: 0,
    flushes: 0,
    invlpgs: 0,
    fastPathFailures: 0,
    fallbackPages: 0,
    workCycles: 0,
    zeroedPages: 0,
    allocations: 0,
  };
}

/** Where the run started and how far it got (simulated ns and op index). */
export interface RunSpan {
  startNs: number;
  startOp: number;
  nowNs: number;
  nowOp: number;
}

/** 'time' if simulated time advanced, else 'ops' */
export function weightingOf(s: RunSpan): 'time' | 'ops' {
  return s.nowNs > s.startNs ? 'time' : 'ops';
}

/** The span the wasted-VA means divide by: ns when time advanced, else ops. */
export function spanLength(s: RunSpan): number {
  return weightingOf(s) === 'time' ? s.nowNs - s.startNs : s.nowOp - s.startOp;
}
