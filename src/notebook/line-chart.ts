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
  const keep = [o.x, o.y, ...(o.color ? [o.color] : []), ...(o.column ? [o.column] : [])];
  if (o.color) encoding.color = { field: o.color, type: 'ordinal', title: o.colorTitle ?? o.color };
  if (o.column) encoding.column = { field: o.column, type: 'ordinal', title: o.columnTitle ?? o.column };
  return {
    ...specHeader(o.title, o.caption),
    data: { values: rows.map((r) => Object.fromEntries(keep.map((k) => [k, r[k] ?? null]))) },
    mark: { type: 'line', point: true },
    encoding,
    width: o.column ? 260 : 420,
    height: 240,
  };
}
