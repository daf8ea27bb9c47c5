import { describe, expect, it } from 'vitest';
import { PROT_KERNEL_GLOBAL, PROT_KERNEL_NOGLOBAL, mermapGeometry } from '../../src/core/paging/index.js';
import { Replayer } from '../../src/core/replay.js';
import { resolveCostModel } from '../../src/analysis/cost-models.js';
import { RunMetrics } from '../../src/analysis/metrics/run-metrics.js';
import { readOps } from '../core/helpers.js';
import { Driven } from './helpers.js';

/** 1-page get/put pairs on one CPU, `gets` times. */
function tightLoop(gets: number, opts = {}, nsPerOp = 0): Driven {
  const d = new Driven({ possibleCpus: 1, tlb: 'tiny' }, opts, nsPerOp);
  const mm = d.machine.createMm();
  const t = d.machine.createTask(mm, 0);
  for (let i = 0; i < gets; i++) {
    const h = d.step((m) => m.mermapGet(t, 1, 0x1000 + i));
    expect(h).toBeGreaterThanOrEqual(0);
    d.step((m) => m.mermapPut(t, h));
  }
  return d;
}

describe('flush frequency: the tight loop on R = 512', () => {
  // gets 1..511 land at offsets 0..510; get 512 finds no room, flushes, lands at 0; and so on:
  // 511 + 511k gets make exactly k flushes, each after 511 gets (the flushing get opens the next interval)
  for (const k of [0, 1, 3]) {
    it(`511 + 511 x ${k} gets: ${k} flushes, 511 gets between flushes`, () => {
      const gets = 511 + 511 * k;
      const d = tightLoop(gets);
      const s = d.finish();
      expect(s.gets).toBe(gets);
      expect(s.getsOk).toBe(gets);
      expect(s.puts).toBe(gets);
      expect(s.flushes).toBe(k);
      expect(s.allocatorFlushes).toBe(k);
      expect(s.tlb.fullFlushes).toBe(k);
      expect(s.flushesPer1000Gets).toBeCloseTo((1000 * k) / gets, 12);
      expect(s.getsBetweenFlushes).toEqual(
        k === 0
          ? { count: 0, mean: 0, p50: 0, p99: 0, min: 0, max: 0 }
          : { count: k, mean: 511, p50: 511, p99: 511, min: 511, max: 511 },
      );
      expect(s.events).toBe(2 * gets);
      expect(s.failureRate).toBe(0);
      const [cpu0] = d.metrics.perCpuRows();
      expect(cpu0).toMatchObject({
        cpu: 0,
        gets,
        flushes: k,
        getsBetweenFlushesCount: k,
        getsBetweenFlushesMean: k > 0 ? 511 : 0,
      });
    });
  }

  it('flushes per simulated second, and the cost of the flushes under the model', () => {
    // 1,022 gets = 2,044 events at 100 ns each: 204.4 us, 1 flush
    const d = tightLoop(1022, {}, 100);
    const s = d.finish();
    expect(s.flushes).toBe(1);
    expect(s.simulatedSeconds).toBeCloseTo(204.4e-6, 15);
    expect(s.flushesPerSecond).toBeCloseTo(1 / 204.4e-6, 6);
    // molnar-2015: __flush_tlb_all 192 cycles (derived: 2 x 96); the TLB was empty, so no refill walks
    expect(s.cost).toMatchObject({
      model: 'molnar-2015',
      flushCycles: 192,
      walkCycles: 0,
      invlpgCycles: 0,
      totalCycles: 192,
      refillWalks: 0,
    });
    expect(s.cost.perGetCycles).toBeCloseTo(192 / 1022, 12);
    expect(s.cost.totalNs).toBeCloseTo(64, 12);
    expect(s.cost.params.flushAllCycles).toBe(192);
  });

  it('reserved 1-page gets use the whole region: a flush every 512 gets', () => {
    const d = new Driven({ possibleCpus: 1, tlb: 'tiny', preemptRt: true });
    const mm = d.machine.createMm();
    const t = d.machine.createTask(mm, 0);
    for (let i = 0; i < 512 * 3 + 1; i++) {
      d.machine.localIrqSave(t);
      const h = d.step((m) => m.mermapGet(t, 1, 0x1000 + i, PROT_KERNEL_NOGLOBAL, true));
      d.step((m) => m.mermapPut(t, h));
      d.machine.localIrqRestore(t);
    }
    const s = d.finish();
    expect(s.reservedGets).toBe(1537);
    expect(s.flushes).toBe(3);
    expect(s.getsBetweenFlushes).toMatchObject({ count: 3, mean: 512, p50: 512, p99: 512 });
    // rfc-v1 takes the PTE lock with IRQs off on every reserved get and put (bug 8.2): on
    // PREEMPT_RT one finding per call site (reserved get, reserved put), 1537 events behind each
    expect(s.violations.lock_in_atomic).toBe(2);
    expect(Array.from(d.machine.checker.lockSiteEvents)).toEqual([0, 1537, 0, 1537]);
  });
});

