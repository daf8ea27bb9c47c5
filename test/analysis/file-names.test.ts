import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { columnTable } from '../../src/analysis/columns/docs.js';
import {
  fileName,
  fileNames,
  keyOfFileName,
  POINT_SET,
  RUN_SET,
  rowsFromFile,
  SWEEP_LEAD_SET,
  SWEEP_PROVENANCE_SET,
  SWEEP_RESERVED_NAMES,
  VOCABULARY,
} from '../../src/analysis/columns/index.js';

const FILE_NAME = /^[a-z][a-z0-9_]*$/;
/** Every column a results or points file can hold (besides grid paths and custom fields). */
const FILE_COLUMNS = [
  ...RUN_SET.columns,
  ...SWEEP_LEAD_SET.columns,
  ...SWEEP_PROVENANCE_SET.columns,
  ...POINT_SET.columns,
];

describe('file column names (results and points files)', () => {
  it('are snake_case without dots: hand-checked cases', () => {
    expect(
      [
        'flushesPer1000Gets',
        'tlbL1Hits',
        'getsBetweenFlushesP99',
        'P99',
        'mermap.slots',
        'mermap.regionPages',
        'costParamsCr3Cycles',
        'pageTablesP4dTables',
        'failureRateCi95Lo',
        'configHash',
        'n',
      ].map(fileName),
    ).toEqual([
      'flushes_per_1000_gets',
      'tlb_l1_hits',
      'gets_between_flushes_p99',
      'p99',
      'mermap_slots',
      'mermap_region_pages',
      'cost_params_cr3_cycles',
      'page_tables_p4d_tables',
      'failure_rate_ci95_lo',
      'config_hash',
      'n',
    ]);
  });

  it('match ^[a-z][a-z0-9_]*$ for every vocabulary key, and round trip', () => {
    const keys = new Set(Object.values(VOCABULARY).flatMap((set) => set.names));
    for (const c of FILE_COLUMNS) keys.add(c.name);
    expect(keys.size).toBeGreaterThan(270);
    for (const key of keys) expect(fileName(key), key).toMatch(FILE_NAME);
    for (const c of FILE_COLUMNS) expect(keyOfFileName(fileName(c.name)), c.name).toBe(c.name);
  });

  it('are unique within every file', () => {
    // a run row's seed is the lead column seed (the sweep store owns it)
    const results = [...SWEEP_RESERVED_NAMES, ...RUN_SET.names.filter((n) => !SWEEP_RESERVED_NAMES.includes(n))];
    expect(new Set(fileNames(results)).size).toBe(results.length);
    expect(new Set(fileNames(POINT_SET.names)).size).toBe(POINT_SET.names.length);
    expect(() => fileNames(['tlbL1', 'tlb.l1'])).toThrow(
      "columns 'tlbL1' and 'tlb.l1' would both be 'tlb_l1' in the files",
    );
  });

  it('map back to grid paths, vocabulary names and camelCase fields when read', () => {
    expect(keyOfFileName('machine_online_cpus_cap', ['machine.onlineCpusCap'])).toBe('machine.onlineCpusCap');
    expect(keyOfFileName('flushes_per_1000_gets')).toBe('flushesPer1000Gets');
    expect(keyOfFileName('low_count')).toBe('lowCount');
    expect(rowsFromFile([{ config_hash: 'ab', workload_x: 2, tlb_l1_hits: 3 }], ['workload.x'])).toEqual([
      { configHash: 'ab', 'workload.x': 2, tlbL1Hits: 3 },
    ]);
    expect(rowsFromFile([])).toEqual([]);
  });

  it('docs/metrics.md shows them beside the names for the tables the files hold', () => {
    expect(columnTable(SWEEP_LEAD_SET, true).split('\n').slice(0, 3)).toEqual([
      '| column | file column | unit | kind | meaning |',
      '|---|---|---|---|---|',
      '| `point` | `point` |  | int | grid point index (replicates of a point have their own index) |',
    ]);
    const md = readFileSync('docs/metrics.md', 'utf8');
    expect(md).toContain('| `flushesPer1000Gets` | `flushesPer1000Gets` | `flushes_per_1000_gets` |');
    expect(md).toContain('| `configHash` | `config_hash` |');
  });
});
