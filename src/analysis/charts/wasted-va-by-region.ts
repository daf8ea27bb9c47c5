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
 * Wasted VA vs region size: x = R (pages, log scale), y = time-weighted mean fraction of each
 * CPU's region that is flush-pending (reclaimable by a flush, or pinned below a live
 * allocation), mean over runs, one line per variant. Input: run rows with regionPages,
 * wastedVaMeanFraction, variant.
 */
export function wastedVaByRegionChart(input: ChartInput, caption?: string | CaptionConfig): Spec {
  const open = openChart(input, caption);
  let rows = open.rows;
  const keys = [LABEL.variant, LABEL.regionPages].filter((k) => hasField(rows, k));
  const fields = [RUN.wastedVaMeanFraction, RUN.wastedVaPeakFraction];
  rows = pick(rows, [...keys, ...fields]);
  if (rows.length > MAX_POINTS) rows = meanBy(rows, keys, fields);
  const encoding: Spec = {
    x: {
      field: LABEL.regionPages,
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
      { field: LABEL.regionPages, type: 'quantitative', title: 'R (pages)' },
      { field: 'percent', type: 'quantitative', aggregate: 'mean', title: 'wasted %', format: '.1f' },
    ],
  };
  if (keys.includes(LABEL.variant)) encoding.color = { field: LABEL.variant, type: 'nominal', title: 'Variant' };
  return chartSpec('Mermap wasted VA vs region size', open.caption, {
    data: { values: rows },
    transform: [{ calculate: `datum['${RUN.wastedVaMeanFraction}'] * 100`, as: 'percent' }],
    mark: { type: 'line', point: true },
    encoding,
    width: 320,
    height: 220,
  });
}
