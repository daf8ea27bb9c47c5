import { describe, expect, it } from 'vitest';
import { PROT_KERNEL_GLOBAL, PROT_KERNEL_NOGLOBAL, mermapGeometry, mkPte } from '../../src/core/paging/index.js';
import {
  CAT_GLOBAL,
  CAT_MERMAP,
  CAT_OTHER,
  CAT_OTHER_PCID,
  FLUSH_ALL,
  FLUSH_CR3,
  FLUSH_INVLPG,
  FLUSH_INVPCID_SINGLE,
  TLB_PRESETS,
  Tlb,
  resolveTlbConfig,
  type Clock,
} from '../../src/core/tlb/index.js';

// 'tiny': L1 2 sets x 2 ways (set = vpn % 2), STLB 4 sets x 4 ways (set = vpn % 4)
// The mermap window is the real 4-level one (page numbers near 2^52; base % 4 === 0).
const G = mermapGeometry(4, 512, 4);
const LO = G.baseVpn;
const HI = G.endVpn;
const user = (pfn: number): number => mkPte(pfn, PROT_KERNEL_NOGLOBAL);
const glob = (pfn: number): number => mkPte(pfn, PROT_KERNEL_GLOBAL);

function mk(clock: Clock = { op: 0, ns: 0 }): Tlb {
  return new Tlb(TLB_PRESETS.tiny, LO, HI, clock);
}

/** the translations cached (a copy in both levels listed once), as "vpn/pcid|g", mermap vpns as "<offset>M" */
function translations(t: Tlb): string[] {
  const keys = new Set(
    t.snapshot().map((e) => `${e.vpn - (e.vpn >= LO ? LO : 0)}${e.vpn >= LO ? 'M' : ''}/${e.global ? 'g' : e.pcid}`),
  );
  return [...keys].sort();
}
const sorted = (a: string[]): string[] => [...a].sort();
const cats = (t: Tlb, kind: number): number[] => Array.from(t.discarded.subarray(kind * 4, kind * 4 + 4));

/**
 * Seven translations, current PCID 1, none evicted from the STLB:
 *   mermap  LO (set 0), LO+1 (set 1)          pcid 1   -> CAT_MERMAP
 *   global  6 (set 2)                                  -> CAT_GLOBAL
 *   pcid 2  8 (set 0), 3 (set 3)                       -> CAT_OTHER_PCID
 *   pcid 1  8 (set 0), 10 (set 2)                      -> CAT_OTHER
 * L1 ends up holding 8/1 and 10 (set 0) and LO+1 and 3 (set 1): 4 copies more.
 */
function loaded(clock?: Clock): Tlb {
  const t = mk(clock);
  t.fill(LO, 1, user(100));
  t.fill(LO + 1, 1, user(101));
  t.fill(6, 1, glob(6));
  t.fill(8, 2, user(28));
  t.fill(3, 2, user(23));
  t.fill(8, 1, user(18));
  t.fill(10, 1, user(110));
  return t;
}
const ALL7 = ['0M/1', '1M/1', '10/1', '3/2', '6/g', '8/1', '8/2'];

