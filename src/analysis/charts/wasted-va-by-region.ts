import { LABEL, RUN } from '../columns/index.js';
import { regionChart, regionRows } from './by-region.js';
import { type ChartBuilder, chartBuilder } from './common.js';

/**
 * Wasted VA vs region size: x = R (pages, log scale), y = time-weighted mean fraction of each
 * CPU's region that is flush-pending (reclaimable by a flush, or pinned below a live
 * allocation), mean over runs with each grid point's 95 % interval, one line per variant.
 * Input: run rows with regionPages, wastedVaMeanFraction, variant.
 */
export const wastedVaByRegionChart: ChartBuilder<Record<string, never>> = chartBuilder((open) => {
  const { rows, keys } = regionRows(open.rows, [LABEL.variant, LABEL.regionPages], RUN.wastedVaMeanFraction, {
    scale: 100,
    more: [RUN.wastedVaPeakFraction],
  });
  return regionChart({
    title: 'Mermap wasted VA vs region size',
    caption: open.caption,
    rows,
    y: 'percent',
    yTitle: 'Wasted VA (% of the region, time-weighted mean)',
    tip: { field: 'percent', type: 'quantitative', aggregate: 'mean', title: 'wasted %', format: '.1f' },
    transform: [{ calculate: `datum['${RUN.wastedVaMeanFraction}'] * 100`, as: 'percent' }],
    ...(keys.includes(LABEL.variant) ? { color: { field: LABEL.variant, type: 'nominal', title: 'Variant' } } : {}),
    width: 320,
    notes: [],
  });
});
