import { describe, expect, it } from 'vitest';
import { ConfigError, parseRunConfig } from '../../src/config/index.js';
import { issuesOf } from './helpers.js';

describe('parseRunConfig errors: every field named with its value and what is allowed', () => {
  it('reports many problems at once, in a fixed order', () => {
    expect(
      issuesOf({
        machine: { possibleCpus: 4, onlineCpus: 8, cpus: 3 },
        mermap: { regionPages: 1, variant: 'rfc-v9' },
        workload: { kind: 'unmapped-alloc', ratePerCpuHz: -1, orders: [1, 2], preemptProbability: 1.5 },
        seed: -3,
        length: {},
      }),
    ).toEqual([
      'machine.cpus: unknown field: allowed fields are possibleCpus, onlineCpus, onlineCpusCap, pagingLevels, tlb, directMapPageSize, preemptRt, shadowTlb',
      'mermap.variant: "rfc-v9" is not allowed: must be one of "rfc-v1", "rfc-later", "dev-snapshot", "flush-on-put", "kmap-local", "vmap-block", "mermap-reuse", "mermap-invpcid"',
      'mermap.regionPages: 1 is not allowed: must be a whole number of pages in 2..262144',
      'workload.ratePerCpuHz: -1 is not allowed: must be a rate in Hz in [0, 100000000]',
      'workload.orders: [1,2] is not allowed: must be 11 weights, one per order 0..10',
      'workload.preemptProbability: 1.5 is not allowed: must be a probability in [0, 1]',
      'seed: -3 is not allowed: must be a whole number in 0..9007199254740991 or a non-empty string',
      'machine.onlineCpus: 8 is not allowed: must be <= machine.possibleCpus (4)',
      'length: {} is not allowed: must give events, seconds or both',
    ]);
  });

  it('the ConfigError message lists the source and every issue', () => {
    expect(() => parseRunConfig({ mermap: { regionPages: 0 } }, 'run.yaml')).toThrow(
      new ConfigError('run.yaml', [
        'mermap.regionPages: 0 is not allowed: must be a whole number of pages in 2..262144',
      ]),
    );
    try {
      parseRunConfig({ machine: { possibleCpus: 0 }, mermap: { regionPages: 2.5 } }, 'run.yaml');
    } catch (e) {
      expect((e as Error).message).toBe(
        'run.yaml: invalid config:\n' +
          '  machine.possibleCpus: 0 is not allowed: must be a whole number of CPUs in 1..8192\n' +
          '  mermap.regionPages: 2.5 is not allowed: must be a whole number of pages in 2..262144',
      );
      expect((e as ConfigError).exitCode).toBe(2);
    }
  });

  it('vmap-block blocks fit in the region; onlineCpusCap caps the default online count', () => {
    expect(issuesOf({ mermap: { variant: 'vmap-block', regionPages: 64, vmapBlockPages: 128 } })).toEqual([
      'mermap.vmapBlockPages: 128 is not allowed: a block must fit in the region (at most mermap.regionPages = 64)',
    ]);
    expect(parseRunConfig({ mermap: { variant: 'vmap-block' } }).mermap.vmapBlockPages).toBeUndefined();
    // Past the largest region every threshold acts the same; they used to be bounded by 2^53 - 1 only.
    expect(issuesOf({ mermap: { vmapBlockPages: 0, vmapLazyPages: 262145, flushCeilingPages: 2 ** 53 - 1 } })).toEqual([
      'mermap.vmapBlockPages: 0 is not allowed: must be a whole number of pages in 1..262144',
      'mermap.vmapLazyPages: 262145 is not allowed: must be a whole number of pages in 0..262144',
      'mermap.flushCeilingPages: 9007199254740991 is not allowed: must be a whole number of pages in 0..262144',
    ]);
    const m = parseRunConfig({ mermap: { vmapLazyPages: 262144, flushCeilingPages: 262144 } }).mermap;
    expect([m.vmapLazyPages, m.flushCeilingPages]).toEqual([262144, 262144]);
    expect(parseRunConfig({ machine: { possibleCpus: 256, onlineCpusCap: 4 } }).machine.onlineCpus).toBe(4);
    expect(parseRunConfig({ machine: { possibleCpus: 2, onlineCpusCap: 4 } }).machine.onlineCpus).toBe(2);
  });

  it('CPU counts: 1..8192, online <= possible', () => {
    expect(issuesOf({ machine: { possibleCpus: 8193 } })).toEqual([
      'machine.possibleCpus: 8193 is not allowed: must be a whole number of CPUs in 1..8192',
    ]);
    expect(issuesOf({ machine: { onlineCpus: 5 } })).toEqual([
      'machine.onlineCpus: 5 is not allowed: must be <= machine.possibleCpus (4)',
    ]);
    expect(issuesOf({ machine: { possibleCpus: '4' } })).toEqual([
      'machine.possibleCpus: "4" is not allowed: must be a whole number of CPUs in 1..8192',
    ]);
    expect(parseRunConfig({ machine: { possibleCpus: 8192, onlineCpus: 1 } }).machine.onlineCpus).toBe(1);
  });

  it('the mermap must fit in the mm-local PGD slot', () => {
    expect(issuesOf({ machine: { possibleCpus: 8192 }, mermap: { regionPages: 20000 } })).toEqual([
      'mermap.regionPages: 20000 is not allowed: 8192 CPUs x 20000 pages do not fit in the mm-local PGD slot with 4-level paging (at most 16383 pages per CPU)',
    ]);
    expect(
      parseRunConfig({ machine: { possibleCpus: 8192, pagingLevels: 5 }, mermap: { regionPages: 20000 } }).mermap
        .regionPages,
    ).toBe(20000);
  });

  it('enums, missing fields, unknown kinds, wrong types', () => {
    expect(issuesOf({ machine: { pagingLevels: 3, tlb: 'skylake', directMapPageSize: '4m' } })).toEqual([
      'machine.pagingLevels: 3 is not allowed: must be 4 or 5',
      'machine.tlb: "skylake" is not allowed: must be one of "golden-cove", "haswell", "zen2", "tiny"',
      'machine.directMapPageSize: "4m" is not allowed: must be one of "4k", "2m", "1g"',
    ]);
    expect(issuesOf({ workload: { kind: 'ops' } })).toEqual([
      'workload.path: is missing: must be a non-empty file path',
    ]);
    expect(issuesOf({ workload: { kind: 'fio' } })).toEqual([
      'workload.kind: "fio" is not allowed: must be one of "unmapped-alloc", "guest-memfd-populate", "microbench", "ops", "ftrace"',
    ]);
    expect(issuesOf({ workload: 7 })).toEqual(['workload: 7 is not allowed: must be an object with a kind']);
    expect(issuesOf({ workload: {} })).toEqual([
      'workload.kind: is missing: must be one of "unmapped-alloc", "guest-memfd-populate", "microbench", "ops", "ftrace"',
    ]);
    expect(issuesOf(null)).toEqual(['(config): null is not allowed: must be an object']);
    expect(issuesOf({ machine: [] })).toEqual(['machine: [] is not allowed: must be an object']);
    expect(issuesOf({ bogus: 1 })).toEqual([
      'bogus: unknown field: allowed fields are name, machine, mermap, workload, faults, cost, seed, length',
    ]);
  });

  it('orders: 11 non-negative weights with a positive sum', () => {
    expect(issuesOf({ workload: { kind: 'unmapped-alloc', orders: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1] } })).toEqual([
      'workload.orders[10]: -1 is not allowed: must be a weight >= 0',
    ]);
    expect(issuesOf({ workload: { kind: 'unmapped-alloc', orders: new Array(11).fill(0) } })).toEqual([
      'workload.orders: [0,0,0,0,0,0,0,0,0,0,0] is not allowed: must have a positive sum',
    ]);
  });

  it('per-workload fields: probabilities, durations, sizes, filters, tlbPressure', () => {
    expect(
      issuesOf({
        workload: {
          kind: 'unmapped-alloc',
          arrival: 'uniform',
          migrateProbability: -0.1,
          timeSliceUs: 0,
          mmsPerCpu: 0,
          threadsPerMm: 1.5,
          tlbPressure: { globalFraction: 0.5, globalPages: 0, touchesPerOp: 1, extra: true },
        },
      }),
    ).toEqual([
      'workload.arrival: "uniform" is not allowed: must be one of "poisson", "bursty"',
      'workload.mmsPerCpu: 0 is not allowed: must be a whole number of processes in 1..1024',
      'workload.threadsPerMm: 1.5 is not allowed: must be a whole number of threads in 1..1024',
      'workload.timeSliceUs: 0 is not allowed: must be a duration in µs in (0, 1000000000]',
      'workload.migrateProbability: -0.1 is not allowed: must be a probability in [0, 1]',
      'workload.tlbPressure.extra: unknown field: allowed fields are userPagesPerMm, globalPages, touchesPerOp, globalFraction',
      'workload.tlbPressure.globalPages: 0 is not allowed: must be >= 1 while globalFraction > 0',
    ]);
    expect(issuesOf({ workload: { kind: 'microbench', sizes: { dist: 'uniform', min: 8, max: 4 } } })).toEqual([
      'workload.sizes.max: 4 is not allowed: must be >= workload.sizes.min (8)',
    ]);
    expect(
      issuesOf({ workload: { kind: 'microbench', sizes: { dist: 'table', pages: [1, 2], weights: [1] } } }),
    ).toEqual([
      'workload.sizes.weights: [1] is not allowed: must have one weight per entry of workload.sizes.pages (2)',
    ]);
    // the window's buffers end below x86-64's 2^40 frames: 4100 x 1023 x 2^18 pages is exactly
    // 2^40 - 2^20 (the pages from PHYS_BASE_PFN = 2^20 up), one CPU more is 2^18 x 1023 too many
    const buffers = (machine: object, sizes: unknown, mode = 'window') => ({
      machine,
      workload: { kind: 'microbench', mode, window: 1023, sizes },
    });
    const onlineOf = (input: unknown) => parseRunConfig(input).machine.onlineCpus;
    expect(onlineOf(buffers({ possibleCpus: 4100 }, { dist: 'fixed', pages: 2 ** 18 }))).toBe(4100);
    expect(issuesOf(buffers({ possibleCpus: 4101 }, { dist: 'uniform', min: 1, max: 2 ** 18 }))).toEqual([
      'workload.window: 1023 is not allowed: 4101 online CPUs x 1023 live mappings x 262144 pages (the largest get) ' +
        "come to 1099778752512 pages of buffers, past x86-64's 52-bit physical addresses (at most 1099510579200 " +
        'pages from pfn 0x100000)',
    ]);
    // online CPUs count, not possible ones; a table's largest entry; tight mode maps one slot a CPU
    const table = { dist: 'table', pages: [1, 2 ** 18], weights: [1, 1] };
    expect(onlineOf(buffers({ possibleCpus: 8192, onlineCpus: 4100 }, table))).toBe(4100);
    expect(onlineOf(buffers({ possibleCpus: 8192, onlineCpusCap: 4100 }, table))).toBe(4100);
    expect(issuesOf(buffers({ possibleCpus: 8192, onlineCpusCap: 4101 }, table))).toEqual([
      'workload.window: 1023 is not allowed: 4101 online CPUs x 1023 live mappings x 262144 pages (the largest get) ' +
        "come to 1099778752512 pages of buffers, past x86-64's 52-bit physical addresses (at most 1099510579200 " +
        'pages from pfn 0x100000)',
    ]);
    expect(onlineOf(buffers({ possibleCpus: 8192 }, table, 'tight'))).toBe(8192);
    expect(issuesOf({ workload: { kind: 'microbench', sizes: { dist: 'gauss' } } })).toEqual([
      'workload.sizes.dist: "gauss" is not allowed: must be one of "fixed", "uniform", "table"',
    ]);
    expect(issuesOf({ workload: { kind: 'ftrace', path: 'x', gfpFilter: 'GFP KERNEL', unmappedFraction: 3 } })).toEqual(
      [
        'workload.gfpFilter: "GFP KERNEL" is not allowed: must be "*", gfp flag names joined by "|", or a mask 0xHEX of at most 32 bits',
        'workload.unmappedFraction: 3 is not allowed: must be a probability in [0, 1]',
      ],
    );
    expect(issuesOf({ workload: { kind: 'guest-memfd-populate', guestGiB: 0, order: 11 } })).toEqual([
      'workload.guestGiB: 0 is not allowed: must be a size in GiB in (0, 65536]',
      'workload.order: 11 is not allowed: must be an order in 0..10',
    ]);
  });

  it('faults, cost, length', () => {
    expect(
      issuesOf({
        faults: { pteWriteFailProbability: 1.01 },
        cost: { preset: '', overrides: { invlpgCycles: 'fast' } },
        length: { events: 0, seconds: -1 },
      }),
    ).toEqual([
      'faults.pteWriteFailProbability: 1.01 is not allowed: must be a probability in [0, 1]',
      'cost.preset: "" is not allowed: must be one of "low", "molnar-2015", "hansen-2014", "kernel-tlb-c", "high"',
      'cost.overrides.invlpgCycles: "fast" is not allowed: must be a number of cycles in [0, 1000000]',
      'length.events: 0 is not allowed: must be a whole number of events in 1..9007199254740991',
      'length.seconds: -1 is not allowed: must be a number of seconds in (0, 1000000]',
    ]);
    expect(parseRunConfig({ cost: { preset: 'molnar-2015', overrides: { invlpgCycles: 250 } } }).cost).toEqual({
      preset: 'molnar-2015',
      overrides: { invlpgCycles: 250 },
    });
  });
});