describe('TLB presets', () => {
  it('geometry and sources', () => {
    const gc = resolveTlbConfig('golden-cove');
    expect([gc.l1.entries / gc.l1.ways, gc.stlb.entries / gc.stlb.ways]).toEqual([16, 128]);
    const z = resolveTlbConfig('zen2');
    expect([z.l1.entries / z.l1.ways, z.stlb.entries / z.stlb.ways]).toEqual([1, 170]);
    expect(resolveTlbConfig('haswell').stlb).toEqual({ entries: 1024, ways: 8 });
    for (const c of Object.values(TLB_PRESETS)) expect(c.source.length).toBeGreaterThan(10);
  });

  it('rejects unknown names and sets that do not divide', () => {
    expect(() => resolveTlbConfig('pentium')).toThrow(/unknown TLB preset/);
    expect(() =>
      resolveTlbConfig({ name: 'x', l1: { entries: 10, ways: 4 }, stlb: { entries: 16, ways: 4 }, source: '' }),
    ).toThrow(RangeError);
    const ok = { name: 'x', l1: { entries: 8, ways: 4 }, stlb: { entries: 16, ways: 4 }, source: 's' };
    expect(resolveTlbConfig(ok)).toBe(ok);
  });

  it('zen2 L1 is fully associative: 64 pages fit, the 65th evicts the oldest', () => {
    const t = new Tlb(TLB_PRESETS.zen2, LO, HI, { op: 0, ns: 0 });
    // every v*170 falls in STLB set 0 (170 sets x 12 ways): 52 STLB evictions; L1 (1 set x 64) keeps all
    for (let v = 0; v < 64; v++) t.fill(v * 170, 1, user(v));
    expect(t.evictions).toBe(52);
    for (let v = 0; v < 64; v++) expect(t.lookup(v * 170, 1)).toBe(user(v));
    expect(t.l1Hits).toBe(64);
    t.fill(64 * 170, 1, user(64));
    expect(t.lookup(0, 1)).toBe(-1); // the L1 LRU victim was vpn 0, and the STLB lost it long ago
  });
});

describe('TLB lookup and fill', () => {
  it('a scripted sequence: hits, misses, STLB refills, LRU victims', () => {
    const t = mk();
    expect(t.lookup(0, 1)).toBe(-1); //                          miss 1
    t.fill(0, 1, user(10)); //                                   L1 s0 {0}       STLB s0 {0}
    expect(t.lookup(0, 1)).toBe(user(10)); //                    L1 hit 1
    expect(t.lookup(2, 1)).toBe(-1); //                          miss 2
    t.fill(2, 1, user(12)); //                                   L1 s0 {0,2}     STLB s2 {2}
    expect(t.lookup(4, 1)).toBe(-1); //                          miss 3
    t.fill(4, 1, user(14)); //  L1 victim: 0 (older than 2)      L1 s0 {2,4}     STLB s0 {0,4}
    expect(t.evictions).toBe(1);
    expect(t.lookup(0, 1)).toBe(user(10)); //  STLB hit 1, refill L1, victim 2 -> L1 s0 {0,4}
    expect(t.lookup(2, 1)).toBe(user(12)); //  STLB hit 2, refill L1, victim 4 -> L1 s0 {0,2}
    expect(t.lookup(0, 1)).toBe(user(10)); //  L1 hit 2
    expect([t.l1Hits, t.stlbHits, t.misses, t.fills, t.evictions]).toEqual([2, 2, 3, 3, 3]);
    expect(t.validEntries()).toBe(2 + 3);
    const l1 = t
      .snapshot()
      .filter((e) => e.level === 'l1')
      .map((e) => e.vpn)
      .sort();
    expect(l1).toEqual([0, 2]);
  });

  it('STLB LRU: an STLB hit protects an entry, L1 hits do not reach the STLB', () => {
    const t = mk();
    for (const v of [0, 4, 8, 12]) t.fill(v, 1, user(v)); //  STLB s0 {0,4,8,12}; L1 s0 {8,12}
    expect(t.lookup(0, 1)).toBe(user(0)); //                  STLB hit: 0 becomes most recent
    expect(t.lookup(12, 1)).toBe(user(12)); //                L1 hit: STLB order unchanged
    t.fill(16, 1, user(16)); //                               STLB victim: 4
    const stlb = t
      .snapshot()
      .filter((e) => e.level === 'stlb')
      .map((e) => e.vpn)
      .sort((a, b) => a - b);
    expect(stlb).toEqual([0, 8, 12, 16]);
    expect(t.lookup(4, 1)).toBe(-1);
  });

  it('PCID isolation: the same vpn in two PCIDs are two translations', () => {
    const t = mk();
    t.fill(5, 1, user(51));
    expect(t.lookup(5, 2)).toBe(-1);
    t.fill(5, 2, user(52));
    expect(t.lookup(5, 1)).toBe(user(51));
    expect(t.lookup(5, 2)).toBe(user(52));
    expect(t.lookup(5, 3)).toBe(-1);
  });

  it('a fill that follows its own miss inserts; a fill over a cached translation replaces it', () => {
    const t = mk();
    expect(t.lookup(9, 1)).toBe(-1);
    t.fill(9, 1, user(1)); // right after the miss: no scan needed
    t.fill(9, 1, user(2)); // no miss in between: the cached copies are replaced, not duplicated
    expect(t.snapshot().map((e) => [e.level, e.vpn, e.pte])).toEqual([
      ['l1', 9, user(2)],
      ['stlb', 9, user(2)],
    ]);
    expect(t.lookup(9, 2)).toBe(-1); // a miss for another PCID
    t.fill(9, 1, user(3)); // not the key that missed: still replaces
    expect(t.validEntries()).toBe(2);
    expect(t.lookup(9, 1)).toBe(user(3));
    expect(t.evictions).toBe(0);
  });

  it('global entries are visible from every PCID', () => {
    const t = mk();
    t.fill(7, 1, glob(9));
    expect(t.lookup(7, 1)).toBe(glob(9));
    expect(t.lookup(7, 3)).toBe(glob(9));
    expect(t.lookup(7, 4095)).toBe(glob(9));
    expect(t.snapshot().every((e) => e.global)).toBe(true);
  });
});

