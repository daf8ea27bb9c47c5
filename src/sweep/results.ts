/**
 * Result rows: from journal entries to the canonical results table, CSV and Arrow IPC.
 *
 * One row per point, sorted by point index. Columns (named by outputName(), and in the files by
 * fileName(): snake_case, `configHash` is `config_hash`), in order:
 *   point, replicate, configHash, seed        which run this is (seed: the derived seed)
 *   <grid paths>                              the grid values, named outputName(path); a path a
 *                                             run row carries as a label column (LABEL_OF_CONFIG_PATH:
 *                                             mermap.regionPages is regionPages) gets no column
 *   packageVersion, gitCommit                 what produced it (gitCommit empty when unknown)
 *   <the run function's fields>               in the order first seen, scanning rows by point
 * No timings: the bytes of the files depend only on the spec, the code and the row values, so
 * any worker count, sharding or resume gives the same files.
 *
 * Arrow types come from the column vocabulary's kinds, not from the values: point and replicate
 * int32, seed uint32; 'int' columns Int64 (a count of a long trace can pass 2^31; Int64 holds any
 * count a double holds exactly, and pandas, polars and DuckDB read it as int64/BIGINT); 'float'
 * Float64; 'string' Utf8. Every field carries its unit and description as Arrow field metadata
 * ("unit", "description"). A column the vocabulary does not know (a grid path, a custom run
 * function's field) is Int64 if all its values are whole numbers, Float64 if numbers, Bool if
 * booleans, else Utf8; a column mixing kinds is written as text in both files. Grid values that
 * are lists or mappings are written as their canonical JSON.
 */
import { table, toCSV, type ColumnTable } from 'arquero';
import { bool, field, float64, int32, int64, tableFromArrays, tableToIPC, uint32, utf8 } from '@uwdata/flechette';
import {
  fileName,
  fileNames,
  LABEL_OF_CONFIG_PATH,
  LABEL_SET,
  outputName,
  resultsColumn,
  SWEEP,
  SWEEP_LEAD_SET,
  SWEEP_PROVENANCE_SET,
} from '../analysis/columns/index.js';
import { canonicalJson } from '../config/canonical.js';
import type { Provenance } from './provenance.js';
import type { Cell } from './worker-entry.js';

export type { Cell };

/** One finished point, as journaled. */
export interface JournalEntry {
  point: number;
  key: string;
  configHash: string;
  seed: number;
  events: number;
  row: Record<string, Cell>;
}

/** What the results table needs besides the entries. */
export interface TableContext {
  gridPaths: string[];
  /** Replicate and grid values of each point, by point index. */
  pointInfo: (index: number) => { replicate: number; grid: Record<string, unknown> };
  provenance: Provenance;
}

/** Before the grid paths (the column vocabulary, src/analysis/columns). */
export const LEAD_COLUMNS: readonly string[] = SWEEP_LEAD_SET.names;
/** After the grid paths. */
export const PROVENANCE_COLUMNS: readonly string[] = SWEEP_PROVENANCE_SET.names;

/**
 * The run function's row may not use these columns' names, nor a name with the same file name
 * (fileName: `config_hash` is `configHash` in the files). `has(name)` answers for a row's field.
 */
export function reservedColumns(gridPaths: readonly string[]): { has(name: string): boolean } {
  const files = new Set<string>(
    [...LEAD_COLUMNS, ...gridPaths.map(outputName), ...PROVENANCE_COLUMNS].map((name) => fileName(name)),
  );
  return { has: (name) => files.has(fileName(name)) };
}

/** Two of `names` that would have the same file name (fileName), or null. */
export function sameFileName(names: readonly string[]): [string, string] | null {
  const seen = new Map<string, string>();
  for (const name of names) {
    const other = seen.get(fileName(name));
    if (other !== undefined) return [other, name];
    seen.set(fileName(name), name);
  }
  return null;
}

/**
 * The label column a grid path's value is in when every row carries it (then the path gets no
 * column of its own), else null.
 */
function labelColumnOf(path: string, rows: readonly JournalEntry[]): string | null {
  const key = LABEL_OF_CONFIG_PATH[path];
  if (key === undefined) return null;
  const name = LABEL_SET.field[key];
  return rows.length > 0 && rows.every((e) => Object.hasOwn(e.row, name)) ? name : null;
}

type ArrowType =
  | ReturnType<typeof float64>
  | ReturnType<typeof int32>
  | ReturnType<typeof int64>
  | ReturnType<typeof uint32>
  | ReturnType<typeof utf8>
  | ReturnType<typeof bool>;

const isWhole = (v: Cell): boolean => v === null || (typeof v === 'number' && Number.isSafeInteger(v));

function gridCell(value: unknown): Cell {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    return value;
  }
  return canonicalJson(value);
}