/**
 * The diagram in mermap_alloc()'s comment, on R = 16 (15 normal pages + the reserve page).
 * Denominator: R = 16, the whole region. After each op (live / flush-pending above the top live
 * allocation / pinned below it / free):
 *
 *   op  event             diagram               live  reclaimable  pinned  wasted = recl. + pinned
 *   0   get 4             AaaA___________|_     4     0            0       0
 *   1   put a             TttT___________|_     0     4            0       4
 *   2   get 9             TttTAaaaaaaaA__|_     9     0            4       4
 *   3   get 2             TttTAaaaaaaaAAA|_     11    0            4       4
 *   4   put b             TttTTtttttttTAA|_     2     0            13      13
 *   5   get 1 fails       TttTTtttttttTAA|_     2     0            13      13
 *   6   put c             TttTTtttttttTTT|_     0     15           0       15
 *   7   get 2 (flush)     AA_____________|_     2     0            0       0
 *
 * Op-weighted (each state holds one op): wasted 53/128, pinned 34/128, reclaimable 19/128,
 * live 30/128; peak 15/16.
 */
describe('wasted VA on the seed diagram (R = 16)', () => {
  const WASTED = [0, 4, 4, 4, 13, 13, 15, 0];

  function seed(times?: number[]): { r: Replayer; metrics: RunMetrics } {
    const r = new Replayer({ possibleCpus: 1, regionPages: 16, variant: 'rfc-v1', tlb: 'tiny' });
    const metrics = new RunMetrics(r.machine, {
      costModel: resolveCostModel(),
      sampleEveryOps: 1,
      regionTimeline: { mm: 0, cpu: 0 },
    });
    readOps('seed-diagram.jsonl').forEach((op, i) => {
      const ns = times ? times[i] : 0;
      r.machine.clock.ns = ns;
      metrics.tick(ns, i);
      r.apply(op);
      expect(metrics.wastedFractionNow(0, 0)).toBe(WASTED[i] / 16);
    });
    return { r, metrics };
  }

  it('the fraction after every step, and op-weighted means when time does not advance', () => {
    const { metrics } = seed();
    const s = metrics.finish(0, 8);
    expect(s.wastedVa).toEqual({
      meanFraction: 53 / 128,
      peakFraction: 15 / 16,
      meanReclaimableFraction: 19 / 128,
      meanPinnedFraction: 34 / 128,
      meanLiveFraction: 30 / 128,
      weighting: 'ops',
      activeRegions: 1,
      regionPages: 16,
    });
    // the failed get saw 2 live pages, 13 pinned, nothing reclaimable, and only the reserve page free
    expect(s.failureStates).toEqual({
      count: 1,
      meanLive: 2,
      meanPending: 0,
      meanPinned: 13,
      meanFree: 1,
      meanRequestPages: 1,
    });
    expect(s.failures.no_space).toBe(1);
    expect(s.flushes).toBe(1);
    // the time series, one row per op: the state before each op, then the end state
    const ts = metrics.timeSeriesRows();
    expect(ts.map((r) => r.op)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ts.map((r) => r.wastedFraction * 16)).toEqual([0, ...WASTED]);
    expect(ts.map((r) => r.wastedMeanFraction * 16)).toEqual([0, ...WASTED]);
    expect(ts.map((r) => r.pinnedFraction * 16)).toEqual([0, 0, 0, 4, 4, 13, 13, 0, 0]);
  });

  it('time-weighted when simulated time advances', () => {
    // event i at times[i]; the state after event i holds until event i+1 (the last until 360)
    const times = [0, 10, 30, 60, 100, 150, 210, 280];
    const { metrics } = seed(times);
    const s = metrics.finish(360, 8);
    // dt = 10, 20, ..., 80: 4*20 + 4*30 + 4*40 + 13*50 + 13*60 + 15*70 = 2,840 page-ns over 16 x 360
    expect(s.wastedVa.weighting).toBe('time');
    expect(s.wastedVa.meanFraction).toBeCloseTo(2840 / (16 * 360), 14);
    expect(s.wastedVa.peakFraction).toBe(15 / 16);
    expect(metrics.perCpuRows()[0].wastedVaMeanFraction).toBeCloseTo(2840 / (16 * 360), 14);
    expect(metrics.perMmRows()[0].wastedVaMeanFraction).toBeCloseTo(2840 / (16 * 360), 14);
  });

  it('the region timeline draws the diagram: one step per op, runs of pages by state', () => {
    const { metrics } = seed();
    metrics.finish(0, 8);
    const rows = metrics.regionTimelineRows();
    // back to one character per page: A allocated, T flush-pending, _ free (reserve page included)
    const text: string[] = [];
    for (const r of rows) {
      const c = r.state === 'allocated' ? 'A' : r.state === 'flush-pending' ? 'T' : '_';
      text[r.step] = (text[r.step] ?? '') + c.repeat(r.pageEnd - r.page);
    }
    expect(text).toEqual([
      'AAAA____________',
      'TTTT____________',
      'TTTTAAAAAAAAA___',
      'TTTTAAAAAAAAAAA_',
      'TTTTTTTTTTTTTAA_',
      'TTTTTTTTTTTTTAA_',
      'TTTTTTTTTTTTTTT_',
      'AA______________',
    ]);
    expect(rows.map((r) => r.op).filter((op, i, a) => a.indexOf(op) === i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('failures by reason', () => {
  it('a crafted script hits each get failure of rfc-v1 once, and a put of a freed slot', () => {
    const d = new Driven({ possibleCpus: 2, regionPages: 16, tlb: 'tiny' });
    const mm = d.machine.createMm();
    const t = d.machine.createTask(mm, 0);
    const get = (pages: number, prot = PROT_KERNEL_NOGLOBAL, reserved = false, task = t) =>
      d.step((m) => m.mermapGet(task, pages, 0x5000, prot, reserved));
    expect(get(17)).toBe(-1); //                                   too_large: 17 > R
    expect(get(1, PROT_KERNEL_GLOBAL)).toBe(-3); //                global_prot
    d.machine.localIrqSave(t);
    expect(get(2, PROT_KERNEL_NOGLOBAL, true)).toBe(-4); //        bad_reserved_size
    d.machine.localIrqRestore(t);
    d.machine.setInTask(t, false);
    expect(get(1)).toBe(-5); //                                    not_in_task
    d.machine.setInTask(t, true);
    expect(get(16)).toBe(-6); //                                   no_space: 16 > 15 normal pages
    const other = d.machine.createMm(false);
    expect(get(1, PROT_KERNEL_NOGLOBAL, false, d.machine.createTask(other, 1))).toBe(-2); // not_prepared
    const hs = [get(1), get(1), get(1), get(1)];
    expect(hs.every((h) => h >= 0)).toBe(true);
    expect(get(1)).toBe(-7); //                                    no_slot: 4 shared slots live
    for (const h of hs) d.step((m) => m.mermapPut(t, h));
    expect(d.step((m) => m.mermapPut(t, hs[0]))).toBe(-10); //    not_in_use (a put failure)
    d.machine.pteWriteFault = () => true;
    expect(get(1)).toBe(-9); //                                    pte_write_failed
    d.machine.pteWriteFault = null;
    const s = d.finish();
    expect(s.failures).toEqual({
      too_large: 1,
      not_prepared: 1,
      global_prot: 1,
      bad_reserved_size: 1,
      not_in_task: 1,
      no_space: 1,
      no_slot: 1,
      reserve_busy: 0,
      pte_write_failed: 1,
      not_in_use: 1,
      stack_full: 0,
      not_lifo: 0,
      no_block: 0,
    });
    // 8 failed gets (not_in_use is a put's) + 4 good ones
    expect(s.gets).toBe(12);
    expect(s.getFailures).toBe(8);
    expect(s.getsOk).toBe(4);
    expect(s.failureRate).toBe(8 / 12);
    expect(s.puts).toBe(4);
    expect(s.failureStates.count).toBe(8);
    expect(s.violations.migrate_disable_leak).toBe(1);
    // two active regions: (mm 0, cpu 0) and the unprepared mm's (mm 1, cpu 1)
    expect(s.wastedVa.activeRegions).toBe(2);
    const cpus = d.metrics.perCpuRows();
    expect(cpus.map((r) => [r.gets, r.getFailures])).toEqual([
      [11, 7],
      [1, 1],
    ]);
    const mms = d.metrics.perMmRows();
    expect(mms.map((r) => [r.mm, r.gets, r.getFailures, r.prepared])).toEqual([
      [0, 11, 7, 1],
      [1, 1, 1, 0],
    ]);
    expect(mms[1].pageTableBytes).toBe(0);
  });

  it('rfc-later: a normal get fails with reserve_busy while the reserve slot is held', () => {
    const d = new Driven({ possibleCpus: 1, regionPages: 16, tlb: 'tiny', variant: 'rfc-later' });
    const mm = d.machine.createMm();
    const t = d.machine.createTask(mm, 0);
    d.machine.localIrqSave(t);
    const r = d.step((m) => m.mermapGet(t, 1, 0x10, PROT_KERNEL_NOGLOBAL, true));
    expect(r).toBeGreaterThanOrEqual(0);
    expect(d.step((m) => m.mermapGet(t, 1, 0x11))).toBe(-8);
    const s = d.finish();
    expect(s.failures.reserve_busy).toBe(1);
    expect(s.failureStates).toEqual({
      count: 1,
      meanLive: 1,
      meanPending: 0,
      meanPinned: 0,
      meanFree: 15,
      meanRequestPages: 1,
    });
  });

  it('the fast path of a 512-page zeroing fails on R = 512 and the fallback costs 512 reserved maps', () => {
    const d = new Driven({ possibleCpus: 1, tlb: 'tiny' });
    const mm = d.machine.createMm();
    const t = d.machine.createTask(mm, 0);
    d.metrics.noteAllocation();
    expect(d.step((m) => m.mermapGet(t, 512, 0x40000))).toBe(-6);
    // the driver's slow path: 512 reserved single-page maps with IRQs off, in the same instant
    d.metrics.noteFallback(512);
    d.machine.localIrqSave(t);
    for (let i = 0; i < 512; i++) {
      const h = d.machine.mermapGet(t, 1, 0x40000 + i, PROT_KERNEL_NOGLOBAL, true);
      d.machine.mermapPut(t, h);
    }
    d.machine.localIrqRestore(t);
    d.metrics.noteWork(512 * 1200);
    const s = d.finish();
    expect(s).toMatchObject({
      allocations: 1,
      fastPathFailures: 1,
      fallbackPages: 512,
      fastPathFailuresPerAllocation: 1,
    });
    expect(s.reservedGets).toBe(512);
    expect(s.gets).toBe(513);
    expect(s.flushes).toBe(0); // 512 reserved pages fit the region exactly
    expect(s.workCycles).toBe(512 * 1200);
    expect(d.metrics.perCpuRows()[0]).toMatchObject({ fastPathFailures: 1, fallbackPages: 512 });
  });
});

/**
 * One full flush on the 'tiny' TLB (L1 2 sets x 2 ways, STLB 4 sets x 4 ways, set = vpn % 4) with
 * known content, R = 4 (3 normal pages). Translations cached before the wrap flush:
 *
 *   mm 0 (PCID 1, current at the flush):  user 4 (set 0), user 5 (set 1)             -> user
 *   mm 1 (PCID 2):                        user 4 (set 0), user 6 (set 2)             -> other PCID
 *   kernel, global:                       direct map K (set 0), K + 3 (set 3)        -> global
 *   mermap (PCID 1), stale since put:     base + 0, +1, +2 (sets 0, 1, 2)            -> mermap
 *
 * No STLB set holds more than 4, so nothing is evicted and the flush discards exactly 9.
 */
describe('TLB discards of one full flush with known content', () => {
  const K = 0xffff888000000; // page number of 0xffff888000000000, the start of the direct map

  it('splits the discards into mermap and collateral, counts the refills and the stale exposure', () => {
    // the direct map in 4 KiB pages, so that K and K + 3 are two translations
    const d = new Driven({ possibleCpus: 1, regionPages: 4, tlb: 'tiny', directMapPageSize: '4k' }, {}, 100);
    const m = d.machine;
    const mm0 = m.createMm();
    const mm1 = m.createMm();
    const a = m.createTask(mm0, 0);
    const b = m.createTask(mm1, 0);
    const base = mermapGeometry(4, 4, 1).baseVpn;
    expect(base % 4).toBe(0);
    for (const v of [4, 5, K, K + 3]) d.step(() => m.access(a, v)); //   ops 0-3
    for (const v of [4, 6]) d.step(() => m.access(b, v)); //             ops 4-5
    for (let i = 0; i < 3; i++) {
      const h = d.step(() => m.mermapGet(a, 1, 0x9000 + i)); //          ops 6, 9, 12
      d.step(() => expect(m.access(a, base + i)).toBe(true)); //         ops 7, 10, 13
      d.step(() => m.mermapPut(a, h)); //                                ops 8, 11, 14: stale from here
    }
    const h = d.step(() => m.mermapGet(a, 1, 0x9003)); //               op 15: wraps, flushes
    expect(m.allocator(mm0).lastBase).toBe(base);
    d.step(() => m.access(a, 4)); //                                     op 16: refill (PCID 1)
    d.step(() => m.access(a, K)); //                                     op 17: refill (global)
    d.step(() => m.access(b, 6)); //                                     op 18: refill (PCID 2)
    d.step(() => m.mermapPut(a, h)); //                                  op 19
    const s = d.finish();
    expect(s.flushes).toBe(1);
    expect(s.tlb.discarded).toEqual({ mermap: 3, global: 2, otherPcid: 2, user: 2 });
    expect(s.tlb.discardedPerFlush).toBe(9);
    expect(s.tlb.perFlush).toEqual({ mermap: 3, global: 2, otherPcid: 2, user: 2 });
    expect(s.tlb.collateralPerFlush).toBe(6);
    expect(s.tlb.refillsAfterFlush).toBe(3);
    // misses: 6 first touches + 3 mermap pages + 3 refills, each one page walk
    expect(s.tlb).toMatchObject({ hits: 0, misses: 12, walks: 12, fills: 12, invlpgDiscarded: 0 });
    // stale since ops 8, 11, 14; dropped by the flush at op 15: 7, 4 and 1 ops (x 100 ns)
    expect(s.exposure).toEqual({
      staleDropped: 3,
      meanOps: 4,
      maxOps: 7,
      meanNs: 400,
      maxNs: 700,
      staleLive: 0,
      staleHits: 0,
    });
    // cost (molnar-2015): one __flush_tlb_all (192) + 3 refill walks (20 each)
    expect(s.cost).toMatchObject({ flushCycles: 192, walkCycles: 60, totalCycles: 252, refillWalks: 3 });
    expect(s.violations.reuse_without_flush).toBe(0);
    const [row] = d.metrics.perCpuRows();
    expect(row).toMatchObject({
      tlbFullFlushes: 1,
      tlbDiscardedMermap: 3,
      tlbDiscardedGlobal: 2,
      tlbDiscardedOtherPcid: 2,
      tlbDiscardedUser: 2,
      tlbPerFlushGlobal: 2,
      tlbRefillsAfterFlush: 3,
      exposureStaleDropped: 3,
      exposureMaxOps: 7,
      exposureMeanNs: 400,
    });
  });

  it('stale translations still cached at the end are counted live, not in the means', () => {
    const d = new Driven({ possibleCpus: 1, regionPages: 4, tlb: 'tiny' });
    const m = d.machine;
    const a = m.createTask(m.createMm(), 0);
    const base = mermapGeometry(4, 4, 1).baseVpn;
    const h = d.step(() => m.mermapGet(a, 1, 0x9000));
    d.step(() => m.access(a, base));
    d.step(() => m.mermapPut(a, h));
    d.step(() => m.access(a, base)); // a hit on the stale translation
    const s = d.finish();
    expect(s.exposure).toEqual({
      staleDropped: 0,
      meanOps: 0,
      maxOps: 0,
      meanNs: 0,
      maxNs: 0,
      staleLive: 1,
      staleHits: 1,
    });
  });
});

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

describe('streaming: bounded memory, fixed step', () => {
  it('the time series never passes maxSeriesRows and keeps a fixed step from 0', () => {
    const d = tightLoop(1000, { sampleEveryOps: 1, maxSeriesRows: 16 });
    d.finish();
    const ts = d.metrics.timeSeriesRows();
    expect(ts.length).toBeLessThanOrEqual(16);
    expect(ts.length).toBeGreaterThanOrEqual(8);
    const step = ts[1].op - ts[0].op;
    expect(ts[0].op).toBe(0);
    ts.forEach((r, i) => expect(r.op).toBe(i * step));
    expect(d.metrics.seriesStep()).toMatchObject({ step, unit: 'ops' });
    // cumulative counters at the sample points; interval rates from consecutive rows
    expect(ts[ts.length - 1].gets).toBe(Math.floor(((ts.length - 1) * step + 1) / 2));
  });

  it('time steps: rows at multiples of sampleEveryNs, flush rate per interval', () => {
    const d = tightLoop(2044, { sampleEveryNs: 10_000 }, 10); // 4,088 events, 10 ns apart
    const s = d.finish();
    const ts = d.metrics.timeSeriesRows();
    expect(ts.map((r) => r.timeNs)).toEqual([0, 10_000, 20_000, 30_000, 40_000]);
    expect(ts.reduce((n, r) => n + r.intervalFlushes, 0)).toBe(s.flushes);
    expect(ts[1].timeMs).toBe(0.01);
  });

  it('a warm-up before the collector is built is not counted', () => {
    const d = tightLoop(600); // one flush during the "warm-up"
    const m = d.machine;
    const later = new RunMetrics(m, { costModel: resolveCostModel() });
    const s = later.finish(0, d.op);
    expect(s.flushes).toBe(0);
    expect(s.tlb.fullFlushes).toBe(0);
    expect(s.allocatorFlushes).toBe(0);
    expect(s.gets).toBe(0);
    later.detach();
  });

  it('finish() is idempotent and the summary is plain JSON', () => {
    const d = tightLoop(10);
    const s1 = d.finish();
    const s2 = d.metrics.finish(d.op, d.op);
    expect(s2).toBe(s1);
    expect(JSON.parse(JSON.stringify(s1))).toEqual(s1);
  });

  it('a long run: the series, the timeline and the histogram stay bounded', () => {
    const d = tightLoop(20_000, { sampleEveryOps: 1, regionTimeline: { mm: 0, cpu: 0, maxSteps: 50 } });
    const s = d.finish();
    expect(d.metrics.timeSeriesRows().length).toBeLessThanOrEqual(2000);
    expect(d.metrics.seriesStep().halvings).toBeGreaterThan(0);
    const tl = d.metrics.regionTimelineRows();
    expect(new Set(tl.map((r) => r.step)).size).toBe(50);
    expect(d.metrics.regionTimelineDroppedSteps()).toBe(40_000 - 50);
    // 20,000 gets: flushes at gets 512, 1023, ... (every 511): 39 of them
    expect(s.getsBetweenFlushes).toMatchObject({ count: 39, mean: 511, p99: 511 });
  });

  it('large regions are drawn in bands: at most maxBands bands per step', () => {
    const d = new Driven(
      { possibleCpus: 1, regionPages: 4096, tlb: 'tiny' },
      { regionTimeline: { mm: 0, cpu: 0, maxBands: 64 } },
    );
    const t = d.machine.createTask(d.machine.createMm(), 0);
    const h = d.step((m) => m.mermapGet(t, 100, 0x100)); // pages 0..99: bands 0 (0..63) and 1 (64..127)
    d.step((m) => m.mermapGet(t, 1, 0x200)); //              page 100: band 1
    d.step((m) => m.mermapPut(t, h)); //                     band 0 pending, band 1 allocated (100 is live)
    d.finish();
    const rows = d.metrics.regionTimelineRows().filter((r) => r.step === 2);
    expect(rows.map((r) => [r.page, r.pageEnd, r.state])).toEqual([
      [0, 64, 'flush-pending'],
      [64, 128, 'allocated'],
      [128, 4096, 'free'],
    ]);
  });
});
