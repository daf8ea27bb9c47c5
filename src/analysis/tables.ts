/**
 * arquero tables of run results: one row per run, per run x CPU, per run x mm, and time series
 * at a fixed step. Column names are documented in docs/metrics.md.
 *
 *   summaryToRow(summary, label)   RunSummary (nested) -> one flat row: label columns first, then
 *                                  every summary field, nested names joined in camelCase
 *                                  (wastedVa.meanFraction -> wastedVaMeanFraction,
 *                                   failures.no_space -> failuresNoSpace)
 *   runTable(rows)                 one row per run
 *   cpuTable(rows, label)          RunMetrics.perCpuRows() with the run's label columns added
 *   mmTable(rows, label)           RunMetrics.perMmRows() likewise
 *   timeSeriesTable(rows, label)   RunMetrics.timeSeriesRows() likewise
 *
 * Label columns (the config a chart caption needs) are added to every row so tables of many
 * runs can be concatenated and grouped. Every column name, unit and kind is in the column
 * vocabulary (src/analysis/columns), which docs/metrics.md's tables are generated from.
 */
import { from, type ColumnTable } from 'arquero';
import { joinName } from './columns/index.js';
import { type Cell, labelRow, type RunLabel, type RunRow } from './run-row.js';

export { joinName };
export {
  type Cell,
  flattenRecord,
  LABEL_COLUMNS,
  labelFromRunConfig,
  type RunLabel,
  type RunRow,
  summaryToRow,
} from './run-row.js';

function withLabel(rows: ReadonlyArray<Record<string, Cell>>, label?: RunLabel): RunRow[] {
  if (label === undefined) return rows.map((r) => ({ ...r }));
  const l = labelRow(label);
  return rows.map((r) => ({ ...l, ...r }));
}

/** One row per run (rows from summaryToRow; runs with different fields get nulls). */
export function runTable(rows: ReadonlyArray<RunRow>): ColumnTable {
  return from(fillMissing(rows));
}

/** One row per run x online CPU. */
export function cpuTable(rows: ReadonlyArray<Record<string, Cell>>, label?: RunLabel): ColumnTable {
  return from(fillMissing(withLabel(rows, label)));
}

/** One row per run x mm. */
export function mmTable(rows: ReadonlyArray<Record<string, Cell>>, label?: RunLabel): ColumnTable {
  return from(fillMissing(withLabel(rows, label)));
}

/** Time series rows (fixed step) of one or more runs. */
export function timeSeriesTable(rows: ReadonlyArray<Record<string, Cell>>, label?: RunLabel): ColumnTable {
  return from(fillMissing(withLabel(rows, label)));
}

/** Region timeline rows (step, op, timeNs, page, pageEnd, state). */
export function regionTimelineTable(rows: ReadonlyArray<object>, label?: RunLabel): ColumnTable {
  return from(fillMissing(withLabel(rows as ReadonlyArray<Record<string, Cell>>, label)));
}

/** Give every row every column (null where missing), in first-seen order. */
function fillMissing(rows: ReadonlyArray<RunRow>): RunRow[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  return rows.map((r) => {
    const o: RunRow = {};
    for (const k of names) o[k] = r[k] ?? null;
    return o;
  });
}
