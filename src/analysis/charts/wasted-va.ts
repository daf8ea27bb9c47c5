import {
  binMean,
  distinct,
  hasField,
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
export function wastedVaChart(
  input: ChartInput,
  caption?: string | CaptionConfig,
  opts: WastedVaChartOptions = {},
): Spec {
  let rows = rowsOf(input);
  const cap = resolveCaption(caption, rows);
  const y = opts.y ?? 'wastedMeanFraction';
  const byTime = rows.some((r) => typeof r.timeMs === 'number' && (r.timeMs as number) > 0);
  const x = byTime ? 'timeMs' : 'op';
  const series = opts.series ?? (distinct(rows, 'variant').length > 1 ? 'variant' : null);
  rows = pick(rows, [x, y, ...(series !== null && hasField(rows, series) ? [series] : [])]);
  const extra: string[] = [];
  if (rows.length > MAX_POINTS) {
    rows = binMean(rows, x, [y], series, 1000);
    extra.push('(averaged into 1,000 time bins per series)');
  }
  const yTitle =
    y === 'pinnedFraction' ? 'Pinned VA (share of region R)' : 'Wasted VA (share of region R: flush-pending + pinned)';
  const encoding: Spec = {
    x: byTime
      ? { field: 'timeMs', type: 'quantitative', title: 'Simulated time (ms)' }
      : { field: 'op', type: 'quantitative', title: 'Operation (event index)' },
    y: { field: y, type: 'quantitative', title: yTitle, axis: { format: '%' }, scale: { domain: [0, 1] } },
    tooltip: [
      { field: x, type: 'quantitative', title: byTime ? 'time (ms)' : 'op', format: byTime ? '.3f' : 'd' },
      { field: y, type: 'quantitative', title: 'wasted', format: '.1%' },
    ],
  };
  if (series !== null)
    encoding.color = { field: series, type: 'nominal', title: series === 'variant' ? 'Variant' : series };
  return fitAxisTitles({
    ...specHeader('Wasted mermap VA over time', cap, extra),
    data: { values: rows },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding,
    width: 520,
    height: 240,
  });
}
