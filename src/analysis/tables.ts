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
import type { RunConfig } from '../config/index.js';
import { joinName, LABEL, LABEL_SET, outputName, SUMMARY_DUPLICATE_OF_LABEL } from './columns/index.js';
import type { RunSummary } from './metrics/summary.js';

export { joinName };

export type Cell = number | string | boolean | null;
export type RunRow = Record<string, Cell>;

/** What identifies a run in tables and chart captions. Every field is optional. */
export interface RunLabel {
  /** a name for the run (a preset, a sweep point) */
  name?: string | undefined;
  /** mermap variant or alternative policy (config mermap.variant) */
  variant?: string | undefined;
  /** R, pages per CPU region */
  regionPages?: number | undefined;
  /** slots per CPU per mm */
  slots?: number | undefined;
  /** online CPUs */
  cpus?: number | undefined;
  possibleCpus?: number | undefined;
  pagingLevels?: number | undefined;
  /** workload kind */
  workload?: string | undefined;
  seed?: number | string | undefined;
  /** TLB geometry preset */
  tlb?: string | undefined;
  /** cost-model preset */
  costModel?: string | undefined;
}

/** The label columns in table order (the vocabulary's, src/analysis/columns). */
export const LABEL_COLUMNS = LABEL_SET.keys as readonly (keyof RunLabel)[];

/** The label of a parsed run config. */
export function labelFromRunConfig(cfg: RunConfig): RunLabel {
  const label: RunLabel = {
    variant: cfg.mermap.variant,
    regionPages: cfg.mermap.regionPages,
    slots: cfg.mermap.slots,
    cpus: cfg.machine.onlineCpus,
    possibleCpus: cfg.machine.possibleCpus,
    pagingLevels: cfg.machine.pagingLevels,
    workload: cfg.workload.kind,
    seed: cfg.seed,
    tlb: cfg.machine.tlb,
  };
  if (cfg.name !== undefined) label.name = cfg.name;
  if (cfg.cost !== undefined) label.costModel = cfg.cost.preset;
  return label;
}

/**
 * Flatten nested plain objects into one row; arrays become their JSON text; undefined is dropped;
 * non-finite numbers become null (Arrow and CSV have no NaN column type worth keeping).
 */
export function flattenRecord(obj: Record<string, unknown>, prefix = '', out: RunRow = {}): RunRow {
  for (const [k, v] of Object.entries(obj)) {
    const key = joinName(prefix, k);
    const name = outputName(key);
    if (v === undefined) continue;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') out[name] = v;
    else if (typeof v === 'number') out[name] = Number.isFinite(v) ? v : null;
    else if (Array.isArray(v)) out[name] = JSON.stringify(v);
    else if (typeof v === 'object') flattenRecord(v as Record<string, unknown>, key, out);
  }
  return out;
}

/** Label columns (in LABEL_COLUMNS order, those present) then the flattened summary. */
export function summaryToRow(summary: RunSummary, label: RunLabel = {}): RunRow {
  const row: RunRow = labelRow(label);
  flattenRecord(summary as unknown as Record<string, unknown>, '', row);
  for (const [key, labelKey] of Object.entries(SUMMARY_DUPLICATE_OF_LABEL)) {
    if (label[labelKey] !== undefined) delete row[outputName(key)];
  }
  return row;
}

function labelRow(label: RunLabel): RunRow {
  const row: RunRow = {};
  for (const k of LABEL_COLUMNS) {
    const v = label[k];
    if (v !== undefined) row[LABEL[k]] = v;
  }
  return row;
}

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
