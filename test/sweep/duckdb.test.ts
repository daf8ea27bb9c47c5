/**
 * The results files as another tool loads them: DuckDB (@duckdb/node-api, a dev dependency with
 * prebuilt binaries) reads results.csv with its own type sniffing, and must find the column names
 * and types the Arrow schema declares. DuckDB reads Arrow IPC only through the nanoarrow
 * community extension, a download at run time, so results.arrow is checked through its schema
 * (flechette) and its values through DuckDB, inserted from the Arrow rows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from '@uwdata/flechette';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/sweep/pool.js';
import { loadSweepSpec } from '../../src/sweep/spec.js';
import { FAKE_WORKER, removeDir, SPEC_FILE, tempDir } from './helpers.js';

const root = tempDir('duckdb');
const dir = join(root, 'sweep');
afterAll(() => removeDir(root));
beforeAll(async () => {
  await runSweep({ spec: loadSweepSpec(SPEC_FILE), out: dir, worker: FAKE_WORKER, workers: 1 });
});

/** What results.csv and results.arrow hold, column by column, as DuckDB names the types. */
const EXPECTED: Array<[string, string]> = [
  ['point', 'BIGINT'],
  ['replicate', 'BIGINT'],
  ['config_hash', 'VARCHAR'],
  ['seed', 'BIGINT'],
  ['mermap_region_pages', 'BIGINT'],
  ['package_version', 'VARCHAR'],
  ['git_commit', 'VARCHAR'],
  ['events', 'BIGINT'],
  ['mean', 'DOUBLE'],
  ['max', 'DOUBLE'],
  ['low_count', 'BIGINT'],
  ['ratio', 'DOUBLE'],
  ['variant', 'VARCHAR'],
  ['large', 'BOOLEAN'],
  ['note', 'VARCHAR'],
];

/** The DuckDB type an Arrow field maps to (the subset results.arrow uses). */
function duckType(type: { typeId: number; bitWidth?: number; signed?: boolean }): string {
  if (type.typeId === 2) return type.bitWidth === 64 || (type.bitWidth === 32 && !type.signed) ? 'BIGINT' : 'INTEGER';
  return { 3: 'DOUBLE', 5: 'VARCHAR', 6: 'BOOLEAN' }[type.typeId as 3 | 5 | 6] ?? `arrow type ${type.typeId}`;
}

describe('results files loaded with DuckDB', () => {
  it('results.csv: the names and types, whole numbers without a decimal point', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const csv = join(dir, 'results.csv').replaceAll("'", "''");
    const described = await con.runAndReadAll(`DESCRIBE SELECT * FROM read_csv('${csv}')`);
    const columns = described.getRowObjects().map((r) => [r.column_name, r.column_type]);
    expect(columns).toEqual(EXPECTED);
    const rows = await con.runAndReadAll(
      `SELECT count(*)::INTEGER AS n, sum(mermap_region_pages)::INTEGER AS r FROM read_csv('${csv}')`,
    );
    expect(rows.getRowObjects()).toEqual([{ n: 12, r: 2 * 2 * (64 + 256 + 1024) }]);
    expect(readFileSync(join(dir, 'results.csv'), 'utf8')).not.toMatch(/,\d+\.0(,|\n)/);
    con.closeSync();
  });

  it('results.arrow: the same names, types DuckDB keeps (integers as integers), same values', async () => {
    const table = tableFromIPC(readFileSync(join(dir, 'results.arrow')));
    const fields = table.schema.fields.map((f) => [f.name, duckType(f.type as never)]);
    // point and replicate are Int32, seed UInt32 (BIGINT in DuckDB): every integer column is an integer
    expect(fields.map(([name, type]) => [name, type === 'INTEGER' ? 'BIGINT' : type])).toEqual(EXPECTED);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const csv = join(dir, 'results.csv').replaceAll("'", "''");
    const fromCsv = (
      await con.runAndReadAll(`SELECT point, events, mermap_region_pages FROM read_csv('${csv}') ORDER BY point`)
    )
      .getRowObjects()
      .map((r) => [Number(r.point), Number(r.events), Number(r.mermap_region_pages)]);
    const fromArrow = table.toArray().map((r) => [r.point, r.events, r.mermap_region_pages]);
    expect(fromCsv).toEqual(fromArrow);
    con.closeSync();
  });
});
