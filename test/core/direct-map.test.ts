import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DIRECT_MAP_PAGE_SIZE } from '../../src/core/defaults.js';
import { Machine } from '../../src/core/machine.js';
import {
  DIRECT_MAP_BASE_VPN_4,
  DIRECT_MAP_BASE_VPN_5,
  mermapGeometry,
  mkPte,
  PROT_KERNEL_GLOBAL,
  PROT_KERNEL_NOGLOBAL,
} from '../../src/core/paging/index.js';
import {
  CAT_GLOBAL,
  FLUSH_ALL,
  FLUSH_INVLPG,
  resolveTlbConfig,
  TLB_CATEGORIES,
  TLB_PRESETS,
  Tlb,
} from '../../src/core/tlb/index.js';
import type { PageSizeName } from '../../src/core/paging/geometry.js';
import { parseRunConfig } from '../../src/config/index.js';

/** page number of 0xffff888000000000: the direct map's start, 1 GiB aligned */
const K = DIRECT_MAP_BASE_VPN_4;
const G = mermapGeometry(4, 512, 4);
const glob = (pfn: number): number => mkPte(pfn, PROT_KERNEL_GLOBAL);
const user = (pfn: number): number => mkPte(pfn, PROT_KERNEL_NOGLOBAL);

function machine(directMapPageSize: PageSizeName, tlb = 'tiny') {
  const m = new Machine({ possibleCpus: 1, regionPages: 16, tlb, directMapPageSize, shadowTlb: true });
  const task = m.createTask(m.createMm(), 0);
  return { m, task, tlb: m.tlbs[0] };
}

const globalDiscards = (t: Tlb, kind: number): number => t.discarded[kind * TLB_CATEGORIES + CAT_GLOBAL];

