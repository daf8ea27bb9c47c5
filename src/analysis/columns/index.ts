/**
 * The column vocabulary: every column name the tables, sweep results and charts use, with its
 * unit, kind (int / float / string) and meaning. Everything else derives from here: the label
 * and reserved-column lists, the chart field names (through ColumnSet.fields), and the tables
 * of docs/metrics.md (`npm run docs`; test/analysis/columns.test.ts fails when they are stale).
 *
 * Output names are made in one place (column.ts: outputName, of a key from joinName for the
 * summary's nested fields); a column's unit
 * and kind travel with it, so a renamed, re-typed or annotated column is a one-place change.
 */
import { type Column, ColumnSet, fileName, joinName } from './column.js';
import { pointMetricColumns } from './points.js';
import { SUMMARY_COLUMN_LIST } from './summary.js';
import {
  CPU_DEFS,
  LABEL_DEFS,
  MM_DEFS,
  POINT_LEAD_DEFS,
  PAGE_TABLE_DEFS,
  REGION_TIMELINE_DEFS,
  REPORT_DEFS,
  SWEEP_LEAD_DEFS,
  SWEEP_PROVENANCE_DEFS,
  TIME_SERIES_DERIVED_DEFS,
  TIME_SERIES_SAMPLED_DEFS,
} from './tables.js';

export * from './column.js';
export { POINT_METRIC_KEYS, POINT_STATS, type PointMetricKey, type PointStat, pointStatKey } from './points.js';

/** Run label columns, in the order tables write them (RunLabel, tables.ts). */
export const LABEL_SET = ColumnSet.of(LABEL_DEFS);

/**
 * Config paths whose value a run row already carries as a label column (labelFromRunConfig).
 * A sweep grid over one of these writes no column of its own: `mermap.regionPages` is the
 * row's `region_pages`, so results hold one column per quantity, not two.
 */
export const LABEL_OF_CONFIG_PATH: Readonly<Record<string, keyof typeof LABEL_SET.field>> = {
  name: 'name',
  seed: 'seed',
  'mermap.variant': 'variant',
  'mermap.regionPages': 'regionPages',
  'mermap.slots': 'slots',
  'machine.onlineCpus': 'cpus',
  'machine.possibleCpus': 'possibleCpus',
  'machine.pagingLevels': 'pagingLevels',
  'machine.tlb': 'tlb',
  'workload.kind': 'workload',
  'cost.preset': 'costModel',
};

/**
 * Summary columns that repeat a label column (the label's value, under another name): a run row
 * with the label leaves them out. `pageTables.possibleCpus` is `possible_cpus`.
 */
export const SUMMARY_DUPLICATE_OF_LABEL: Readonly<Record<string, keyof typeof LABEL_SET.field>> = {
  pageTablesPossibleCpus: 'possibleCpus',
};
/** Every RunSummary field flattened (summaryToRow order). */
export const SUMMARY_SET = new ColumnSet(SUMMARY_COLUMN_LIST);

/**
 * One row per run (summaryToRow): the label columns, then the summary columns. A summary column
 * that has a label's name (cost.model -> costModel) fills the label's place.
 */
export const RUN_SET = new ColumnSet([
  ...LABEL_SET.columns,
  ...SUMMARY_COLUMN_LIST.filter((c) => !LABEL_SET.hasKey(c.key) && !Object.hasOwn(SUMMARY_DUPLICATE_OF_LABEL, c.key)),
]);

/** Sweep results: lead columns, then the grid paths, then provenance, then the run's row. */
export const SWEEP_LEAD_SET = ColumnSet.of(SWEEP_LEAD_DEFS);
export const SWEEP_PROVENANCE_SET = ColumnSet.of(SWEEP_PROVENANCE_DEFS);
/** Columns the sweep store owns: a run's row and a grid path must not use these names. */
export const SWEEP_RESERVED_NAMES: readonly string[] = [...SWEEP_LEAD_SET.names, ...SWEEP_PROVENANCE_SET.names];

/** The sweep results' own columns, for the results table (sweep/results.ts). */
export const SWEEP = { ...SWEEP_LEAD_SET.field, ...SWEEP_PROVENANCE_SET.field };

export const REPORT_SET = ColumnSet.of(REPORT_DEFS);
export const CPU_SET = ColumnSet.of(CPU_DEFS);
export const MM_SET = ColumnSet.of(MM_DEFS);
/** The time-series columns the collector samples (its buffer's layout), then the derived ones. */
export const TIME_SERIES_SAMPLED_SET = ColumnSet.of(TIME_SERIES_SAMPLED_DEFS);
export const TIME_SERIES_SET = ColumnSet.of([...TIME_SERIES_SAMPLED_DEFS, ...TIME_SERIES_DERIVED_DEFS]);
export const REGION_TIMELINE_SET = ColumnSet.of(REGION_TIMELINE_DEFS);
export const PAGE_TABLE_SET = ColumnSet.of(PAGE_TABLE_DEFS);

