import { describe, expect, it } from 'vitest';
import { Driven } from './helpers.js';

describe('page-table memory', () => {
  it('per mm against possible CPUs and R: N PTE pages + ceil((N+1)/512) PMD + 1 PUD', () => {
    const d = new Driven({ possibleCpus: 4, onlineCpus: 2, tlb: 'tiny' });
    d.machine.createMm();
    d.machine.createMm();
    const s = d.finish();
    expect(s.pageTables).toEqual({
      bytesPerMm: 6 * 4096,
      tablePagesPerMm: 6,
      pteTables: 4,
      pmdTables: 1,
      pudTables: 1,
      p4dTables: 0,
      setupPteWrites: 4 * 512,
      possibleCpus: 4,
      regionPages: 512,
      pagingLevels: 4,
      preparedMms: 2,
      totalBytes: 2 * 6 * 4096,
    });
    expect(d.metrics.perCpuRows()).toHaveLength(2); // online CPUs only
  });
});
