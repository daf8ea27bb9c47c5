import { describe, expect, it } from 'vitest';
import { encodeResults, type JournalEntry, reservedColumns, sameFileName } from '../../src/sweep/results.js';

const context = {
  gridPaths: ['machine.onlineCpusCap'],
  pointInfo: () => ({ replicate: 0, grid: { 'machine.onlineCpusCap': 4 } }),
  provenance: { packageVersion: '0.1.0', gitCommit: null },
};
const entry = (row: JournalEntry['row']): JournalEntry => ({
  point: 0,
  key: 'k',
  configHash: 'h',
  seed: 7,
  events: 1,
  row,
});

describe('the results files name their columns in snake_case', () => {
  it('writes the file names: header and a row', () => {
    const { csv } = encodeResults([entry({ flushesPer1000Gets: 2.5, tlbL1Hits: 3, myField: 'x' })], context);
    expect(csv).toBe(
      'point,replicate,config_hash,seed,machine_online_cpus_cap,package_version,git_commit,' +
        'flushes_per_1000_gets,tlb_l1_hits,my_field\n0,0,h,7,4,0.1.0,,2.5,3,x\n',
    );
  });

  it("refuses a run row field whose file name is a reserved column's", () => {
    const reserved = reservedColumns(context.gridPaths);
    expect(['config_hash', 'configHash', 'machine_online_cpus_cap', 'git_commit'].map((n) => reserved.has(n))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(reserved.has('events')).toBe(false);
    expect(() => encodeResults([entry({ config_hash: 'x' })], context)).toThrow(
      "point 0: the run function's field 'config_hash' is a reserved column name",
    );
  });

  it('finds two fields of a row that would share a file name', () => {
    expect(sameFileName(['a', 'fooBar', 'b', 'foo_bar'])).toEqual(['fooBar', 'foo_bar']);
    expect(sameFileName(['fooBar', 'fooBaz'])).toBeNull();
  });
});
