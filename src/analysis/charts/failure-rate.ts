import { LABEL, RUN } from '../columns/index.js';
import {
  type CaptionConfig,
  type ChartInput,
  chartSpec,
  DISTINCT_COLOURS,
  distinct,
  FACET_COLUMNS,
  hasField,
  MAX_POINTS,
  meanBy,
  openChart,
  pick,
  type Spec,
} from './common.js';

export interface FailureRateChartOptions {
  /** 'failureRate' (failed gets / gets, default) or 'fastPathFailuresPerAllocation' */
  y?: 'failureRate' | 'fastPathFailuresPerAllocation';
}

/**
 * Failure rate vs region size and slots: x = R (pages, log scale), y = failed gets in % of
 * gets (mean over runs), one line per slot count, one panel per variant when there are several.
 * Input: run rows with regionPages, slots, failureRate (a fraction).
 */
export function failureRateChart(
  input: ChartInput,
  caption?: string | CaptionConfig,
  opts: FailureRateChartOptions = {},
): Spec {
  const open = openChart(input, caption);
  let rows = open.rows;
  const y = opts.y === 'fastPathFailuresPerAllocation' ? RUN.fastPathFailuresPerAllocation : RUN.failureRate;
  const keys = [LABEL.variant, LABEL.slots, LABEL.regionPages].filter((k) => hasField(rows, k));
  rows = pick(rows, [...keys, y]);
  if (rows.length > MAX_POINTS) rows = meanBy(rows, keys, [y]);
  // the vocabulary's names: get failure rate (failureRate), fallback rate (fastPathFailuresPerAllocation)
  const perGet = y === RUN.failureRate;
  const yTitle = perGet
    ? 'Get failure rate (% of gets, mean over runs)'
    : 'Fallback rate (% of allocations, mean over runs)';
  const encoding: Spec = {
    x: {
      field: LABEL.regionPages,
      type: 'quantitative',
      scale: { type: 'log', base: 2 },
      title: 'Region size R (pages, log scale)',
    },
    y: { field: 'percent', type: 'quantitative', aggregate: 'mean', title: yTitle },
    tooltip: [
      { field: LABEL.regionPages, type: 'quantitative', title: 'R (pages)' },
      { field: 'percent', type: 'quantitative', aggregate: 'mean', title: '%', format: '.2f' },
    ],
  };
  if (keys.includes(LABEL.slots))
    encoding.color = { field: LABEL.slots, type: 'ordinal', title: 'Slots per CPU', scale: DISTINCT_COLOURS };
  if (distinct(rows, LABEL.variant).length > 1)
    encoding.facet = { field: LABEL.variant, type: 'nominal', title: 'Variant', columns: FACET_COLUMNS };
  const title = `Mermap ${perGet ? 'get failure' : 'fallback'} rate vs region size and slots`;
  return chartSpec(title, open.caption, {
    data: { values: rows },
    transform: [{ calculate: `datum['${y}'] * 100`, as: 'percent' }],
    mark: { type: 'line', point: true },
    encoding,
    width: 300,
    height: 220,
  });
}