describe('the direct map as 4 KiB, 2 MiB or 1 GiB leaves (issue 12 §3)', () => {
  // 8 global accesses over the 4 KiB pages K .. K + 7, all in the 2 MiB (and 1 GiB) page at K
  const pages = [0, 1, 2, 3, 4, 5, 6, 7, 3, 0].map((i) => K + i);

  it.each([
    // size, misses (= walks = fills), hits, table entries one walk reads (4-level), kernel table pages
    ['4k', 8, 2, 4, { pte: 1, pmd: 1, pud: 1 }],
    ['2m', 1, 9, 3, { pte: 0, pmd: 1, pud: 1 }],
    ['1g', 1, 9, 2, { pte: 0, pmd: 0, pud: 1 }],
  ] as const)('%s leaves: %i misses, %i hits, %i reads a walk', (size, misses, hits, reads, tables) => {
    const { m, task, tlb } = machine(size);
    for (const v of pages) expect(m.access(task, v)).toBe(true);
    expect(tlb.misses).toBe(misses);
    expect(tlb.l1Hits + tlb.stlbHits).toBe(hits);
    expect(tlb.fills).toBe(misses);
    expect(m.pageWalks).toBe(misses);
    expect(m.pageFaults).toBe(misses); // each leaf is mapped on first use
    // a walk to a present leaf: 4, 3 or 2 entries (PGD, PUD[, PMD[, PTE]])
    m.flushTlbAll(0);
    const r0 = m.walkReads;
    m.access(task, K + 7);
    expect(m.walkReads - r0).toBe(reads);
    // pfn = offset in the direct map (__pa): the leaf's first page
    const entries = tlb.snapshot();
    expect(new Set(entries.map((e) => e.pageSize))).toEqual(new Set([size]));
    expect(entries.filter((e) => e.vpn === K).every((e) => e.pte === glob(0))).toBe(true);
    const pt = (m as unknown as { kernelPt: { tablesPerLevel: Int32Array } }).kernelPt.tablesPerLevel;
    expect({ pte: pt[0], pmd: pt[1], pud: pt[2] }).toEqual(tables);
  });

  it('5-level paging: a 1 GiB leaf walk reads 3 entries (PGD, P4D, PUD)', () => {
    const m = new Machine({ possibleCpus: 1, pagingLevels: 5, tlb: 'tiny' });
    const task = m.createTask(m.createMm(), 0);
    m.access(task, DIRECT_MAP_BASE_VPN_5 + 2 ** 18 + 9);
    m.flushTlbAll(0);
    const r0 = m.walkReads;
    m.access(task, DIRECT_MAP_BASE_VPN_5 + 2 ** 18);
    expect(m.walkReads - r0).toBe(3);
    // pfn = offset in the direct map: the second 1 GiB
    expect(m.tlbs[0].lookup(DIRECT_MAP_BASE_VPN_5 + 2 ** 18 + 5, 1)).toBe(glob(2 ** 18));
  });

  it('a full flush discards the large entry once, and the refill is counted once', () => {
    for (const [size, discarded] of [
      ['4k', 8],
      ['2m', 1],
      ['1g', 1],
    ] as const) {
      const { m, task, tlb } = machine(size);
      for (const v of pages) m.access(task, v);
      const before = tlb.misses;
      m.flushTlbAll(0);
      expect(globalDiscards(tlb, FLUSH_ALL)).toBe(discarded);
      expect(tlb.validEntries()).toBe(0);
      for (const v of pages) m.access(task, v);
      // every translation discarded comes back: one walk per leaf
      expect(tlb.refillsAfterFlush).toBe(discarded);
      expect(tlb.misses - before).toBe(discarded);
      // the shadow, never flushed, misses only the first time
      expect(tlb.shadowMisses).toBe(discarded);
      expect(tlb.collateralRefills).toBe(discarded);
    }
  });

  it('INVLPG of any address in a 2 MiB page drops its entry (global, any PCID)', () => {
    const { m, task, tlb } = machine('2m');
    m.access(task, K + 5);
    m.invlpg(0, K + 300);
    expect(globalDiscards(tlb, FLUSH_INVLPG)).toBe(1);
    expect(tlb.validEntries()).toBe(0);
    m.access(task, K + 511);
    m.access(task, K + 512); // the next 2 MiB page: a walk of its own
    expect(tlb.misses).toBe(3);
  });

  it('default: 1 GiB leaves, in the core and in a run config', () => {
    expect(DEFAULT_DIRECT_MAP_PAGE_SIZE).toBe('1g');
    expect(new Machine({ possibleCpus: 1 }).directMapPageSize).toBe('1g');
    expect(parseRunConfig({}).machine.directMapPageSize).toBe('1g');
    expect(() => new Machine({ possibleCpus: 1, directMapPageSize: '4m' as PageSizeName })).toThrow(
      /direct-map page size 4m: one of 4k, 2m, 1g/,
    );
  });
});

