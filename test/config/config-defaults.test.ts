import { describe, expect, it } from 'vitest';
import { DEFAULT_ORDER_WEIGHTS, defineRunConfig, parseRunConfig } from '../../src/config/index.js';

describe('parseRunConfig defaults', () => {
  it('fills every default from an empty object', () => {
    expect(parseRunConfig({})).toEqual({
      machine: {
        possibleCpus: 4,
        onlineCpus: 4,
        pagingLevels: 4,
        tlb: 'golden-cove',
        directMapPageSize: '1g',
        shadowTlb: true,
      },
      mermap: {
        variant: 'rfc-v1',
        regionPages: 512,
        slots: 4,
        kmapSlots: 16,
        vmapLazyPages: 3 * 8192,
        flushCeilingPages: 33,
      },
      workload: {
        kind: 'unmapped-alloc',
        ratePerCpuHz: 20000,
        arrival: 'poisson',
        burstOnUs: 1000,
        burstOffUs: 4000,
        orders: [...DEFAULT_ORDER_WEIGHTS],
        zeroCyclesPerPage: 897,
        cpuGhz: 3,
        initMode: 'init_on_alloc',
        pageblockQuirk: true,
        mmsPerCpu: 2,
        threadsPerMm: 4,
        timeSliceUs: 750,
        preemptProbability: 0.5,
        migrateProbability: 0.01,
        holdAfterZeroUs: 1000,
      },
      faults: { pteWriteFailProbability: 0, slowPathGlobalProt: false },
      seed: 1,
      length: { events: 1_000_000 },
    });
  });

  it('slots default per variant: 3 normal for rfc-later, 4 shared otherwise; an explicit value wins', () => {
    expect(parseRunConfig({ mermap: { variant: 'rfc-later' } }).mermap.slots).toBe(3);
    expect(parseRunConfig({ mermap: { variant: 'dev-snapshot' } }).mermap.slots).toBe(4);
    expect(parseRunConfig({ mermap: { variant: 'rfc-later', slots: 7 } }).mermap.slots).toBe(7);
  });

  it('vmapLazyPages defaults to lazy_max_pages = fls(online) * 8192', () => {
    expect(parseRunConfig({ machine: { possibleCpus: 1 } }).mermap.vmapLazyPages).toBe(8192);
    expect(parseRunConfig({ machine: { possibleCpus: 256, onlineCpus: 64 } }).mermap.vmapLazyPages).toBe(7 * 8192);
  });

  it('the order table default sums to 1 with most mass at order 0 and a tail to 10', () => {
    expect(DEFAULT_ORDER_WEIGHTS).toHaveLength(11);
    expect(DEFAULT_ORDER_WEIGHTS.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(DEFAULT_ORDER_WEIGHTS[0]).toBeGreaterThan(0.8);
    expect(DEFAULT_ORDER_WEIGHTS[10]).toBeGreaterThan(0);
  });

  it('workload kinds fill their own defaults', () => {
    expect(parseRunConfig({ workload: { kind: 'microbench' } }).workload).toEqual({
      kind: 'microbench',
      mode: 'tight',
      window: 3,
      sizes: { dist: 'fixed', pages: 1 },
      opNs: 50,
      reservedFraction: 0,
    });
    expect(parseRunConfig({ workload: { kind: 'guest-memfd-populate' } }).workload).toEqual({
      kind: 'guest-memfd-populate',
      guestGiB: 1,
      vcpus: 4,
      order: 9,
      zeroCyclesPerPage: 897,
      cpuGhz: 3,
      faultGapUs: 1,
    });
    expect(parseRunConfig({ workload: { kind: 'ftrace', path: 't.trace' } }).workload).toEqual({
      kind: 'ftrace',
      path: 't.trace',
      format: 'auto',
      gfpFilter: '__GFP_UNMAPPED',
      lenient: false,
      initMode: 'init_on_alloc',
      zeroCyclesPerPage: 897,
      cpuGhz: 3,
    });
    expect(parseRunConfig({ workload: { kind: 'unmapped-alloc', tlbPressure: {} } }).workload).toMatchObject({
      tlbPressure: { userPagesPerMm: 256, globalPages: 1024, touchesPerOp: 4, globalFraction: 0.25 },
    });
  });

  it('is buildable in code with a typed input and does not alter it', () => {
    const input = { machine: { possibleCpus: 2 }, seed: 'abc' } as const;
    const c = defineRunConfig(input);
    expect(c.machine.onlineCpus).toBe(2);
    expect(c.seed).toBe('abc');
    expect(input).toEqual({ machine: { possibleCpus: 2 }, seed: 'abc' });
  });
});