describe('TLB flushes: what each kind discards', () => {
  it('the loaded TLB holds 7 translations in 11 copies', () => {
    const t = loaded();
    expect(translations(t)).toEqual(sorted(ALL7));
    expect(t.validEntries()).toBe(11);
    // L1 set 0 saw LO, 6, 8/2, 8/1, 10: the last three each evicted the oldest; STLB none
    expect(t.evictions).toBe(3);
  });

  it('__flush_tlb_all: everything, a translation in both levels counted once', () => {
    const t = loaded();
    t.flushAll(1, false);
    expect(cats(t, FLUSH_ALL)).toEqual([2, 1, 2, 2]);
    expect(t.discarded[FLUSH_ALL * 4 + CAT_MERMAP]).toBe(2);
    expect(t.discarded[FLUSH_ALL * 4 + CAT_GLOBAL]).toBe(1);
    expect(t.discarded[FLUSH_ALL * 4 + CAT_OTHER_PCID]).toBe(2);
    expect(t.discarded[FLUSH_ALL * 4 + CAT_OTHER]).toBe(2);
    expect(t.flushes[FLUSH_ALL]).toBe(1);
    expect(t.validEntries()).toBe(0);
    expect(t.lookup(6, 1)).toBe(-1);
    // an empty TLB: counted as a flush, nothing discarded
    t.flushAll(1, false);
    expect(t.flushes[FLUSH_ALL]).toBe(2);
    expect(cats(t, FLUSH_ALL)).toEqual([2, 1, 2, 2]);
  });

  it('CR3 write: the non-global entries of that PCID; globals and other PCIDs stay', () => {
    const t = loaded();
    t.flushPcid(1, 1, false, FLUSH_CR3);
    expect(cats(t, FLUSH_CR3)).toEqual([2, 0, 0, 2]);
    expect(t.flushes[FLUSH_CR3]).toBe(1);
    expect(translations(t)).toEqual(sorted(['3/2', '6/g', '8/2']));
  });

  it('INVPCID single context: the same set, counted under its own kind', () => {
    const t = loaded();
    t.flushPcid(1, 1, false, FLUSH_INVPCID_SINGLE);
    expect(cats(t, FLUSH_INVPCID_SINGLE)).toEqual([2, 0, 0, 2]);
    expect(cats(t, FLUSH_CR3)).toEqual([0, 0, 0, 0]);
    expect(translations(t)).toEqual(sorted(['3/2', '6/g', '8/2']));
    // flushing another PCID from here: its entries are CAT_OTHER_PCID
    t.flushPcid(2, 1, false, FLUSH_INVPCID_SINGLE);
    expect(cats(t, FLUSH_INVPCID_SINGLE)).toEqual([2, 0, 2, 2]);
    expect(translations(t)).toEqual(sorted(['6/g']));
  });

  it('INVLPG: the current PCID and the global entry of that vpn only', () => {
    const t = loaded();
    t.invlpg(8, 1); // 8/1 goes, 8/2 stays
    expect(cats(t, FLUSH_INVLPG)).toEqual([0, 0, 0, 1]);
    expect(translations(t)).toEqual(sorted(['0M/1', '1M/1', '10/1', '3/2', '6/g', '8/2']));
    t.invlpg(6, 2); // a global entry goes whatever the current PCID
    t.invlpg(3, 1); // 3 belongs to PCID 2: nothing
    t.invlpg(LO, 1);
    expect(cats(t, FLUSH_INVLPG)).toEqual([1, 1, 0, 1]);
    expect(t.flushes[FLUSH_INVLPG]).toBe(4);
    expect(translations(t)).toEqual(sorted(['1M/1', '10/1', '3/2', '8/2']));
  });
});

