import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VARIANTS } from '../../src/core/allocators.js';
import { Replayer } from '../../src/core/replay.js';
import { resolveCostModel } from '../../src/analysis/cost-models.js';
import { RunMetrics } from '../../src/analysis/metrics/run-metrics.js';
import { readOps } from '../core/helpers.js';
import { replayScript, scriptStep } from './helpers.js';

/**
 * The diagram in mermap_alloc()'s comment, on R = 16 (15 normal pages + the reserve page).
 * Denominator: R = 16, the whole region. After each op (live / flush-pending above the top live
 * allocation / pinned below it / free):
 *
 *   op  event             diagram               live  reclaimable  pinned  wasted = recl. + pinned
 *   0   get 4             AaaA___________|_     4     0            0       0
 *   1   put a             TttT___________|_     0     4            0       4
 *   2   get 9             TttTAaaaaaaaA__|_     9     0            4       4
 *   3   get 2             TttTAaaaaaaaAAA|_     11    0            4       4
 *   4   put b             TttTTtttttttTAA|_     2     0            13      13
 *   5   get 1 fails       TttTTtttttttTAA|_     2     0            13      13
 *   6   put c             TttTTtttttttTTT|_     0     15           0       15
 *   7   get 2 (flush)     AA_____________|_     2     0            0       0
 *
 * Op-weighted (each state holds one op): wasted 53/128, pinned 34/128, reclaimable 19/128,
 * live 30/128; peak 15/16.
 */
