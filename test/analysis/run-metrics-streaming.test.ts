import { describe, expect, it } from 'vitest';
import { resolveCostModel } from '../../src/analysis/cost-models.js';
import { RegionTimeline } from '../../src/analysis/metrics/region-timeline.js';
import { RunMetrics } from '../../src/analysis/metrics/run-metrics.js';
import { Driven, tightLoop } from './helpers.js';

describe('streaming: bounded memory, fixed step', () => {
  it('the time series never passes maxSeriesRows and keeps a fixed step from 0', () => {
    const d = tightLoop(1000, { sampleEveryOps: 1, maxSeriesRows: 16 });
    d.finish();
    const ts = d.metrics.timeSeriesRows();
    expect(ts.length).toBeLessThanOrEqual(16);
    expect(ts.length).toBeGreaterThanOrEqual(8);
    const step = ts[1].op - ts[0].op;
    expect(ts[0].op).toBe(0);
    ts.forEach((r, i) => expect(r.op).toBe(i * step));
    expect(d.metrics.seriesStep()).toMatchObject({ step, unit: 'ops' });
    // cumulative counters at the sample points; interval rates from consecutive rows
    expect(ts[ts.length - 1].gets).toBe(Math.floor(((ts.length - 1) * step + 1) / 2));
  });

  it('time steps: rows at multiples of sampleEveryNs, flush rate per interval', () => {
    const d = tightLoop(2044, { sampleEveryNs: 10_000 }, 10); // 4,088 events, 10 ns apart
    const s = d.finish();
    const ts = d.metrics.timeSeriesRows();
    expect(ts.map((r) => r.timeNs)).toEqual([0, 10_000, 20_000, 30_000, 40_000]);
    expect(ts.reduce((n, r) => n + r.intervalFlushes, 0)).toBe(s.flushes);
    expect(ts[1].timeMs).toBe(0.01);
  });

  it('a warm-up before the collector is built is not counted', () => {
    const d = tightLoop(600); // one flush during the "warm-up"
    const m = d.machine;
    const later = new RunMetrics(m, { costModel: resolveCostModel() });
    const s = later.finish(0, d.op);
    expect(s.flushes).toBe(0);
    expect(s.tlb.fullFlushes).toBe(0);
    expect(s.allocatorFlushes).toBe(0);
    expect(s.gets).toBe(0);
    later.detach();
  });

  it('finish() is idempotent and the summary is plain JSON', () => {
    const d = tightLoop(10);
    const s1 = d.finish();
    const s2 = d.metrics.finish(d.op, d.op);
    expect(s2).toBe(s1);
    expect(JSON.parse(JSON.stringify(s1))).toEqual(s1);
  });

  it('a long run: the series, the timeline and the histogram stay bounded', () => {
    const d = tightLoop(20_000, { sampleEveryOps: 1, regionTimeline: { mm: 0, cpu: 0, maxSteps: 50 } });
    const s = d.finish();
    expect(d.metrics.timeSeriesRows().length).toBeLessThanOrEqual(2000);
    expect(d.metrics.seriesStep().halvings).toBeGreaterThan(0);
    const tl = d.metrics.regionTimelineRows();
    expect(new Set(tl.map((r) => r.step)).size).toBe(50);
    expect(d.metrics.regionTimelineDroppedSteps()).toBe(40_000 - 50);
    // 20,000 gets: flushes at gets 512, 1023, ... (every 511): 39 of them
    expect(s.getsBetweenFlushes).toMatchObject({ count: 39, mean: 511, p99: 511 });
  });

  it('without a time series: no rows, no sampling, the step as configured', () => {
    const d = tightLoop(1000, { sampleEveryOps: 4, timeSeries: false });
    d.finish();
    expect(d.metrics.timeSeriesRows()).toEqual([]);
    expect(d.metrics.seriesStep()).toEqual({ step: 4, unit: 'ops', halvings: 0 });
  });

  it('a region timeline of a CPU that is not online, or of no mm, is refused by name', () => {
    const make = (regionTimeline: { mm: number; cpu: number }) => () =>
      new Driven({ possibleCpus: 4, onlineCpus: 2, tlb: 'tiny' }, { regionTimeline });
    expect(make({ mm: 0, cpu: 2 })).toThrow(new RangeError('regionTimeline.cpu 2 is not an online CPU (0..1)'));
    expect(make({ mm: -1, cpu: 0 })).toThrow(new RangeError('regionTimeline.mm must be a whole number >= 0, got -1'));
    expect(make({ mm: 0, cpu: 1 })).not.toThrow();
  });

  it('a timeline made by hand (a notebook) needs no CPU count, only whole numbers', () => {
    expect(new RegionTimeline(64, { mm: 0, cpu: 3 }).cpu).toBe(3);
    expect(() => new RegionTimeline(64, { mm: 0, cpu: -1 })).toThrow(
      new RangeError('regionTimeline.cpu must be a whole number >= 0, got -1'),
    );
  });

  it('large regions are drawn in bands: at most maxBands bands per step', () => {
    const d = new Driven(
      { possibleCpus: 1, regionPages: 4096, tlb: 'tiny' },
      { regionTimeline: { mm: 0, cpu: 0, maxBands: 64 } },
    );
    const t = d.machine.createTask(d.machine.createMm(), 0);
    const h = d.step((m) => m.mermapGet(t, 100, 0x100)); // pages 0..99: bands 0 (0..63) and 1 (64..127)
    d.step((m) => m.mermapGet(t, 1, 0x200)); //              page 100: band 1
    d.step((m) => m.mermapPut(t, h)); //                     band 0 pending, band 1 allocated (100 is live)
    d.finish();
    const rows = d.metrics.regionTimelineRows().filter((r) => r.step === 2);
    expect(rows.map((r) => [r.page, r.pageEnd, r.state])).toEqual([
      [0, 64, 'flush-pending'],
      [64, 128, 'allocated'],
      [128, 4096, 'free'],
    ]);
  });
});