describe('refill attribution', () => {
  it('refills of what an attributed flush discarded, non-mermap only, once each', () => {
    const t = loaded();
    t.flushAll(1, true);
    expect(t.rememberedKeys()).toBe(5); // 6/g, 8/2, 3/2, 8/1, 10/1
    t.fill(8, 1, user(18));
    expect(t.refillsAfterFlush).toBe(1);
    t.fill(LO, 1, user(100)); // mermap: not attributed
    t.fill(6, 3, glob(6)); // the global key, refilled from another PCID
    t.fill(8, 2, user(28));
    expect(t.refillsAfterFlush).toBe(3);
    t.flushPcid(2, 1, false, FLUSH_CR3); // unattributed: remembers nothing
    t.fill(8, 2, user(28)); // key already forgotten
    t.fill(99, 1, user(99)); // never flushed
    expect(t.refillsAfterFlush).toBe(3);
    expect(t.rememberedKeys()).toBe(2);
    t.forgetPcid(2);
    t.fill(3, 2, user(23));
    expect(t.refillsAfterFlush).toBe(3);
    expect(t.rememberedKeys()).toBe(1);
  });

  it('an unattributed flush remembers nothing', () => {
    const t = loaded();
    t.flushAll(1, false);
    t.fill(8, 1, user(18));
    expect([t.rememberedKeys(), t.refillsAfterFlush]).toEqual([0, 0]);
  });
});

describe('stale mermap translations', () => {
  it('exposure of a stale entry dropped by __flush_tlb_all', () => {
    const clock = { op: 10, ns: 1000 };
    const t = mk(clock);
    t.fill(LO, 1, user(100));
    t.lookup(LO, 1);
    clock.op = 12;
    clock.ns = 1500;
    t.markStale(LO, 1); // mermap_put cleared the PTE, no flush
    expect(t.staleLive()).toBe(1); // one translation in two copies
    expect(t.lookup(LO, 1)).toBe(user(100)); // still usable
    expect(t.staleHits).toBe(1);
    clock.op = 15;
    t.markStale(LO, 1); // already stale: the first clearing counts
    clock.op = 20;
    clock.ns = 4000;
    t.flushAll(1, false);
    expect([t.staleDropped, t.exposureOps, t.exposureNs, t.maxExposureOps, t.maxExposureNs]).toEqual([
      1, 8, 2500, 8, 2500,
    ]);
    expect(t.staleLive()).toBe(0);
  });

  it('exposure ends at eviction from the last level holding it', () => {
    const clock = { op: 30, ns: 0 };
    const t = mk(clock);
    t.fill(LO + 4, 1, user(104)); // L1 s0, STLB s0
    t.markStale(LO + 4, 1);
    clock.op = 33;
    t.fill(0, 1, user(0));
    t.fill(4, 1, user(4)); // L1 evicts LO+4; the STLB copy keeps it cached
    expect(t.staleDropped).toBe(0);
    expect(t.staleLive()).toBe(1);
    clock.op = 40;
    clock.ns = 700;
    t.fill(8, 1, user(8)); // STLB s0 now full
    t.fill(12, 1, user(12)); // STLB victim LO+4: gone
    expect([t.staleDropped, t.exposureOps, t.exposureNs]).toEqual([1, 10, 700]);
    expect(t.staleLive()).toBe(0);
    expect(t.lookup(LO + 4, 1)).toBe(-1);
  });

  it('markStaleOffset(o) is markStale(LO + o); a page outside the mermap goes stale too', () => {
    const clock = { op: 5, ns: 50 };
    const t = mk(clock);
    t.fill(LO + 2, 1, user(102));
    t.fill(LO + 3, 2, user(103));
    t.fill(7, 1, user(7));
    t.markStaleOffset(2, 1);
    t.markStaleOffset(3, 1); // pcid 2's page: untouched
    t.markStale(7, 1);
    expect(t.staleLive()).toBe(2);
    clock.op = 9;
    clock.ns = 90;
    t.flushAll(1, false);
    expect([t.staleDropped, t.exposureOps, t.exposureNs]).toEqual([2, 8, 80]);
  });

  it('markStale leaves other PCIDs and absent vpns alone', () => {
    const t = mk();
    t.fill(LO, 1, user(100));
    t.markStale(LO, 2);
    t.markStale(LO + 1, 1);
    expect(t.staleLive()).toBe(0);
  });
});

