import {
  distinct,
  hasField,
  meanBy,
  MAX_POINTS,
  pick,
  resolveCaption,
  rowsOf,
  specHeader,
  type CaptionConfig,
  type ChartInput,
  type Spec,
  fitAxisTitles,
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
  let rows = rowsOf(input);
  const cap = resolveCaption(caption, rows);
  const y = opts.y ?? 'failureRate';
  const keys = ['variant', 'slots', 'regionPages'].filter((k) => hasField(rows, k));
  rows = pick(rows, [...keys, y]);
  if (rows.length > MAX_POINTS) rows = meanBy(rows, keys, [y]);
  const yTitle =
    y === 'failureRate'
      ? 'Failed gets (% of gets, mean over runs)'
      : 'Fast-path failures (% of allocations, mean over runs)';
  const encoding: Spec = {
    x: {
      field: 'regionPages',
      type: 'quantitative',
      scale: { type: 'log', base: 2 },
      title: 'Region size R (pages, log scale)',
    },
    y: { field: 'percent', type: 'quantitative', aggregate: 'mean', title: yTitle },
    tooltip: [
      { field: 'regionPages', type: 'quantitative', title: 'R (pages)' },
      { field: 'percent', type: 'quantitative', aggregate: 'mean', title: '%', format: '.2f' },
    ],
  };
  if (keys.includes('slots')) encoding.color = { field: 'slots', type: 'ordinal', title: 'Slots per CPU' };
  if (distinct(rows, 'variant').length > 1) encoding.column = { field: 'variant', type: 'nominal', title: 'Variant' };
  return fitAxisTitles({
    ...specHeader('Mermap get failure rate vs region size and slots', cap),
    data: { values: rows },
    transform: [{ calculate: `datum['${y}'] * 100`, as: 'percent' }],
    mark: { type: 'line', point: true },
    encoding,
    width: 300,
    height: 220,
  });
}
