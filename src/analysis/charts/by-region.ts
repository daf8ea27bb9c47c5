/**
 * What the charts of a run metric against region size share (flush frequency and flush cost,
 * fallback and failure rate, wasted VA): the log-2 region axis, a line of means with the 95 %
 * interval of each grid point as an error bar, and a panel per value of one field.
 *
 * The intervals are the per-point aggregates of points.csv (stats.ts: Student t over the runs
 * of one configuration, its replicates). Each row carries its grid point's interval (ciLo, ciHi,
 * in the drawn unit) and run count (ciN); where a mark pools several grid points (slot counts,
 * CPU counts the chart does not split by), its bar spans from the lowest point's lower bound to
 * the highest point's upper bound, so it shows both the noise and the spread it averages over.
 */
import { LABEL } from '../columns/index.js';
import { groupRows, metricValues } from '../points.js';
import { interval } from '../stats.js';
import { chartSpec, FACET_COLUMNS, hasField, MAX_POINTS, meanBy, pick, type Row, type Spec } from './common.js';

/** The interval fields each row gets: bounds in the drawn unit, and the runs of its grid point. */
export const CI = { lo: 'ciLo', hi: 'ciHi', n: 'ciN' } as const;

/**
 * The x axis of every chart against region size: log 2, a tick at each region the rows have (a
 * "nice" log axis drops the last power of two when the data ends on it).
 */
export function regionX(rows: readonly Row[]): Spec {
  const regions = [...new Set(rows.map((r) => Number(r[LABEL.regionPages])).filter(Number.isFinite))];
  return {
    field: LABEL.regionPages,
    type: 'quantitative',
    scale: { type: 'log', base: 2 },
    // labels centred on their ticks: flushed to the edge, the last one overlaps its neighbour and hides
    axis: { values: regions.sort((a, b) => a - b), labelFlush: false },
    title: 'Region size R (pages, log scale)',
  };
}

/** The fields that tell one configuration from another: labels, and grid-path columns (dotted). */
function pointKeys(rows: readonly Row[]): string[] {
  const labels = [LABEL.variant, 'policy', LABEL.possibleCpus, LABEL.cpus, LABEL.regionPages, LABEL.slots];
  const dotted = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (k.includes('.')) dotted.add(k);
  return [...labels, ...[...dotted].sort()];
}

/**
 * The rows, each with its grid point's 95 % interval of `y` times `scale` (the bar collapses
 * onto the mean for a point of one run) and the point's run count; rows without a finite `y`
 * get none.
 */
export function withPointIntervals(rows: readonly Row[], y: string, scale = 1): Row[] {
  const out = new Map<Row, Row>();
  for (const g of groupRows(rows, pointKeys(rows))) {
    const values = metricValues(g.rows, y).filter(Number.isFinite);
    if (values.length === 0) continue;
    const iv = interval(values);
    const [lo0, hi] = iv.ci95 ?? [iv.mean, iv.mean];
    // a quantity no run has below zero (a rate, a fraction, a count) is drawn with its interval
    // cut at zero; points.csv keeps the Student t bounds as they are
    const lo = lo0 < 0 && values.every((v) => v >= 0) ? 0 : lo0;
    for (const r of g.rows) out.set(r, { ...r, [CI.lo]: lo * scale, [CI.hi]: hi * scale, [CI.n]: iv.n });
  }
  return rows.map((r) => out.get(r) ?? r);
}

/**
 * The opening of a chart against region size: the rows with their grid points' intervals of `y`
 * (times `scale`), cut to the `keys` they have, `y`, `more` (averaged like y) and `keep` (kept
 * as they are), then averaged per keys above MAX_POINTS (keep is dropped there).
 */
export function regionRows(
  rows: readonly Row[],
  keys: readonly string[],
  y: string,
  o: { scale?: number; more?: readonly string[]; keep?: readonly string[] } = {},
): { rows: Row[]; keys: string[] } {
  const have = keys.filter((k) => hasField(rows, k));
  const fields = [y, ...(o.more ?? []), CI.lo, CI.hi, CI.n];
  const out = pick(withPointIntervals(rows, y, o.scale ?? 1), [...have, ...fields, ...(o.keep ?? [])]);
  return { rows: out.length > MAX_POINTS ? meanBy(out, have, fields) : out, keys: have };
}

/** The caption line saying what the bars are and n: `n = 2 to 6 runs per grid point`. */
export function intervalNote(rows: readonly Row[]): string[] {
  const ns = [...new Set(rows.map((r) => r[CI.n]).filter((v): v is number => typeof v === 'number'))];
  if (ns.length === 0) return [];
  ns.sort((a, b) => a - b);
  const n = ns.length === 1 ? `${ns[0]}` : `${ns[0]} to ${ns[ns.length - 1]}`;
  return [
    `Bars: 95 % interval of each grid point's mean (Student t, n = ${n} runs per grid point), spanning every grid point a mark pools.`,
  ];
}

export interface RegionChartParts {
  title: string;
  caption: string;
  /** the drawn rows (withPointIntervals) */
  rows: Row[];
  /** the drawn y field (after `transform`), its axis title and the tooltip's entry */
  y: string;
  yTitle: string;
  tip: Spec;
  transform?: Spec[];
  color?: Spec;
  /** a panel per value of this field (wrapped after FACET_COLUMNS) */
  facet?: Spec;
  width: number;
  notes: string[];
}

/**
 * The chart: the mean of y per R (and colour) as a line with points, the interval as a rule
 * from the lowest lower bound to the highest upper bound (when some grid point has 2 or more
 * runs); panels as a facet around both layers.
 */
export function regionChart(p: RegionChartParts): Spec {
  // bars only where some grid point has replicates (one run has no interval to draw)
  const bars = p.rows.some((r) => Number(r[CI.n]) >= 2);
  const encoding: Spec = {
    x: regionX(p.rows),
    y: { field: p.y, type: 'quantitative', aggregate: 'mean', title: p.yTitle },
    ...(p.color === undefined ? {} : { color: p.color }),
  };
  const line: Spec = {
    mark: { type: 'line', point: true },
    encoding: { tooltip: [{ field: LABEL.regionPages, type: 'quantitative', title: 'R (pages)' }, p.tip] },
  };
  const bar: Spec = {
    mark: { type: 'rule', opacity: 0.6 },
    encoding: {
      y: { field: CI.lo, type: 'quantitative', aggregate: 'min' },
      y2: { field: CI.hi, aggregate: 'max' },
    },
  };
  const view: Spec = { encoding, layer: bars ? [line, bar] : [line], width: p.width, height: 220 };
  const data = { data: { values: p.rows }, ...(p.transform === undefined ? {} : { transform: p.transform }) };
  const body =
    p.facet === undefined ? { ...data, ...view } : { ...data, facet: p.facet, columns: FACET_COLUMNS, spec: view };
  return chartSpec(p.title, p.caption, body, [...p.notes, ...(bars ? intervalNote(p.rows) : [])]);
}