describe('mermapRefs', () => {
  it('+1 when a mermap translation enters, -1 when its last copy leaves', () => {
    const t = mk();
    const events: Array<[number, number]> = [];
    t.mermapRefs = { tlbRef: (pfn, d) => void events.push([pfn, d]) };
    t.fill(LO, 1, user(100));
    t.fill(LO + 1, 1, user(101));
    t.fill(5, 1, user(5)); // not mermap
    t.lookup(LO, 1); // STLB -> L1 copy: no event
    expect(events).toEqual([
      [100, 1],
      [101, 1],
    ]);
    // push LO out of L1 only (set 0): the STLB copy keeps it
    t.fill(2, 1, user(2));
    t.fill(6, 1, user(6));
    expect(events.length).toBe(2);
    t.invlpg(LO, 1);
    t.fill(LO + 1, 1, user(201)); // remapped without a flush: the old translation is replaced
    t.flushAll(1, false);
    expect(events).toEqual([
      [100, 1],
      [101, 1],
      [100, -1],
      [101, -1],
      [201, 1],
      [201, -1],
    ]);
    const balance = new Map<number, number>();
    for (const [p, d] of events) balance.set(p, (balance.get(p) ?? 0) + d);
    expect([...balance.values()].every((v) => v === 0)).toBe(true);
  });

  it('balances under eviction pressure', () => {
    const t = mk();
    let live = 0;
    t.mermapRefs = {
      tlbRef: (_pfn, d) => {
        live += d;
      },
    };
    for (let i = 0; i < 200; i++) {
      const vpn = LO + ((i * 7) % 64);
      if (t.lookup(vpn, 1) < 0) t.fill(vpn, 1, user(1000 + i));
      if (i % 3 === 0) t.fill(i, 1, user(i));
      if (i % 50 === 49) t.invlpg(LO + ((i * 7) % 64), 1);
    }
    const cached = new Set(
      t
        .snapshot()
        .filter((e) => e.vpn >= LO)
        .map((e) => e.vpn),
    );
    expect(live).toBe(cached.size);
    t.flushAll(1, false);
    expect(live).toBe(0);
  });
});

describe('resetCounters', () => {
  it('zeroes counters, keeps contents', () => {
    const t = loaded();
    t.flushPcid(2, 1, true, FLUSH_CR3);
    t.resetCounters();
    expect([t.fills, t.evictions, t.flushes[FLUSH_CR3], t.discarded[FLUSH_CR3 * 4 + CAT_OTHER_PCID]]).toEqual([
      0, 0, 0, 0,
    ]);
    expect(translations(t)).toEqual(sorted(['0M/1', '1M/1', '10/1', '6/g', '8/1']));
  });
});
