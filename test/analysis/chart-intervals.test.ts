import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import {
  failureRateChart,
  flushCostChart,
  flushFrequencyChart,
  wastedVaByRegionChart,
} from '../../src/analysis/charts/index.js';

type Spec = Record<string, unknown>;
type Layer = { mark: { type: string }; encoding: Record<string, { field?: string; aggregate?: string }> };

/** Three replicates of one grid point and a single run of another. */
const rows = [
  ...[0.004, 0.005, 0.006].map((v, seed) => ({
    variant: 'rfc-v1',
    possibleCpus: 4,
    regionPages: 64,
    slots: 2,
    seed,
    fastPathFailuresPerAllocation: v,
    failureRate: v,
    flushesPerAllocation: v,
    costOverheadFraction: v,
    wastedVaMeanFraction: v,
  })),
  {
    variant: 'rfc-v1',
    possibleCpus: 4,
    regionPages: 512,
    slots: 2,
    seed: 0,
    fastPathFailuresPerAllocation: 0.001,
    failureRate: 0.001,
    flushesPerAllocation: 0.001,
    costOverheadFraction: 0.001,
    wastedVaMeanFraction: 0.001,
  },
];
// mean 0.5 %, sd 0.1 %, t(0.975, 2) = 4.302653: half = 4.302653 · 0.1 / √3 = 0.248414 (in %)
const HALF_PCT = (4.302652729911275 * 0.1) / Math.sqrt(3);

describe('error bars on the charts against region size', () => {
  const charts: Array<[string, Spec, number]> = [
    ['fallback rate', failureRateChart(rows, 'cap', { y: 'fastPathFailuresPerAllocation' }), 100],
    ['get failure rate', failureRateChart(rows, 'cap'), 100],
    ['flush cost', flushCostChart(rows, 'cap', { cpuField: 'possibleCpus' }), 100],
    ['wasted VA', wastedVaByRegionChart(rows, 'cap'), 100],
    ['flush frequency', flushFrequencyChart(rows, 'cap', { cpuField: 'possibleCpus' }), 1],
  ];

  it.each(charts)(
    '%s: each row carries its grid point interval, drawn as a rule from min lo to max hi',
    (_, spec, scale) => {
      const values = (spec.data as { values: Spec[] }).values;
      expect(values).toHaveLength(4);
      const at64 = values.filter((v) => v.regionPages === 64);
      for (const v of at64) {
        expect(v.ciN).toBe(3);
        expect(v.ciLo as number).toBeCloseTo(((0.5 - HALF_PCT) * scale) / 100, 9);
        expect(v.ciHi as number).toBeCloseTo(((0.5 + HALF_PCT) * scale) / 100, 9);
      }
      // one run: no interval, the bar collapses onto its value
      const at512 = values.find((v) => v.regionPages === 512)!;
      expect(at512).toMatchObject({ ciN: 1, ciLo: 0.001 * scale, ciHi: 0.001 * scale });
      const layers = spec.layer as Layer[];
      expect(layers.map((l) => l.mark.type)).toEqual(['line', 'rule']);
      expect(layers[1]!.encoding.y).toMatchObject({ field: 'ciLo', aggregate: 'min' });
      expect(layers[1]!.encoding.y2).toMatchObject({ field: 'ciHi', aggregate: 'max' });
      expect((spec.title as { subtitle: string[] }).subtitle).toContain(
        "Bars: 95 % interval of each grid point's mean (Student t, n = 1 to 3 runs per grid point), spanning every grid point a mark pools.",
      );
      expect(() => compile(spec as never)).not.toThrow();
    },
  );

  it('a grid point is told apart by every label and grid-path column, never by its seed', () => {
    const two = [
      ...rows.slice(0, 3),
      ...rows.slice(0, 3).map((r) => ({ ...r, 'workload.ratePerCpuHz': 40_000, failureRate: r.failureRate * 2 })),
    ].map((r) => ({ 'workload.ratePerCpuHz': 20_000, ...r }));
    const values = (failureRateChart(two, 'cap').data as { values: Spec[] }).values;
    expect(values.map((v) => v.ciN)).toEqual([3, 3, 3, 3, 3, 3]);
    expect(values[3]!.ciLo as number).toBeCloseTo(2 * (0.5 - HALF_PCT), 9);
  });

  it('cuts an interval below zero at zero when no run is negative, and ticks every region', () => {
    // 0.001 and 0.011: mean 0.6 %, sd 0.7071 %, half = 12.706205 · 0.7071 / √2 = 6.3531 %
    const wide = [0.001, 0.011].map((v, seed) => ({ ...rows[0]!, seed, failureRate: v }));
    const neg = [-0.001, 0.011].map((v, seed) => ({ ...rows[0]!, seed, failureRate: v }));
    const lo = (rs: Spec[]) => (failureRateChart(rs, 'cap').data as { values: Spec[] }).values[0]!.ciLo as number;
    expect(lo(wide)).toBe(0);
    // a run below zero: the quantity can be negative, the bound stays
    expect(lo(neg)).toBeCloseTo(0.5 - (12.706204736174698 * 0.848528137423857) / Math.sqrt(2), 9);
    const spec = failureRateChart([...rows, { ...rows[3]!, regionPages: 4096 }], 'cap');
    const x = (spec.encoding as { x: { axis: { values: number[]; labelFlush: boolean } } }).x;
    expect(x.axis).toEqual({ values: [64, 512, 4096], labelFlush: false });
  });

  it('draws no bars when no grid point has replicates', () => {
    const spec = failureRateChart(rows.slice(3), 'cap');
    expect((spec.layer as Layer[]).map((l) => l.mark.type)).toEqual(['line']);
    expect((spec.title as { subtitle: string[] }).subtitle).toEqual(['cap']);
  });
});