describe('wasted VA on the seed diagram (R = 16)', () => {
  const WASTED = [0, 4, 4, 4, 13, 13, 15, 0];

  function seed(times?: number[]): { r: Replayer; metrics: RunMetrics } {
    const r = new Replayer({ possibleCpus: 1, regionPages: 16, variant: 'rfc-v1', tlb: 'tiny' });
    const metrics = new RunMetrics(r.machine, {
      costModel: resolveCostModel(),
      sampleEveryOps: 1,
      regionTimeline: { mm: 0, cpu: 0 },
    });
    readOps('seed-diagram.jsonl').forEach((op, i) => {
      const ns = times ? times[i] : 0;
      r.machine.clock.ns = ns;
      metrics.tick(ns, i);
      r.apply(op);
      expect(metrics.wastedFractionNow(0, 0)).toBe(WASTED[i] / 16);
    });
    return { r, metrics };
  }

  it('the fraction after every step, and op-weighted means when time does not advance', () => {
    const { metrics } = seed();
    const s = metrics.finish(0, 8);
    expect(s.wastedVa).toEqual({
      meanFraction: 53 / 128,
      peakFraction: 15 / 16,
      meanReclaimableFraction: 19 / 128,
      meanPinnedFraction: 34 / 128,
      meanLiveFraction: 30 / 128,
      weighting: 'ops',
      activeRegions: 1,
      regionPages: 16,
    });
    // the failed get saw 2 live pages, 13 pinned, nothing reclaimable, and only the reserve page free
    expect(s.failureStates).toEqual({
      count: 1,
      meanLive: 2,
      meanPending: 0,
      meanPinned: 13,
      meanFree: 1,
      meanRequestPages: 1,
    });
    expect(s.failures.no_space).toBe(1);
    expect(s.flushes).toBe(1);
    // the time series, one row per op: the state before each op, then the end state
    const ts = metrics.timeSeriesRows();
    expect(ts.map((r) => r.op)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ts.map((r) => r.wastedFraction * 16)).toEqual([0, ...WASTED]);
    expect(ts.map((r) => r.wastedMeanFraction * 16)).toEqual([0, ...WASTED]);
    expect(ts.map((r) => r.pinnedFraction * 16)).toEqual([0, 0, 0, 4, 4, 13, 13, 0, 0]);
  });

  it('time-weighted when simulated time advances', () => {
    // event i at times[i]; the state after event i holds until event i+1 (the last until 360)
    const times = [0, 10, 30, 60, 100, 150, 210, 280];
    const { metrics } = seed(times);
    const s = metrics.finish(360, 8);
    // dt = 10, 20, ..., 80: 4*20 + 4*30 + 4*40 + 13*50 + 13*60 + 15*70 = 2,840 page-ns over 16 x 360
    expect(s.wastedVa.weighting).toBe('time');
    expect(s.wastedVa.meanFraction).toBeCloseTo(2840 / (16 * 360), 14);
    expect(s.wastedVa.peakFraction).toBe(15 / 16);
    expect(metrics.perCpuRows()[0].wastedVaMeanFraction).toBeCloseTo(2840 / (16 * 360), 14);
    expect(metrics.perMmRows()[0].wastedVaMeanFraction).toBeCloseTo(2840 / (16 * 360), 14);
  });

  it('the region timeline draws the diagram: one step per op, runs of pages by state', () => {
    const { metrics } = seed();
    metrics.finish(0, 8);
    const rows = metrics.regionTimelineRows();
    // back to one character per page: A allocated, T flush-pending, _ free (reserve page included)
    const text: string[] = [];
    for (const r of rows) {
      const c = r.state === 'allocated' ? 'A' : r.state === 'flush-pending' ? 'T' : '_';
      text[r.step] = (text[r.step] ?? '') + c.repeat(r.pageEnd - r.page);
    }
    expect(text).toEqual([
      'AAAA____________',
      'TTTT____________',
      'TTTTAAAAAAAAA___',
      'TTTTAAAAAAAAAAA_',
      'TTTTTTTTTTTTTAA_',
      'TTTTTTTTTTTTTAA_',
      'TTTTTTTTTTTTTTT_',
      'AA______________',
    ]);
    expect(rows.map((r) => r.op).filter((op, i, a) => a.indexOf(op) === i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

/**
 * vmap-block with vmapLazyPages = 4 on R = 16 (blocks of 4 pages): a put that takes the lazy
 * count past 4 purges both lazy blocks at once, after the put itself (vb_free() then
 * purge_vmap_area_lazy()). The region's wasted pages after each op, ops 10 ns apart, the run
 * closed at 100 ns:
 *
 *   op  t    event            block 0   block 1   wasted
 *   0   0    get a 4          live      -         0
 *   1   10   put a            lazy      -         4
 *   2   20   get b 4          lazy      live      4
 *   3   30   put b (purge)    unused    unused    0      (8 for an instant, before the purge)
 *
 * Time-weighted: (4 x 10 + 4 x 10) / (16 x 100) = 0.05. Peak: the instant before the purge, 8/16.
 */
describe('wasted VA across a purge that follows a put (vmap-block)', () => {
  it('reads the region again after the purge, not only at the put', () => {
    const r = new Replayer({
      possibleCpus: 1,
      regionPages: 16,
      variant: 'vmap-block',
      tlb: 'tiny',
      allocatorOptions: { vmapLazyPages: 4 },
    });
    const metrics = new RunMetrics(r.machine, { costModel: resolveCostModel() });
    // a second observer beside the collector: the machine tells both (combineObservers)
    const changes: string[] = [];
    r.machine.addObserver({
      onRegionChange: (cpu, mm) => changes.push(`op ${r.machine.clock.op}: cpu ${cpu} mm ${mm}`),
    });
    const ops = [
      { op: 'get', cpu: 0, pages: 4, tag: 'a', reserved: false, prot: 'noglobal' },
      { op: 'put', tag: 'a' },
      { op: 'get', cpu: 0, pages: 4, tag: 'b', reserved: false, prot: 'noglobal' },
      { op: 'put', tag: 'b' },
    ] as const;
    const after: number[] = [];
    ops.forEach((op, i) => {
      r.machine.clock.ns = i * 10;
      r.machine.clock.op = i;
      metrics.tick(i * 10, i);
      expect(r.apply(op).ok).toBe(true);
      after.push(metrics.wastedFractionNow(0, 0) * 16);
    });
    expect(after).toEqual([0, 4, 4, 0]);
    expect(changes).toEqual(['op 3: cpu 0 mm 0']);
    const s = metrics.finish(100, 4);
    expect([s.wastedVa.meanFraction, s.wastedVa.peakFraction, s.wastedVa.weighting]).toEqual([0.05, 8 / 16, 'time']);
  });
});

/**
 * The collector's reading of every region is the allocator's after every op, whatever the
 * variant: random get/put scripts on 2 CPUs, R = 16, vmap-block's lazy threshold low enough for
 * puts to purge. (A region the collector reads at the wrong moment keeps a stale value until its
 * next get or put: what the vmap-block case above was.)
 */
describe('wasted VA tracks regionUsage() after every op, every variant', () => {
  for (const variant of VARIANTS) {
    it(variant, () => {
      const u = new Float64Array(4);
      fc.assert(
        fc.property(fc.array(scriptStep, { maxLength: 60 }), (script) => {
          replayScript(variant, script, (r, metrics) => {
            for (let c = 0; c < 2; c++) {
              r.machine.allocator(0).regionUsage(c, u);
              expect(metrics.wastedFractionNow(0, c) * 16).toBe(u[1] + u[2]);
            }
          });
        }),
        { seed: 19, numRuns: 60 },
      );
    });
  }
});
