/**
 * Sensitivity of the recommendation: the region each case gets under every cost-model preset
 * and with the zeroing work per page halved or doubled (recomputed from the same runs), and in
 * each workload scenario (runs of their own: the allocation rate and the order mix change what
 * the simulation does), as a table and a chart.
 */
import { chartSpec, type Spec } from './charts/common.js';
import { caseName, type RegionVerdict, type WorkloadScenarios } from './recommend-verdict.js';
import { assumptionOf, BASE_SCENARIO } from './scenarios.js';

export interface Scenario {
  /** column label: the preset's name, `zeroing x2`, or the workload scenario's name */
  label: string;
  kind: 'cost' | 'zeroing' | 'workload';
  /** the region; null: none meets the targets; undefined: the scenario did not run this case */
  region: (r: RegionVerdict) => number | null | undefined;
}

/** The workload scenarios' names of the rows, base left out, in their order. */
function workloadNames(recs: readonly RegionVerdict[]): string[] {
  const names = new Set<string>();
  for (const r of recs) for (const k of Object.keys(r.byWorkload ?? {})) if (k !== BASE_SCENARIO) names.add(k);
  return [...names];
}

/** The scenarios in display order: each cost preset, each zeroing factor, each workload scenario. */
export function scenarios(recs: readonly RegionVerdict[]): Scenario[] {
  const first = recs[0];
  if (first === undefined) return [];
  return [
    ...Object.keys(first.byCostModel).map((p) => ({
      label: p,
      kind: 'cost' as const,
      region: (r: RegionVerdict) => r.byCostModel[p] ?? null,
    })),
    ...Object.keys(first.byZeroingCycles).map((k) => ({
      label: `zeroing ${k}`,
      kind: 'zeroing' as const,
      region: (r: RegionVerdict) => r.byZeroingCycles[k] ?? null,
    })),
    ...workloadNames(recs).map((name) => ({
      label: name,
      kind: 'workload' as const,
      region: (r: RegionVerdict) => (r.byWorkload === null ? undefined : (r.byWorkload[name] ?? null)),
    })),
  ];
}

/** One workload assumption and how often moving it moves the region. */
export interface AssumptionEffect {
  /** `allocation rate`, `order mix`, or the config paths a scenario sets */
  assumption: string;
  scenarios: string[];
  /** cases the scenarios ran, and those whose region differs from the base in some scenario */
  cases: number;
  changed: number;
}

/**
 * The workload assumptions the scenarios vary, in the order first seen, each with the cases
 * whose region moves. `defs` (recommendation.json's workloadScenarios) says what each scenario
 * sets; without it each scenario is its own assumption.
 */
export function workloadEffects(recs: readonly RegionVerdict[], defs?: WorkloadScenarios): AssumptionEffect[] {
  const groups = new Map<string, string[]>();
  for (const name of workloadNames(recs)) {
    const what = defs?.[name] === undefined ? name : assumptionOf(Object.keys(defs[name]!));
    groups.set(what, [...(groups.get(what) ?? []), name]);
  }
  const ran = recs.filter((r) => r.byWorkload !== null);
  return [...groups].map(([assumption, names]) => ({
    assumption,
    scenarios: names,
    cases: ran.length,
    changed: ran.filter((r) => names.some((n) => (r.byWorkload![n] ?? null) !== r.regionPages)).length,
  }));
}

/** How many cases change region when the cost preset, or the zeroing work, changes. */
export function sensitivityCounts(recs: readonly RegionVerdict[]): { costModel: number; zeroing: number } {
  const varies = (values: Array<number | null>) => new Set(values).size > 1;
  return {
    costModel: recs.filter((r) => varies(Object.values(r.byCostModel))).length,
    zeroing: recs.filter((r) => varies([r.regionPages, ...Object.values(r.byZeroingCycles)])).length,
  };
}

/** A table cell: the region, `-` for none, blank where the scenario did not run. */
function cell(region: number | null | undefined): string {
  return region === undefined ? '' : String(region ?? '-');
}

/**
 * One row per case, one column per scenario (`-`: no region under it; blank: the workload
 * scenario did not run the case); `only` keeps the cost presets ('cost'), the zeroing factors
 * ('zeroing') or the workload scenarios ('workload', the cases they ran), the last two after
 * the recommended region.
 */
export function sensitivityTable(
  recs: readonly RegionVerdict[],
  only?: 'cost' | 'zeroing' | 'workload',
): { columns: string[]; rows: string[][] } {
  const all = scenarios(recs);
  const sc = only === undefined ? all : all.filter((s) => s.kind === only);
  if (only === 'zeroing' || only === 'workload') {
    const cases = only === 'workload' ? recs.filter((r) => r.byWorkload !== null) : recs;
    return {
      columns: ['CPUs', 'variant', 'recommended', ...sc.map((s) => s.label)],
      rows: cases.map((r) => [String(r.cpus), r.variant, cell(r.regionPages), ...sc.map((s) => cell(s.region(r)))]),
    };
  }
  return {
    columns: ['CPUs', 'variant', ...sc.map((s) => s.label)],
    rows: recs.map((r) => [String(r.cpus), r.variant, ...sc.map((s) => cell(s.region(r)))]),
  };
}

/** The row of the sensitivity chart for "no region meets the targets". */
export const NONE_ROW = 'none';

/**
 * The chart: region per scenario, one point per case side by side. The region axis is ordinal
 * (the regions that occur, smallest at the bottom) with a row "none" on top, so a scenario under
 * which a case has no region shows as a point there; a workload scenario that did not run a case
 * has no point. Every scenario is on the axis.
 */
export function sensitivityChart(recs: readonly RegionVerdict[], caption: string): Spec {
  const sc = scenarios(recs);
  const values = recs.flatMap((r) =>
    sc.flatMap((s) => {
      const region = s.region(r);
      return region === undefined
        ? []
        : [{ scenario: s.label, region: region === null ? NONE_ROW : String(region), case: caseName(r) }];
    }),
  );
  const regions = [...new Set(values.map((v) => v.region).filter((v) => v !== NONE_ROW))].sort(
    (x, y) => Number(y) - Number(x),
  );
  const workload = workloadNames(recs).length > 0;
  return chartSpec(`Recommended region under each cost${workload ? ' and workload' : ''} assumption`, caption, {
    data: { values },
    mark: { type: 'point', filled: true, size: 60 },
    encoding: {
      x: {
        field: 'scenario',
        type: 'ordinal',
        sort: sc.map((s) => s.label),
        // every scenario on the axis: an empty column is one that ran no case
        scale: { domain: sc.map((s) => s.label) },
        title: `Cost preset, zeroing work${workload ? ' or workload scenario' : ''}`,
      },
      xOffset: { field: 'case', type: 'nominal', sort: null },
      y: {
        field: 'region',
        type: 'ordinal',
        // largest region at the top, then "none" above it: no region in the grid meets the targets
        scale: { domain: [NONE_ROW, ...regions] },
        title: 'Region R (pages)',
      },
      color: { field: 'case', type: 'nominal', title: 'Case', scale: { domain: recs.map(caseName) } },
      tooltip: [
        { field: 'case', type: 'nominal' },
        { field: 'scenario', type: 'ordinal' },
        { field: 'region', type: 'ordinal', title: 'R (pages)' },
      ],
    },
    width: 420,
    height: 40 + 24 * (regions.length + 1),
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
              case: `${caseName(r)}, R ${r.regionPages}`,
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
