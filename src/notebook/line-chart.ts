/**
 * A plain Vega-Lite line chart for notebooks' own plots.
 */
import { specHeader, type Spec } from '../analysis/charts/common.js';

export interface LineChartOptions {
  title: string;
  caption: string;
  x: string;
  y: string;
  xTitle: string;
  yTitle: string;
  /** series field */
  color?: string;
  colorTitle?: string;
  /** panel field */
  column?: string;
  columnTitle?: string;
  xLog?: boolean;
  yLog?: boolean;
  /**
   * Fields holding each row's interval around y (its 95 % interval's bounds, computed by the
   * caller with interval()): drawn as an error bar. The rows are then one per x, series and
   * panel, y already their mean. Not with `column` (Vega-Lite facets a layered chart otherwise).
   */
  interval?: { lo: string; hi: string };
}

/** A plain Vega-Lite line chart (points marked; y is the mean over rows sharing x, series and panel). */
export function lineChart(rows: ReadonlyArray<Record<string, unknown>>, o: LineChartOptions): Spec {
  const encoding: Spec = {
    x: { field: o.x, type: 'quantitative', title: o.xTitle, ...(o.xLog ? { scale: { type: 'log', base: 2 } } : {}) },
    y: {
      field: o.y,
      type: 'quantitative',
      aggregate: 'mean',
      title: o.yTitle,
      ...(o.yLog ? { scale: { type: 'log' } } : {}),
    },
    tooltip: [
      { field: o.x, type: 'quantitative', title: o.xTitle },
      { field: o.y, type: 'quantitative', aggregate: 'mean', title: o.yTitle, format: ',.3~f' },
    ],
  };
  const iv = o.interval;
  if (iv !== undefined && o.column !== undefined) throw new Error('lineChart: interval and column together');
  const keep = [
    o.x,
    o.y,
    ...(o.color ? [o.color] : []),
    ...(o.column ? [o.column] : []),
    ...(iv ? [iv.lo, iv.hi] : []),
  ];
  if (o.color) encoding.color = { field: o.color, type: 'ordinal', title: o.colorTitle ?? o.color };
  if (o.column) encoding.column = { field: o.column, type: 'ordinal', title: o.columnTitle ?? o.column };
  const data = { values: rows.map((r) => Object.fromEntries(keep.map((k) => [k, r[k] ?? null]))) };
  const size = { width: o.column ? 260 : 420, height: 240 };
  if (iv === undefined)
    return { ...specHeader(o.title, o.caption), data, mark: { type: 'line', point: true }, encoding, ...size };
  const { y, tooltip, ...shared } = encoding;
  const bar = (t: string): Spec => ({ field: t, type: 'quantitative', format: ',.3~f' });
  return {
    ...specHeader(o.title, o.caption),
    data,
    encoding: shared,
    layer: [
      { mark: { type: 'line', point: true }, encoding: { y, tooltip } },
      {
        mark: { type: 'errorbar', ticks: true },
        encoding: {
          y: { field: iv.lo, type: 'quantitative', title: (y as Spec).title },
          y2: { field: iv.hi },
          // (x only of the line's tooltip: an aggregate in an error bar's encoding aggregates the bar away)
          tooltip: [
            (tooltip as Spec[])[0],
            { ...bar(iv.lo), title: '95 % interval, low' },
            { ...bar(iv.hi), title: '95 % interval, high' },
          ],
        },
      },
    ],
    ...size,
  };
}
