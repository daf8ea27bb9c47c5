import { describe, expect, it } from 'vitest';
import { mermapGeometry } from '../../src/core/paging/index.js';
import { Driven } from './helpers.js';

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
