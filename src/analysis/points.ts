/**
 * Per-point aggregates: the run rows of a sweep grouped by the columns that name a grid point
 * (every replicate of one configuration), each metric as mean, sd, n and 95 % interval
 * (stats.ts). Groups keep the order of their first row, so rows in canonical point order give
 * points in canonical order.
 */
import { POINT, POINT_METRIC_KEYS, POINT_STATS, pointStatKey, RUN_SET } from './columns/index.js';
import { type Interval, interval } from './stats.js';

type Row = Record<string, unknown>;

/** A grouping key no run column can have (a symbol-like name with a NUL). */
const COMBINATION = '\0combination';

export interface PointGroup {
  /** the grouping columns' values, from the group's first row */
  key: Record<string, unknown>;
  rows: Row[];
}

/** Rows grouped by the values of `by` (compared as canonical text), in order of first appearance. */
export function groupRows(rows: ReadonlyArray<Row>, by: readonly string[]): PointGroup[] {
  const groups = new Map<string, PointGroup>();
  for (const r of rows) {
    const k = JSON.stringify(by.map((c) => r[c] ?? null));
    let g = groups.get(k);
    if (g === undefined) {
      g = { key: Object.fromEntries(by.map((c) => [c, r[c] ?? null])), rows: [] };
      groups.set(k, g);
    }
    g.rows.push(r);
  }
  return [...groups.values()];
}

/** A metric of the rows as numbers (a missing or non-numeric cell is NaN). */
export function metricValues(rows: ReadonlyArray<Row>, column: string): number[] {
  return rows.map((r) => {
    const v = r[column];
    return typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : Number.NaN;
  });
}

/** The interval of a metric over rows, or null when some row lacks it. */
export function metricInterval(rows: ReadonlyArray<Row>, column: string): Interval | null {
  const values = metricValues(rows, column);
  return values.every(Number.isFinite) ? interval(values) : null;
}

/**
 * points.csv's rows: combination, n, the grid columns, then each metric's statistics (null
 * when a run row lacks the metric, or for n = 1 the sd and the interval). `gridColumns` are the
 * run rows' keys of the grid values (gridRowKey: `regionPages` for `mermap.regionPages`).
 */
export function pointRows(
  rows: ReadonlyArray<Row>,
  gridColumns: readonly string[],
  combinationOf: (row: Row) => number,
): Row[] {
  const tagged = rows.map((r) => ({ ...r, [COMBINATION]: combinationOf(r) }));
  return groupRows(tagged, [COMBINATION, ...gridColumns]).map((g) => {
    const out: Row = { [POINT.combination]: g.key[COMBINATION], [POINT.n]: g.rows.length };
    for (const c of gridColumns) out[c] = g.key[c];
    for (const metric of POINT_METRIC_KEYS) {
      const iv = metricInterval(g.rows, RUN_SET.get(metric).name);
      const cells: Record<string, number | null> = {
        mean: iv?.mean ?? null,
        sd: iv?.sd ?? null,
        ci95Lo: iv?.ci95?.[0] ?? null,
        ci95Hi: iv?.ci95?.[1] ?? null,
      };
      for (const [stat] of POINT_STATS) out[pointStatKey(metric, stat)] = cells[stat];
    }
    return out;
  });
}
