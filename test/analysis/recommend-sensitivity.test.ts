import { describe, expect, it } from 'vitest';
import {
  intervalsChart,
  sensitivityChart,
  sensitivityCounts,
  sensitivityTable,
} from '../../src/analysis/recommend-sensitivity.js';
import type { RegionVerdict } from '../../src/analysis/recommend-verdict.js';

const rec = (cpus: number, region: number | null, byCost: number | null, n: number): RegionVerdict => ({
  cpus,
  variant: 'rfc-v1',
  regionPages: region,
  slots: region === null ? null : 2,
  verdict: region === null ? 'none' : 'meets',
  fallbackRate: region === null ? null : { mean: 0.005, ci95: [0.004, 0.006], n },
  flushCostFraction: region === null ? null : { mean: 0.008, ci95: null, n },
  pageTableBytesPerMm: null,
  replicatesToSettle: null,
  reason: '',
  byCostModel: { low: region, 'molnar-2015': region, high: byCost },
  byZeroingCycles: { 'x0.5': byCost, x2: region },
  byWorkload: null,
});
const recs = [rec(1, 512, 1024, 2), rec(4, 512, 512, 6), rec(16, null, null, 2)];

describe('sensitivity', () => {
  it('counts the cases whose region moves with the cost preset or the zeroing work', () => {
    expect(sensitivityCounts(recs)).toEqual({ costModel: 1, zeroing: 1 });
  });

  it('tables the region per scenario, - where there is none', () => {
    expect(sensitivityTable(recs)).toEqual({
      columns: ['CPUs', 'variant', 'low', 'molnar-2015', 'high', 'zeroing x0.5', 'zeroing x2'],
      rows: [
        ['1', 'rfc-v1', '512', '512', '1024', '1024', '512'],
        ['4', 'rfc-v1', '512', '512', '512', '512', '512'],
        ['16', 'rfc-v1', '-', '-', '-', '-', '-'],
      ],
    });
    expect(sensitivityTable(recs, 'zeroing').columns).toEqual([
      'CPUs',
      'variant',
      'recommended',
      'zeroing x0.5',
      'zeroing x2',
    ]);
    // every (case, scenario), "none" as a row of its own above the largest region
    const chart = sensitivityChart(recs, 'c') as {
      data: { values: Array<Record<string, string>> };
      encoding: { y: { scale: { domain: string[] } }; color: { scale: { domain: string[] } } };
    };
    expect(chart.data.values).toHaveLength(15);
    expect(chart.data.values.slice(0, 5).map((v) => v.region)).toEqual(['512', '512', '1024', '1024', '512']);
    expect(chart.data.values[10]).toEqual({ scenario: 'low', region: 'none', case: '16 CPUs, rfc-v1' });
    expect(chart.encoding.y.scale.domain).toEqual(['none', '1024', '512']);
    expect(chart.encoding.color.scale.domain).toEqual(['1 CPU, rfc-v1', '4 CPUs, rfc-v1', '16 CPUs, rfc-v1']);
  });

  it('charts mean, interval and target in percent, and says n in the caption', () => {
    const spec = intervalsChart(recs, { maxFallbackRate: 0.01, maxFlushCostFraction: 0.01 }, 'cap') as {
      title: { subtitle: string[] };
      data: { values: Array<Record<string, unknown>> };
      layer: Array<{ mark: { type: string } }>;
    };
    expect(spec.title.subtitle).toContain('n = 2 to 6 runs per point');
    expect(spec.layer.map((l) => l.mark.type)).toEqual(['errorbar', 'point', 'tick']);
    expect(spec.data.values[0]).toEqual({
      case: '1 CPU, rfc-v1, R 512',
      metric: 'fallback rate',
      mean: 0.5,
      lo: 0.4,
      hi: 0.6,
      n: 2,
      target: 1,
    });
    // without an interval the bar collapses to the mean
    expect(spec.data.values[1]).toMatchObject({ metric: 'flush cost', mean: 0.8, lo: 0.8, hi: 0.8 });
  });
});
