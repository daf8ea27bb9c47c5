/**
 * One run as one flat row, without arquero (a sweep point's worker thread loads only this):
 *
 *   summaryToRow(summary, label)   RunSummary (nested) -> one flat row: label columns first, then
 *                                  every summary field, nested names joined in camelCase
 *                                  (wastedVa.meanFraction -> wastedVaMeanFraction,
 *                                   failures.no_space -> failuresNoSpace)
 *
 * The arquero tables built from such rows are in tables.ts, which re-exports all of this.
 */
import type { RunConfig } from '../config/index.js';
import { joinName, LABEL, LABEL_SET, outputName, SUMMARY_DUPLICATE_OF_LABEL } from './columns/index.js';
import type { RunSummary } from './metrics/summary.js';

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

export function labelRow(label: RunLabel): RunRow {
  const row: RunRow = {};
  for (const k of LABEL_COLUMNS) {
    const v = label[k];
    if (v !== undefined) row[LABEL[k]] = v;
  }
  return row;
}
