/**
 * Result rows: from journal entries to the canonical results table, CSV and Arrow IPC.
 *
 * One row per point, sorted by point index. Columns, in this order:
 *   point, replicate, configHash, seed        which run this is (seed: the derived seed)
 *   <grid paths>                              the grid values, named by dotted path
 *   packageVersion, gitCommit                 what produced it (gitCommit empty when unknown)
 *   <the run function's fields>               in the order first seen, scanning rows by point
 * No timings: the bytes of the files depend only on the spec, the code and the row values, so
 * any worker count, sharding or resume gives the same files.
 *
 * Arrow types: point and replicate int32, seed uint32; any other column float64 if all its
 * values are numbers, bool if all booleans, utf8 if all strings (or all null); a column mixing
 * kinds is written as text in both files. Grid values that are lists or mappings are written as
 * their canonical JSON.
 */
import { table, toArrowIPC, toCSV, type ColumnTable } from 'arquero';
import { bool, float64, int32, uint32, utf8 } from '@uwdata/flechette';
import { SWEEP, SWEEP_LEAD_SET, SWEEP_PROVENANCE_SET } from '../analysis/columns/index.js';
import { canonicalJson } from './canonical.js';
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

/** Column names the run function's row may not use. */
export function reservedColumns(gridPaths: readonly string[]): Set<string> {
  return new Set<string>([...LEAD_COLUMNS, ...gridPaths, ...PROVENANCE_COLUMNS]);
}

type ArrowType =
  | ReturnType<typeof float64>
  | ReturnType<typeof int32>
  | ReturnType<typeof utf8>
  | ReturnType<typeof bool>;

function gridCell(value: unknown): Cell {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    return value;
  }
  return canonicalJson(value);
}

/** Give a column one kind of value, and pick its Arrow type. */
function settleColumn(values: Cell[]): { values: Cell[]; type: ArrowType } {
  const kinds = new Set<string>();
  for (const v of values) if (v !== null) kinds.add(typeof v);
  if (kinds.size === 1) {
    const [kind] = kinds;
    if (kind === 'number') return { values, type: float64() };
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
  columns.set(
    SWEEP.point,
    rows.map((e) => e.point),
  );
  types[SWEEP.point] = int32();
  columns.set(
    SWEEP.replicate,
    info.map((i) => i.replicate),
  );
  types[SWEEP.replicate] = int32();
  columns.set(
    SWEEP.configHash,
    rows.map((e) => e.configHash),
  );
  types[SWEEP.configHash] = utf8();
  columns.set(
    SWEEP.seed,
    rows.map((e) => e.seed),
  );
  types[SWEEP.seed] = uint32();
  const settle = (name: string, values: Cell[]) => {
    const settled = settleColumn(values);
    columns.set(name, settled.values);
    types[name] = settled.type;
  };
  for (const path of context.gridPaths)
    settle(
      path,
      info.map((i) => gridCell(i.grid[path])),
    );
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

/** The bytes of results.csv and results.arrow (Arrow IPC file format). */
export function encodeResults(
  entries: Iterable<JournalEntry>,
  context: TableContext,
): { csv: string; arrow: Uint8Array } {
  const { table: t, types } = resultsTable(entries, context);
  return { csv: toCSV(t), arrow: toArrowIPC(t, { format: 'file', types }) };
}