describe('large pages in the TLB presets (facts §9.4)', () => {
  /** a 1 GiB translation at K, then `others` user pages that push it out of a 64-entry L1 */
  function gigaThenUser(preset: 'zen2' | 'golden-cove' | 'haswell', others: number): Tlb {
    const t = new Tlb(TLB_PRESETS[preset], G.baseVpn, G.endVpn, { op: 0, ns: 0 });
    t.fill(K + 3, 0, glob(0), 30);
    for (let i = 0; i < others; i++) {
      expect(t.hit(0x400 + i, 1)).toBe(false);
      t.fill(0x400 + i, 1, user(i), 12);
    }
    return t;
  }

  it('Zen 2: one L1 array for every size; the L2 holds a 1 GiB page as the 2 MiB entry looked up', () => {
    const t = gigaThenUser('zen2', 0);
    expect(t.snapshot().map((e) => [e.level, e.vpn - K, e.pageSize])).toEqual([
      ['l1', 0, '1g'],
      ['stlb', 0, '2m'],
    ]);
    expect(t.hit(K + 262143, 1)).toBe(true); // the L1 entry covers the whole 1 GiB
    expect(t.hitShift).toBe(30);
    // 64 user pages fill the fully associative L1 and push the 1 GiB entry (least recent) out
    const u = gigaThenUser('zen2', 64);
    expect(u.snapshot().filter((e) => e.level === 'l1' && e.pageSize !== '4k')).toEqual([]);
    expect(u.hit(K + 511, 1)).toBe(true); // the 2 MiB part the fill looked up: an L2 hit
    expect(u.stlbHits).toBe(1);
    expect(u.hitShift).toBe(30); // still a 1 GiB translation
    expect(u.hit(K + 512, 1)).toBe(false); // the next 2 MiB: not held
  });

  it('Golden Cove: a 1 GiB entry in its own L1 array and in the STLB', () => {
    const t = gigaThenUser('golden-cove', 200);
    // 200 user pages do not touch the 8-entry 1 GiB L1 array
    expect(t.hit(K + 512, 1)).toBe(true);
    expect(t.l1Hits).toBe(1);
    expect(
      t
        .snapshot()
        .filter((e) => e.pageSize === '1g')
        .map((e) => e.level),
    ).toEqual(['l1', 'stlb']);
  });

  it('Haswell: 1 GiB pages only in the 4-entry L1 array, never in the STLB', () => {
    const t = new Tlb(TLB_PRESETS.haswell, G.baseVpn, G.endVpn, { op: 0, ns: 0 });
    for (let g = 0; g < 5; g++) t.fill(K + g * 2 ** 18, 0, glob(g * 2 ** 18), 30);
    expect(t.snapshot().every((e) => e.level === 'l1' && e.pageSize === '1g')).toBe(true);
    expect(t.validEntries()).toBe(4); // the first was evicted: LRU of a fully associative 4
    expect(t.hit(K, 0)).toBe(false);
    expect(t.hit(K + 4 * 2 ** 18 + 7, 0)).toBe(true);
  });
});

describe('custom TLB configs with large pages', () => {
  const l = (entries: number, ways: number) => ({ entries, ways });

  it('checks the large arrays like the others', () => {
    expect(() =>
      resolveTlbConfig({ name: 'x', l1: l(4, 2), l1Large: { '2m': l(5, 2), '1g': 'l1' }, stlb: l(8, 4), source: 's' }),
    ).toThrow("TLB 'x' l1Large.2m: entries (5) must be a positive multiple of ways (2)");
  });

  it('without l1Large / stlbLarge the 4 KiB arrays hold every size', () => {
    const t = new Tlb({ name: 'x', l1: l(4, 2), stlb: l(8, 4), source: 's' }, G.baseVpn, G.endVpn, { op: 0, ns: 0 });
    t.fill(K + 700, 0, glob(512), 21);
    expect(t.snapshot().map((e) => [e.level, e.vpn - K, e.pageSize])).toEqual([
      ['l1', 512, '2m'],
      ['stlb', 512, '2m'],
    ]);
    expect(t.hit(K + 1023, 3)).toBe(true);
    expect(t.hitShift).toBe(21);
    expect(t.hit(K + 1024, 3)).toBe(false);
  });
});

describe('property: misses against a naive model of the leaves touched', () => {
  it('with no eviction, misses = distinct leaves touched per flush epoch (golden-cove)', () => {
    const access = fc.record({ page: fc.integer({ min: 0, max: 3 * 2 ** 18 }), flush: fc.boolean() });
    fc.assert(
      fc.property(fc.constantFrom<PageSizeName>('2m', '1g'), fc.array(access, { maxLength: 60 }), (size, ops) => {
        const { m, task, tlb } = machine(size, 'golden-cove');
        const leaf = size === '2m' ? 512 : 2 ** 18;
        let seen = new Set<number>();
        let expected = 0;
        for (const { page, flush } of ops) {
          if (flush) {
            m.flushTlbAll(0);
            seen = new Set();
          }
          const l = Math.floor(page / leaf);
          if (!seen.has(l)) expected++;
          seen.add(l);
          m.access(task, K + page);
        }
        // no eviction: 2 MiB leaves 0..1536 put at most 13 in one of the STLB's 128 sets (16
        // ways); an L1 eviction leaves the STLB copy; 1 GiB leaves 0..3 fit the 8-entry L1
        expect(tlb.misses).toBe(expected);
      }),
      { seed: 12, numRuns: 200 },
    );
  });
});
