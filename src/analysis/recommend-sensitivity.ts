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

/** The chart: region per scenario, a line per case; a missing point is a scenario with no region. */
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
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'scenario', type: 'ordinal', sort: sc.map((s) => s.label), title: 'Cost preset or zeroing work' },
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
