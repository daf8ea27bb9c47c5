import {
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

/**
 * Wasted VA vs region size: x = R (pages, log scale), y = time-weighted mean fraction of each
 * CPU's region that is flush-pending (reclaimable by a flush, or pinned below a live
 * allocation), mean over runs, one line per variant. Input: run rows with regionPages,
 * wastedVaMeanFraction, variant.
 */
export function wastedVaByRegionChart(input: ChartInput, caption?: string | CaptionConfig): Spec {
  let rows = rowsOf(input);
  const cap = resolveCaption(caption, rows);
  const keys = ['variant', 'regionPages'].filter((k) => hasField(rows, k));
  rows = pick(rows, [...keys, 'wastedVaMeanFraction', 'wastedVaPeakFraction']);
  if (rows.length > MAX_POINTS) rows = meanBy(rows, keys, ['wastedVaMeanFraction', 'wastedVaPeakFraction']);
  const encoding: Spec = {
    x: {
      field: 'regionPages',
      type: 'quantitative',
      scale: { type: 'log', base: 2 },
      title: 'Region size R (pages, log scale)',
    },
    y: {
      field: 'percent',
      type: 'quantitative',
      aggregate: 'mean',
      title: 'Wasted VA (% of the region, time-weighted mean)',
    },
    tooltip: [
      { field: 'regionPages', type: 'quantitative', title: 'R (pages)' },
      { field: 'percent', type: 'quantitative', aggregate: 'mean', title: 'wasted %', format: '.1f' },
    ],
  };
  if (keys.includes('variant')) encoding.color = { field: 'variant', type: 'nominal', title: 'Variant' };
  return fitAxisTitles({
    ...specHeader('Mermap wasted VA vs region size', cap),
    data: { values: rows },
    transform: [{ calculate: "datum['wastedVaMeanFraction'] * 100", as: 'percent' }],
    mark: { type: 'line', point: true },
    encoding,
    width: 320,
    height: 220,
  });
}