/** Give a column one kind of value, and pick its Arrow type (from its kind when it has one). */
function settleColumn(name: string, values: Cell[]): { values: Cell[]; type: ArrowType } {
  const kinds = new Set<string>();
  for (const v of values) if (v !== null) kinds.add(typeof v);
  const known = resultsColumn(name)?.kind;
  if (kinds.size <= 1 && known !== undefined) {
    const [kind = known === 'string' ? 'string' : 'number'] = kinds;
    if (known === 'int' && kind === 'number') {
      const bad = values.find((v) => !isWhole(v));
      if (bad !== undefined) throw new Error(`column '${name}' holds whole numbers, but a row has ${bad}`);
      return { values, type: int64() };
    }
    if (known === 'float' && kind === 'number') return { values, type: float64() };
    if (known === 'string' && kind === 'string') return { values, type: utf8() };
  }
  if (kinds.size === 1) {
    const [kind] = kinds;
    if (kind === 'number') return { values, type: values.every(isWhole) ? int64() : float64() };
    if (kind === 'boolean') return { values, type: bool() };
    return { values, type: utf8() };
  }
  if (kinds.size === 0) return { values, type: utf8() };
  return { values: values.map((v) => (v === null ? null : String(v))), type: utf8() };
}

/** The canonical results table of `entries` (any order in, sorted by point out). */
export function resultsTable(
  entries: Iterable<JournalEntry>,
  context: TableContext,
): { table: ColumnTable; types: Record<string, ArrowType> } {
  const rows = [...entries].sort((a, b) => a.point - b.point);
  const reserved = reservedColumns(context.gridPaths);
  const fields: string[] = [];
  const seenFields = new Set<string>();
  for (const entry of rows) {
    for (const name of Object.keys(entry.row)) {
      if (reserved.has(name)) {
        throw new Error(`point ${entry.point}: the run function's field '${name}' is a reserved column name`);
      }
      if (!seenFields.has(name)) {
        seenFields.add(name);
        fields.push(name);
      }
    }
  }

  const columns = new Map<string, Cell[]>();
  const types: Record<string, ArrowType> = {};
  const info = rows.map((e) => context.pointInfo(e.point));
  const lead: Array<[name: string, values: Cell[], type: ArrowType]> = [
    [SWEEP.point, rows.map((e) => e.point), int32()],
    [SWEEP.replicate, info.map((i) => i.replicate), int32()],
    [SWEEP.configHash, rows.map((e) => e.configHash), utf8()],
    [SWEEP.seed, rows.map((e) => e.seed), uint32()],
  ];
  for (const [name, values, type] of lead) {
    columns.set(name, values);
    types[name] = type;
  }
  const settle = (name: string, values: Cell[]) => {
    const settled = settleColumn(name, values);
    columns.set(name, settled.values);
    types[name] = settled.type;
  };
  for (const path of context.gridPaths) {
    if (labelColumnOf(path, rows) !== null) continue;
    settle(
      outputName(path),
      info.map((i) => gridCell(i.grid[path])),
    );
  }
  settle(
    SWEEP.packageVersion,
    rows.map(() => context.provenance.packageVersion),
  );
  settle(
    SWEEP.gitCommit,
    rows.map(() => context.provenance.gitCommit),
  );
  for (const name of fields)
    settle(
      name,
      rows.map((e) => (Object.hasOwn(e.row, name) ? e.row[name]! : null)),
    );

  return { table: table(columns, [...columns.keys()]), types };
}

/** Arrow field metadata of a results column: its unit and description, when known. */
function fieldMetadata(name: string, gridPaths: readonly string[]): Map<string, string> {
  const column = resultsColumn(name);
  const meta = new Map<string, string>();
  if (column !== undefined) {
    if (column.unit !== '') meta.set('unit', column.unit);
    meta.set('description', column.description);
    return meta;
  }
  const path = gridPaths.find((p) => outputName(p) === name);
  meta.set('description', path !== undefined ? `grid value of the config path ${path}` : 'a field of the run row');
  return meta;
}

/**
 * The bytes of results.csv and results.arrow (Arrow IPC file format), the columns under their
 * file names (fileName: snake_case, no dots); readers map them back (keyOfFileName).
 */
export function encodeResults(
  entries: Iterable<JournalEntry>,
  context: TableContext,
): { csv: string; arrow: Uint8Array } {
  const { table: t, types } = resultsTable(entries, context);
  const names = t.columnNames();
  const files = fileNames(names);
  const renamed = table(new Map(names.map((name, i) => [files[i]!, t.array(name) as unknown[]])), files);
  const arrow = tableFromArrays(
    files.map((file) => [file, renamed.array(file) as unknown[]] as [string, unknown[]]),
    { types: Object.fromEntries(names.map((name, i) => [files[i]!, types[name]!])) },
  );
  arrow.schema.fields = arrow.schema.fields.map((f, i) =>
    field(f.name, f.type, f.nullable, fieldMetadata(names[i]!, context.gridPaths)),
  );
  return { csv: toCSV(renamed), arrow: tableToIPC(arrow, { format: 'file' })! };
}
