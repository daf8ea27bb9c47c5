import { describe, expect, it } from 'vitest';
import { allocatorInfo } from '../../src/core/allocators.js';
import { runPoint, twinKey } from '../../src/run/point.js';

/**
 * Twin runs (src/run/twins.ts): configs that differ only in possible CPUs above the online count
 * are one simulation, and a twin's row is derived from it. The claim behind it, checked here by
 * running every twin in full: for the kernel versions of the mermap, possible CPUs beyond the
 * online ones change the page-table columns and nothing else.
 */

/** A point of the default sweep's kind, shortened: 8 CPUs online whatever the possible count. */
function point(variant: string, possibleCpus: number, seed = 7, regionPages = 512): Record<string, unknown> {
  return {
    seed,
    machine: { possibleCpus, onlineCpusCap: 8, tlb: 'golden-cove', shadowTlb: false },
    mermap: { variant, regionPages },
    workload: { kind: 'unmapped-alloc', tlbPressure: {} },
    length: { events: 30_000 },
  };
}

const PAGE_TABLE_COLUMNS = [
  'pageTablesBytesPerMm',
  'pageTablesTablePagesPerMm',
  'pageTablesPteTables',
  'pageTablesSetupPteWrites',
  'pageTablesTotalBytes',
];

describe('twin runs', () => {
  it.each(['rfc-v1', 'rfc-later', 'dev-snapshot'])(
    '%s: a twin row is the row of its own full run',
    async (variant) => {
      const twins = [point(variant, 9), point(variant, 64), point(variant, 256)];
      const source = await runPoint(point(variant, 16), twins);
      const twinRows = source.twinRows ?? [];
      expect(twinRows).toHaveLength(3);
      for (let i = 0; i < twins.length; i++) {
        const full = await runPoint(twins[i]);
        expect(twinRows[i]).toEqual(full.row);
        expect(full.twinRows).toBeUndefined();
      }
      // and they are not all one row: the page-table columns follow the possible CPUs
      const differ = Object.keys(source.row).filter((k) => source.row[k] !== twinRows[2]![k]);
      expect(differ.sort()).toEqual(['possibleCpus', ...PAGE_TABLE_COLUMNS].sort());
    },
    60_000,
  );

  it.each([
    ['guest-memfd-populate', { kind: 'guest-memfd-populate', guestGiB: 1, vcpus: 4 }],
    ['microbench window', { kind: 'microbench', mode: 'window', sizes: { dist: 'uniform', min: 1, max: 64 } }],
  ])('%s: a twin row is the row of its own full run, on another TLB and direct map', async (_name, workload) => {
    const config = (possibleCpus: number) => ({
      seed: 3,
      machine: { possibleCpus, onlineCpusCap: 4, tlb: 'zen2', shadowTlb: true, directMapPageSize: '2m' },
      mermap: { variant: 'rfc-v1', regionPages: 256 },
      workload,
      faults: { pteWriteFailProbability: 0.001 },
      length: { events: 4_000 },
    });
    expect(twinKey(config(64))).toBe(twinKey(config(8)));
    const source = await runPoint(config(8), [config(64)]);
    expect(source.twinRows?.[0]).toEqual((await runPoint(config(64))).row);
  });

  it('gives twins one key, and everything else its own', () => {
    const k = twinKey(point('rfc-v1', 16));
    expect(k).not.toBeNull();
    expect(twinKey(point('rfc-v1', 64))).toBe(k);
    expect(twinKey(point('rfc-v1', 256))).toBe(k);
    // another seed, region or variant is another simulation
    expect(twinKey(point('rfc-v1', 64, 8))).not.toBe(k);
    expect(twinKey(point('rfc-v1', 64, 7, 1024))).not.toBe(k);
    expect(twinKey(point('rfc-later', 64))).not.toBe(k);
    // an explicit onlineCpus of the same count is the same simulation
    const explicit = point('rfc-v1', 64);
    explicit.machine = { possibleCpus: 64, onlineCpus: 8, tlb: 'golden-cove', shadowTlb: false };
    expect(twinKey(explicit)).toBe(k);
  });

  it('gives no key where possible CPUs are all online, or may change what the allocator does', () => {
    expect(twinKey(point('rfc-v1', 8))).toBeNull(); // 8 possible, 8 online
    expect(twinKey(point('rfc-v1', 4))).toBeNull();
    expect(allocatorInfo('vmap-block')?.possibleCpusLayoutOnly).toBe(false); // its block size follows them
    expect(twinKey(point('vmap-block', 64))).toBeNull();
    expect(twinKey({ ...point('rfc-v1', 64), workload: { kind: 'ops', path: 'ops.json' } })).toBeNull();
    expect(twinKey({ machine: { possibleCpus: 'many' } })).toBeNull(); // invalid: the worker reports it
  });
});