/** The label columns by key (charts caption and group by them). */
export const LABEL = LABEL_SET.field;

/** Run-row columns the charts and reports select. */
export const RUN = RUN_SET.fields([
  'failureRate',
  'fastPathFailuresPerAllocation',
  'flushesPer1000Gets',
  'flushesPerAllocation',
  'flushesPerSecond',
  'flushesPer1000FastPathGets',
  'reservedGetFraction',
  'invlpgsPer1000Gets',
  'costPerGetCycles',
  'costOverheadFraction',
  'exposureMeanNs',
  'wastedVaMeanFraction',
  'wastedVaPeakFraction',
  'pageTablesBytesPerMm',
  'pageTablesRegionPages',
]);

/** points.csv: lead columns (then the grid paths), then four statistics per aggregated metric. */
export const POINT_LEAD_SET = ColumnSet.of(POINT_LEAD_DEFS);
export const POINT_SET = new ColumnSet([...POINT_LEAD_SET.columns, ...pointMetricColumns((k) => RUN_SET.get(k))]);
export const POINT = POINT_LEAD_SET.field;
/**
 * The column of a sweep results file by output name (lead, provenance or run-row column), or
 * undefined for a grid path or a field the vocabulary does not know.
 */
export function resultsColumn(name: string): Column | undefined {
  return RESULTS_BY_NAME.get(name);
}

const RESULTS_BY_NAME: ReadonlyMap<string, Column> = new Map(
  [...RUN_SET.columns, ...SWEEP_LEAD_SET.columns, ...SWEEP_PROVENANCE_SET.columns].map((c) => [c.name, c]),
);

const KEY_OF_FILE_NAME: ReadonlyMap<string, string> = new Map(
  [...RUN_SET.columns, ...SWEEP_LEAD_SET.columns, ...SWEEP_PROVENANCE_SET.columns, ...POINT_SET.columns].map((c) => [
    fileName(c.name),
    c.name,
  ]),
);

/**
 * The output name of a column read back from a results or points file (the inverse of
 * fileName): a vocabulary column's name, a grid path, else the name in camelCase (a custom run
 * function's field).
 */
export function keyOfFileName(name: string, gridPaths: readonly string[] = []): string {
  const path = gridPaths.find((p) => fileName(p) === name);
  if (path !== undefined) return path;
  return KEY_OF_FILE_NAME.get(name) ?? joinName('', name);
}

/** Rows read from a results or points file, with the columns under their output names again. */
export function rowsFromFile<R extends Record<string, unknown>>(
  rows: readonly R[],
  gridPaths: readonly string[] = [],
): Array<Record<string, unknown>> {
  if (rows.length === 0) return [];
  const names = Object.keys(rows[0]!).map((n) => [n, keyOfFileName(n, gridPaths)] as const);
  return rows.map((r) => Object.fromEntries(names.map(([file, key]) => [key, r[file]])));
}

/**
 * The key a run row holds a grid path's value under: its label column (LABEL_OF_CONFIG_PATH)
 * when the row carries one, else the path itself.
 */
export function gridRowKey(path: string, row: Readonly<Record<string, unknown>> | undefined): string {
  const key = LABEL_OF_CONFIG_PATH[path];
  const name = key === undefined ? undefined : LABEL_SET.field[key];
  return name !== undefined && row !== undefined && Object.hasOwn(row, name) ? name : path;
}

/** Per-CPU row columns by key. */
export const CPU = CPU_SET.field;

/** Time-series columns by key. */
export const SERIES = TIME_SERIES_SET.field;

/** Region-timeline columns. */
export const TIMELINE = REGION_TIMELINE_SET.field;

/** Page-table row columns by key. */
export const PAGE_TABLE = PAGE_TABLE_SET.field;

/** Every table of the vocabulary, by the title docs/metrics.md gives it. */
export const VOCABULARY: Readonly<Record<string, ColumnSet>> = {
  report: REPORT_SET,
  summary: SUMMARY_SET,
  labels: LABEL_SET,
  sweep: new ColumnSet([...SWEEP_LEAD_SET.columns, ...SWEEP_PROVENANCE_SET.columns]),
  points: POINT_SET,
  cpu: CPU_SET,
  mm: MM_SET,
  'time-series': TIME_SERIES_SET,
  'region-timeline': REGION_TIMELINE_SET,
  'page-tables': PAGE_TABLE_SET,
};
