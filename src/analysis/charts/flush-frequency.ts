import { LABEL, RUN } from '../columns/index.js';
import {
  type CaptionConfig,
  type ChartInput,
  chartSpec,
  hasField,
  MAX_POINTS,
  meanBy,
  openChart,
  pick,
  type Spec,
} from './common.js';

/**
 * Flush frequency vs region size: x = R (pages, log scale), y = full flushes per allocation by
 * default (mean over the runs of a point, e.g. seeds), one line per variant, one panel per
 * online-CPU count. Input: run rows (summaryToRow) with regionPages, the rate, variant, cpus.
 *
 * Per 1,000 gets is not the default: it counts reserved gets, and an order-9/10 allocation that
 * misses the fast path (R <= 512) makes 512 or more of them, one that fits (R > 512) one get, so
 * that rate rises with R while flushes per allocation and per second fall.
 */
export interface FlushFrequencyChartOptions {
  /** the CPU count to panel by: online CPUs ('cpus', default) or possible CPUs ('possibleCpus') */
  cpuField?: 'cpus' | 'possibleCpus';
  /** the rate: per allocation (default), per simulated second, per 1,000 fast-path gets or per 1,000 gets */
  y?: FlushRate;
}

export type FlushRate =
  | 'flushesPerAllocation'
  | 'flushesPerSecond'
  | 'flushesPer1000FastPathGets'
  | 'flushesPer1000Gets';

const RATE_TITLES: Record<FlushRate, string> = {
  flushesPerAllocation: 'Full flushes per allocation',
  flushesPerSecond: 'Full flushes per simulated second',
  flushesPer1000FastPathGets: 'Full flushes per 1,000 fast-path gets',
  flushesPer1000Gets: 'Full flushes per 1,000 gets (reserved included)',
};

/**
 * The caption line on the order-9/10 effect, when the rows show it: runs at R <= 512 whose gets
 * are partly reserved beside runs at R > 512.
 */
export function order9Note(rows: readonly Record<string, unknown>[]): string[] {
  const R = (r: Record<string, unknown>) => Number(r[LABEL.regionPages]);
  const reserved = rows.some((r) => R(r) <= 512 && Number(r[RUN.reservedGetFraction]) > 0);
  if (!reserved || !rows.some((r) => R(r) > 512)) return [];
  return [
    'Order-9/10 allocations take the slow path (512+ reserved gets each) at R <= 512 and one fast-path get above it, so per-get rates jump at R > 512; per allocation and per second do not.',
  ];
}

export function flushFrequencyChart(
  input: ChartInput,
  caption?: string | CaptionConfig,
  opts: FlushFrequencyChartOptions = {},
): Spec {
  const open = openChart(input, caption);
  let rows = open.rows;
  const cpuField = opts.cpuField === 'possibleCpus' ? LABEL.possibleCpus : LABEL.cpus;
  const rate = opts.y ?? 'flushesPerAllocation';
  const y = RUN[rate];
  const note = order9Note(open.rows);
  const keys = [LABEL.variant, cpuField, LABEL.regionPages].filter((k) => hasField(rows, k));
  rows = pick(rows, [...keys, y, LABEL.seed]);
  if (rows.length > MAX_POINTS) rows = meanBy(rows, keys, [y]);
  const encoding: Spec = {
    x: {
      field: LABEL.regionPages,
      type: 'quantitative',
      scale: { type: 'log', base: 2 },
      title: 'Region size R (pages, log scale)',
    },
    y: {
      field: y,
      type: 'quantitative',
      aggregate: 'mean',
      title: `${RATE_TITLES[rate]} (mean over runs)`,
    },
    tooltip: [
      { field: LABEL.regionPages, type: 'quantitative', title: 'R (pages)' },
      {
        field: y,
        type: 'quantitative',
        aggregate: 'mean',
        title: RATE_TITLES[rate].replace('Full flushes', 'flushes'),
        format: '.4~g',
      },
    ],
  };
  if (keys.includes(LABEL.variant)) encoding.color = { field: LABEL.variant, type: 'nominal', title: 'Variant' };
  if (keys.includes(cpuField))
    encoding.column = {
      field: cpuField,
      type: 'ordinal',
      title: cpuField === LABEL.cpus ? 'Online CPUs' : 'Possible CPUs',
    };
  return chartSpec(
    'Mermap flush frequency vs region size',
    open.caption,
    {
      data: { values: rows },
      mark: { type: 'line', point: true },
      encoding,
      width: 260,
      height: 220,
    },
    note,
  );
}
