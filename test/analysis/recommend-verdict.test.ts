import { describe, expect, it } from 'vitest';
import { flushCostByPreset } from '../../src/analysis/recommend-costs.js';
import { recommendationFile, recommendWithIntervals, withZeroingScaled } from '../../src/analysis/recommend-verdict.js';

const TARGETS = { maxFallbackRate: 0.01, maxFlushCostFraction: 0.01 };
/** molnar-2015's __flush_tlb_all() in cycles (src/analysis/costs/presets.ts). */
const MOLNAR_FLUSH_ALL = 192;
const FLUSHES = 100;

/**
 * A results row whose flush cost under molnar-2015 is `cost`: 100 full flushes and no other TLB
 * work, so cost = 100·192 / (100·192 + work) and work = 100·192·(1 - cost) / cost.
 */
function row(cpus: number, R: number, slots: number, fallback: number, cost: number): Record<string, unknown> {
  const flush = FLUSHES * MOLNAR_FLUSH_ALL;
  return {
    possibleCpus: cpus,
    variant: 'rfc-v1',
    regionPages: R,
    slots,
    costModel: 'molnar-2015',
    fastPathFailuresPerAllocation: fallback,
    costOverheadFraction: flush / (flush + (flush * (1 - cost)) / cost),
    pageTablesBytesPerMm: 8192,
    gets: 10_000,
    invlpgs: 0,
    tlbFullFlushes: FLUSHES,
    machineCr3Flushes: 0,
    costRefillWalks: 0,
    machineShootdowns: 0,
    machineIpis: 0,
    workCycles: (flush * (1 - cost)) / cost,
    costFlushCycles: flush,
    // no slow path: the cost is the flushes' alone
    fastPathFailures: 0,
    fallbackPages: 0,
    slowPathPteWrites: 0,
    slowPathLockAcquisitions: 0,
  };
}

const rows = [
  // 4 CPUs: 256 pages fails the fallback target; 512 meets with its upper bounds
  // (fallback 0.5 % + 4.303 · 0.1 % / √3 = 0.748 %, cost 0.3 % + 0.248 % = 0.548 %)
  ...[0.02, 0.03, 0.025].map((fb) => row(4, 256, 2, fb, 0.002)),
  ...[0.004, 0.005, 0.006].map((fb, i) => row(4, 512, 2, fb, [0.002, 0.003, 0.004][i]!)),
  ...[0.004, 0.005, 0.006].map((fb, i) => row(4, 1024, 2, fb, [0.0001, 0.00012, 0.00008][i]!)),
  // 16 CPUs: the two replicates, 1.16 % and 0.82 %: the mean 0.99 % is under 1 %, the
  // interval [-1.17 %, 3.15 %] is not
  row(16, 512, 2, 0.0116, 0.005),
  row(16, 512, 2, 0.0082, 0.005),
  // 64 CPUs: nothing under the fallback target
  ...[0.02, 0.021].map((fb) => row(64, 512, 2, fb, 0.001)),
];

describe('recommendWithIntervals', () => {
  const recs = recommendWithIntervals(rows, TARGETS);

  it('meets: the smallest region whose upper bounds are under both targets', () => {
    const r = recs.find((x) => x.cpus === 4)!;
    expect(r).toMatchObject({
      variant: 'rfc-v1',
      regionPages: 512,
      slots: 2,
      verdict: 'meets',
      replicatesToSettle: null,
    });
    expect(r.fallbackRate!.mean).toBeCloseTo(0.005, 12);
    expect(r.fallbackRate!.n).toBe(3);
    expect(r.fallbackRate!.ci95![1]).toBeCloseTo(0.005 + (4.302652729749 * 0.001) / Math.sqrt(3), 9);
    expect(r.flushCostFraction!.mean).toBeCloseTo(0.003, 12);
    expect(r.pageTableBytesPerMm).toBe(8192);
  });

  it('within-noise: the mean is under the target, the interval is not, with the replicates to settle it', () => {
    const r = recs.find((x) => x.cpus === 16)!;
    expect(r).toMatchObject({ regionPages: 512, slots: 2, verdict: 'within-noise' });
    expect(r.fallbackRate!.ci95![1]).toBeCloseTo(0.0315005481, 9);
    // least n with 0.0099 + t(n-1) · 0.0024042 / √n < 0.01 (see stats.test.ts)
    expect(r.replicatesToSettle).toBe(2223);
    expect(r.reason).toBe(
      'the means are under the targets but fallback rate 0.99 % [-1.17 %, 3.15 %] reaches 1.00 %; about 2223 replicates would settle it',
    );
  });

  it('none: no point whose means are under both targets', () => {
    const r = recs.find((x) => x.cpus === 64)!;
    expect(r).toMatchObject({ regionPages: null, slots: null, verdict: 'none', fallbackRate: null });
    expect(r.reason).toBe(
      "no grid point's means are under both targets (best fallback rate 2.05 %, best flush cost 0.10 %)",
    );
  });

  it('byCostModel: the region under every preset, from the counters', () => {
    // hansen-2014's flush costs 2283 cycles: 512 pages' 0.3 % becomes 2283·0.003 / (2283·0.003 + 192·0.997) = 3.45 %
    expect(recs.find((x) => x.cpus === 4)!.byCostModel).toEqual({
      low: 512,
      'molnar-2015': 512,
      'hansen-2014': 1024,
      'kernel-tlb-c': 1024,
      high: 1024,
    });
    expect(recs.find((x) => x.cpus === 64)!.byCostModel.low).toBeNull();
    const costs = flushCostByPreset(row(4, 512, 2, 0, 0.003));
    expect(costs['molnar-2015']).toBeCloseTo(0.003, 12);
    expect(costs['hansen-2014']).toBeCloseTo((2283 * 0.003) / (2283 * 0.003 + 192 * 0.997), 12);
    expect(costs.low).toBeCloseTo(0.003 / (2 - 0.003), 12);
  });

  it('byZeroingCycles: the region with the zeroing work halved or doubled', () => {
    // f = T / (T + W); with W doubled, T / (T + 2W) = (f / (1 - f)) / (f / (1 - f) + 2)
    expect(withZeroingScaled(0.01, 2)).toBeCloseTo(1 / 199, 15);
    expect(withZeroingScaled(0.01, 0.5)).toBeCloseTo(2 / 101, 15);
    // 4 CPUs at 512 pages: half the zeroing work makes 0.2 / 0.3 / 0.4 % about 0.4 / 0.6 / 0.8 %,
    // whose upper bound 0.6 % + 4.303 · 0.2 % / √3 = 1.10 % fails: 1024 pages; twice the work meets
    expect(recs.find((x) => x.cpus === 4)!.byZeroingCycles).toEqual({ 'x0.5': 1024, x2: 512 });
    expect(recs.find((x) => x.cpus === 64)!.byZeroingCycles).toEqual({ 'x0.5': null, x2: null });
  });

  it('refuses a row whose cost its preset does not give back', () => {
    expect(() => flushCostByPreset({ ...row(4, 512, 2, 0, 0.003), costOverheadFraction: 0.5 })).toThrow(
      /not what preset 'molnar-2015' gives/,
    );
  });

  it('recommendation.json carries the targets and one row per (CPUs, variant)', () => {
    const file = recommendationFile(rows, TARGETS);
    expect(file.targets).toEqual(TARGETS);
    expect(file.costModel).toBe('molnar-2015');
    expect(file.rows.map((r) => [r.cpus, r.verdict])).toEqual([
      [4, 'meets'],
      [16, 'within-noise'],
      [64, 'none'],
    ]);
  });
});
