import { LABEL, RUN } from '../columns/index.js';
import { regionChart, regionRows } from './by-region.js';
import { type ChartBuilder, chartBuilder, DISTINCT_COLOURS, distinct } from './common.js';

export interface FailureRateChartOptions {
  /** 'failureRate' (failed gets / gets, default) or 'fastPathFailuresPerAllocation' */
  y?: 'failureRate' | 'fastPathFailuresPerAllocation';
}

/**
 * Failure rate vs region size and slots: x = R (pages, log scale), y = failed gets in % of
 * gets (mean over runs, with each grid point's 95 % interval), one line per slot count, one
 * panel per variant when there are several. Input: run rows with regionPages, slots,
 * failureRate (a fraction).
 */
export const failureRateChart: ChartBuilder<FailureRateChartOptions> = chartBuilder((open, opts) => {
  const y = opts.y === 'fastPathFailuresPerAllocation' ? RUN.fastPathFailuresPerAllocation : RUN.failureRate;
  const { rows, keys } = regionRows(open.rows, [LABEL.variant, LABEL.slots, LABEL.regionPages], y, { scale: 100 });
  // the vocabulary's names: get failure rate (failureRate), fallback rate (fastPathFailuresPerAllocation)
  const perGet = y === RUN.failureRate;
  return regionChart({
    title: `Mermap ${perGet ? 'get failure' : 'fallback'} rate vs region size and slots`,
    caption: open.caption,
    rows,
    y: 'percent',
    yTitle: perGet
      ? 'Get failure rate (% of gets, mean over runs)'
      : 'Fallback rate (% of allocations, mean over runs)',
    tip: { field: 'percent', type: 'quantitative', aggregate: 'mean', title: '%', format: '.2f' },
    transform: [{ calculate: `datum['${y}'] * 100`, as: 'percent' }],
    ...(keys.includes(LABEL.slots)
      ? { color: { field: LABEL.slots, type: 'ordinal', title: 'Slots per CPU', scale: DISTINCT_COLOURS } }
      : {}),
    ...(distinct(rows, LABEL.variant).length > 1
      ? { facet: { field: LABEL.variant, type: 'nominal', title: 'Variant' } }
      : {}),
    width: 300,
    notes: [],
  });
});
