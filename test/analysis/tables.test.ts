import { describe, expect, it } from 'vitest';
import { defineRunConfig } from '../../src/config/index.js';
import {
  cpuTable,
  flattenRecord,
  joinName,
  labelFromRunConfig,
  runTable,
  summaryToRow,
  timeSeriesTable,
} from '../../src/analysis/tables.js';
import { pageTableRows } from '../../src/analysis/metrics/page-tables.js';
import { Driven } from './helpers.js';

function smallRun(seed: number) {
  const d = new Driven({ possibleCpus: 2, regionPages: 16, tlb: 'tiny' }, { sampleEveryOps: 4 }, 50);
  const t = d.machine.createTask(d.machine.createMm(), 0);
  for (let i = 0; i < 20 + seed; i++) {
    const h = d.step((m) => m.mermapGet(t, 2, 0x100 + i));
    d.step((m) => m.mermapPut(t, h));
  }
  return { summary: d.finish(), metrics: d.metrics };
}

describe('flattening', () => {
  it('joins nested names in camelCase, snake_case parts included', () => {
    expect(joinName('', 'no_space')).toBe('noSpace');
    expect(joinName('failures', 'no_space')).toBe('failuresNoSpace');
    expect(joinName('wastedVa', 'meanFraction')).toBe('wastedVaMeanFraction');
    expect(flattenRecord({ a: { b_c: 1, d: { e: 'x' } }, f: [1, 2], g: undefined, h: NaN })).toEqual({
      aBC: 1,
      aDE: 'x',
      f: '[1,2]',
      h: null,
    });
  });

  it('summaryToRow: label columns first, every summary field as a flat column', () => {
    const { summary } = smallRun(0);
    const row = summaryToRow(summary, {
      variant: 'rfc-v1',
      regionPages: 16,
      slots: 4,
      cpus: 2,
      workload: 'microbench',
      seed: 7,
    });
    const cols = Object.keys(row);
    expect(cols.slice(0, 6)).toEqual(['variant', 'regionPages', 'slots', 'cpus', 'workload', 'seed']);
    for (const c of [
      'events',
      'gets',
      'flushes',
      'flushesPer1000Gets',
      'flushesPerSecond',
      'getsBetweenFlushesMean',
      'getsBetweenFlushesP50',
      'getsBetweenFlushesP99',
      'failuresNoSpace',
      'failuresPteWriteFailed',
      'fastPathFailures',
      'fallbackPages',
      'wastedVaMeanFraction',
      'wastedVaPeakFraction',
      'wastedVaWeighting',
      'failureStatesMeanPinned',
      'tlbHits',
      'tlbDiscardedMermap',
      'tlbDiscardedOtherPcid',
      'tlbPerFlushUser',
      'tlbRefillsAfterFlush',
      'costModel',
      'costTotalCycles',
      'costPerGetCycles',
      'costParamsInvlpgCycles',
      'pageTablesBytesPerMm',
      'exposureMeanNs',
      'exposureStaleLive',
      'violationsReuseWithoutFlush',
      'violationsLockInAtomic',
      'simulatedSeconds',
      'machineShootdowns',
    ]) {
      expect(cols, c).toContain(c);
    }
    for (const v of Object.values(row))
      expect(['number', 'string', 'boolean'].includes(typeof v) || v === null).toBe(true);
    // 16-page region, 2-page get/put pairs: 15 normal pages hold 7 allocations, the 8th get flushes
    expect(row.getsBetweenFlushesMean).toBe(7);
  });

  it('labelFromRunConfig names the run as a caption needs it', () => {
    const cfg = defineRunConfig({
      machine: { possibleCpus: 8, onlineCpus: 4 },
      mermap: { variant: 'rfc-later' },
      seed: 3,
    });
    expect(labelFromRunConfig(cfg)).toEqual({
      variant: 'rfc-later',
      regionPages: 512,
      slots: 3,
      cpus: 4,
      possibleCpus: 8,
      pagingLevels: 4,
      workload: 'unmapped-alloc',
      seed: 3,
      tlb: 'golden-cove',
    });
  });
});

describe('arquero tables', () => {
  it('one row per run, per run x CPU, and the time series, with label columns', () => {
    const a = smallRun(0);
    const b = smallRun(1);
    const runs = runTable([
      summaryToRow(a.summary, { variant: 'rfc-v1', seed: 0 }),
      summaryToRow(b.summary, { variant: 'rfc-v1', seed: 1 }),
    ]);
    expect(runs.numRows()).toBe(2);
    expect(runs.array('gets')).toEqual([20, 21]);
    expect(runs.columnNames()).toContain('wastedVaMeanFraction');

    const cpus = cpuTable(a.metrics.perCpuRows(), { variant: 'rfc-v1', seed: 0 });
    expect(cpus.numRows()).toBe(2);
    expect(cpus.columnNames().slice(0, 3)).toEqual(['variant', 'seed', 'cpu']);
    expect(cpus.array('gets')).toEqual([20, 0]);

    const ts = timeSeriesTable(a.metrics.timeSeriesRows(), { variant: 'rfc-v1', seed: 0 });
    expect(ts.numRows()).toBe(11); // ops 0, 4, ..., 40
    for (const c of [
      'op',
      'timeNs',
      'timeMs',
      'wastedFraction',
      'wastedMeanFraction',
      'flushesPer1000Gets',
      'failureRate',
      'tlbMissRate',
      'sampleStep',
    ]) {
      expect(ts.columnNames(), c).toContain(c);
    }
  });

  it('page-table rows: 256 possible CPUs x 2 MiB = 258 pages (~1.01 MiB) per mm (facts §4.3)', () => {
    const rows = pageTableRows({ regionPages: [512], possibleCpus: [1, 256, 8192] });
    expect(rows.map((r) => r.pageTablesTablePagesPerMm)).toEqual([3, 258, 8192 + 17 + 1]);
    expect(rows[1].pageTablesBytesPerMm).toBe(258 * 4096);
    // 8192 CPUs x 2^20 pages does not fit in the 512 GiB slot: left out
    expect(pageTableRows({ regionPages: [2 ** 20], possibleCpus: [8192] })).toEqual([]);
  });
});
