/**
 * Sensitivity of the recommendation: the region each case gets under every cost-model preset
 * and with the zeroing work per page halved or doubled, as scenarios (a table and a chart).
 * The allocation rate and the order mix change what the simulation does, so they need runs of
 * their own (a sweep over workload.* fields), not a recomputation; they are not here.
 */
import { chartSpec, type Spec } from './charts/common.js';
import type { RegionVerdict } from './recommend-verdict.js';

export interface Scenario {
  /** column label: the preset's name, or `zeroing x2` */
  label: string;
  region: (r: RegionVerdict) => number | null;
}

/** The scenarios in display order: each cost preset, then each zeroing factor. */
export function scenarios(recs: readonly RegionVerdict[]): Scenario[] {
  const first = recs[0];
  if (first === undefined) return [];
  return [
    ...Object.keys(first.byCostModel).map((p) => ({
      label: p,
      region: (r: RegionVerdict) => r.byCostModel[p] ?? null,
    })),
    ...Object.keys(first.byZeroingCycles).map((k) => ({
      label: `zeroing ${k}`,
      region: (r: RegionVerdict) => r.byZeroingCycles[k] ?? null,
    })),
  ];
}

/** How many cases change region when the cost preset, or the zeroing work, changes. */
export function sensitivityCounts(recs: readonly RegionVerdict[]): { costModel: number; zeroing: number } {
  const varies = (values: Array<number | null>) => new Set(values).size > 1;
  return {
    costModel: recs.filter((r) => varies(Object.values(r.byCostModel))).length,
    zeroing: recs.filter((r) => varies([r.regionPages, ...Object.values(r.byZeroingCycles)])).length,
  };
}

/**
 * One row per case, one column per scenario (`-`: no region under it); `only` keeps the cost
 * presets ('cost') or the zeroing factors ('zeroing', after the recommended region).
 */
export function sensitivityTable(
  recs: readonly RegionVerdict[],
  only?: 'cost' | 'zeroing',
): { columns: string[]; rows: string[][] } {
  const all = scenarios(recs);
  const zeroing = (s: Scenario) => s.label.startsWith('zeroing ');
  const sc = only === undefined ? all : all.filter((s) => (only === 'zeroing') === zeroing(s));
  if (only === 'zeroing') {
    return {
      columns: ['CPUs', 'variant', 'recommended', ...sc.map((s) => s.label)],
      rows: recs.map((r) => [
        String(r.cpus),
        r.variant,
        String(r.regionPages ?? '-'),
        ...sc.map((s) => String(s.region(r) ?? '-')),
      ]),
    };
  }
  return {
    columns: ['CPUs', 'variant', ...sc.map((s) => s.label)],
    rows: recs.map((r) => [String(r.cpus), r.variant, ...sc.map((s) => String(s.region(r) ?? '-'))]),
  };
}

/** The chart: region per scenario, one point per case side by side; none where a scenario has no region. */
export function sensitivityChart(recs: readonly RegionVerdict[], caption: string): Spec {
  const sc = scenarios(recs);
  const values = recs.flatMap((r) =>
    sc.flatMap((s) => {
      const region = s.region(r);
      return region === null ? [] : [{ scenario: s.label, regionPages: region, case: `${r.cpus} CPUs, ${r.variant}` }];
    }),
  );
  return chartSpec('Recommended region under each cost assumption', caption, {
    data: { values },
    mark: { type: 'point', filled: true, size: 60 },
    encoding: {
      x: { field: 'scenario', type: 'ordinal', sort: sc.map((s) => s.label), title: 'Cost preset or zeroing work' },
      xOffset: { field: 'case', type: 'nominal', sort: null },
      y: { field: 'regionPages', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'Region R (pages)' },
      color: { field: 'case', type: 'nominal', title: 'Case' },
      tooltip: [
        { field: 'case', type: 'nominal' },
        { field: 'scenario', type: 'ordinal' },
        { field: 'regionPages', type: 'quantitative', title: 'R (pages)' },
      ],
    },
    width: 420,
    height: 240,
  });
}

/**
 * The two metrics at each case's recommended region: the mean (a point), the 95 % interval (an
 * error bar) and the target (a tick), in percent; the caption says n.
 */
export function intervalsChart(
  recs: readonly RegionVerdict[],
  targets: { maxFallbackRate: number; maxFlushCostFraction: number },
  caption: string,
): Spec {
  const values = recs.flatMap((r) =>
    (
      [
        ['fallback rate', r.fallbackRate, targets.maxFallbackRate],
        ['flush cost', r.flushCostFraction, targets.maxFlushCostFraction],
      ] as const
    ).flatMap(([metric, e, target]) =>
      e === null
        ? []
        : [
            {
              case: `${r.cpus} CPUs, ${r.variant}, R ${r.regionPages}`,
              metric,
              mean: e.mean * 100,
              lo: (e.ci95?.[0] ?? e.mean) * 100,
              hi: (e.ci95?.[1] ?? e.mean) * 100,
              n: e.n,
              target: target * 100,
            },
          ],
    ),
  );
  const ns = [...new Set(values.map((v) => v.n))].sort((a, b) => a - b);
  const nText =
    ns.length === 0 ? '' : `n = ${ns.length === 1 ? ns[0] : `${ns[0]} to ${ns[ns.length - 1]}`} runs per point`;
  const x = {
    field: 'case',
    type: 'nominal',
    sort: null,
    title: 'Case (recommended region)',
    axis: { labelLimit: 240 },
  };
  const y = { type: 'quantitative', title: 'Percent (mean, 95 % interval, target)' };
  return chartSpec(
    'Fallback rate and flush cost at the recommended regions, with 95 % intervals',
    caption,
    {
      data: { values },
      encoding: {
        x,
        xOffset: { field: 'metric', type: 'nominal' },
        color: { field: 'metric', type: 'nominal', title: 'Metric' },
      },
      layer: [
        { mark: { type: 'errorbar', ticks: true }, encoding: { y: { ...y, field: 'lo' }, y2: { field: 'hi' } } },
        {
          mark: { type: 'point', filled: true },
          encoding: {
            y: { ...y, field: 'mean' },
            tooltip: [
              { field: 'case', type: 'nominal' },
              { field: 'metric', type: 'nominal' },
              { field: 'mean', type: 'quantitative', format: '.3f', title: 'mean %' },
              { field: 'lo', type: 'quantitative', format: '.3f', title: '95 % low %' },
              { field: 'hi', type: 'quantitative', format: '.3f', title: '95 % high %' },
              { field: 'n', type: 'quantitative' },
            ],
          },
        },
        { mark: { type: 'tick', thickness: 1, strokeDash: [4, 2] }, encoding: { y: { ...y, field: 'target' } } },
      ],
      width: 480,
      height: 240,
    },
    nText === '' ? [] : [nText],
  );
}
