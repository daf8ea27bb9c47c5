import { LABEL, SERIES } from '../columns/index.js';
import {
  binMean,
  type ChartBuilder,
  chartBuilder,
  chartSpec,
  distinct,
  hasField,
  MAX_POINTS,
  pick,
  type Spec,
} from './common.js';

export interface WastedVaChartOptions {
  /** 'wastedMeanFraction' (the interval's time-weighted mean, default) or 'wastedFraction' (the state at the sample) */
  y?: 'wastedMeanFraction' | 'wastedFraction' | 'pinnedFraction';
  /** field that tells series apart (default: 'variant' when the rows hold more than one) */
  series?: string;
}

/**
 * Wasted VA over time: x = simulated time (ms), or the op index when time does not advance
 * (replay scripts); y = share of the region that is neither live nor usable without a flush.
 * Input: RunMetrics.timeSeriesRows() (or timeSeriesTable), of one run or several.
 */
export const wastedVaChart: ChartBuilder<WastedVaChartOptions> = chartBuilder((open, opts) => {
  let rows = open.rows;
  const y = SERIES[opts.y ?? 'wastedMeanFraction'];
  const byTime = rows.some((r) => typeof r[SERIES.timeMs] === 'number' && (r[SERIES.timeMs] as number) > 0);
  const x = byTime ? SERIES.timeMs : SERIES.op;
  const series = opts.series ?? (distinct(rows, LABEL.variant).length > 1 ? LABEL.variant : null);
  rows = pick(rows, [x, y, ...(series !== null && hasField(rows, series) ? [series] : [])]);
  const extra: string[] = [];
  if (rows.length > MAX_POINTS) {
    rows = binMean(rows, x, [y], series, 1000);
    extra.push('(averaged into 1,000 time bins per series)');
  }
  const yTitle =
    y === SERIES.pinnedFraction
      ? 'Pinned VA (share of region R)'
      : 'Wasted VA (share of region R: flush-pending + pinned)';
  const encoding: Spec = {
    x: byTime
      ? { field: x, type: 'quantitative', title: 'Simulated time (ms)' }
      : { field: x, type: 'quantitative', title: 'Operation (event index)' },
    y: { field: y, type: 'quantitative', title: yTitle, axis: { format: '%' }, scale: { domain: [0, 1] } },
    tooltip: [
      { field: x, type: 'quantitative', title: byTime ? 'time (ms)' : 'op', format: byTime ? '.3f' : 'd' },
      { field: y, type: 'quantitative', title: 'wasted', format: '.1%' },
    ],
  };
  if (series !== null)
    encoding.color = { field: series, type: 'nominal', title: series === LABEL.variant ? 'Variant' : series };
  return chartSpec(
    'Wasted mermap VA over time',
    open.caption,
    {
      data: { values: rows },
      mark: { type: 'line', interpolate: 'step-after' },
      encoding,
      width: 520,
      height: 240,
    },
    extra,
  );
});
