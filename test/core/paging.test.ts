import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PageTable,
  PTE_PRESENT,
  PTE_SENTINEL,
  PROT_KERNEL_NOGLOBAL,
  cpuBaseVpn,
  mermapGeometry,
  mermapPrepareCost,
  mermapPrepareCostClosedForm,
  mkPte,
  PFN_LIMIT,
  pgdSlotStartVpn,
  pteFlags,
  pteGlobal,
  ptePfn,
  ptePresent,
  type PagingLevels,
} from '../../src/core/paging/index.js';

const tables = (pt: PageTable): number[] => Array.from(pt.tablesPerLevel);

// 4-level mermap base: slot 272 sign-extended, +2 MiB (0xffff880000200000 >> 12)
const BASE4 = mermapGeometry(4, 512, 1).baseVpn;
const BASE5 = mermapGeometry(5, 512, 1).baseVpn;

describe('PTE fields', () => {
  // the naive reference: the pte as a BigInt, pfn << 4 | flags
  const fields = (pte: number) => ({ pfn: Number(BigInt(pte) >> 4n), flags: Number(BigInt(pte) & 15n) });

  it('a pte gives back its pfn and flags, up to the largest pfn', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.nat(PFN_LIMIT - 1), fc.constantFrom(0, 2 ** 31 / 16, PFN_LIMIT - 1)),
        fc.nat(15),
        (pfn, flags) => {
          const pte = mkPte(pfn, flags);
          expect(fields(pte)).toEqual({ pfn, flags });
          expect(ptePfn(pte)).toBe(pfn);
          expect(pteFlags(pte)).toBe(flags);
          expect(ptePresent(pte)).toBe((flags & 1) === 1);
          expect(pteGlobal(pte)).toBe((flags & 2) === 2);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the highest pte: every flag bit of the last pfn', () => {
    const pte = mkPte(PFN_LIMIT - 1, 15);
    expect(pte).toBe(2 ** 44 - 1);
    expect(pteFlags(pte)).toBe(15);
    expect(ptePfn(pte)).toBe(2 ** 40 - 1);
  });
});

describe('PageTable: tables allocated by populate (apply_to_page_range)', () => {
  it('the mermap base is where the facts sheet puts it', () => {
    expect(BASE4).toBe(0xffff880000200);
    expect(BASE5).toBe(0xff10000000200);
  });

  it('a fresh tree holds only its PGD page', () => {
    const pt = new PageTable(4);
    expect(tables(pt)).toEqual([0, 0, 0, 0, 1]);
    expect(pt.totalTablePages()).toBe(1);
  });

  it('one 2 MiB CPU region: one PTE, PMD and PUD table (4-level)', () => {
    const pt = new PageTable(4);
    expect(pt.populate(BASE4, 512, PTE_SENTINEL)).toBe(512);
    expect(tables(pt)).toEqual([1, 1, 1, 0, 1]);
    expect(pt.totalTablePages()).toBe(4);
    // every PTE of the region holds the sentinel, the next page has no PTE table
    expect(pt.getPte(BASE4)).toBe(PTE_SENTINEL);
    expect(pt.getPte(BASE4 + 511)).toBe(PTE_SENTINEL);
    expect(pt.pteIndex(BASE4 + 512)).toBe(-1);
  });

  it('two regions on either side of a PMD-table boundary: 2 PTE + 2 PMD + 1 PUD', () => {
    // cpu 510 sits in PMD slot 511 of the first PMD table (slot 0 is the LDT), cpu 511 in
    // slot 0 of the second
    const g = mermapGeometry(4, 512, 512);
    const pt = new PageTable(4);
    pt.populate(cpuBaseVpn(g, 510), 512, PTE_SENTINEL);
    expect(tables(pt)).toEqual([1, 1, 1, 0, 1]);
    pt.populate(cpuBaseVpn(g, 511), 512, PTE_SENTINEL);
    expect(tables(pt)).toEqual([2, 2, 1, 0, 1]);
    // repopulating allocates nothing more
    pt.populate(cpuBaseVpn(g, 510), 1024, 0);
    expect(tables(pt)).toEqual([2, 2, 1, 0, 1]);
  });

  it('a range not aligned to a PTE table spans two of them', () => {
    const pt = new PageTable(4);
    pt.populate(BASE4 + 256, 512, PTE_SENTINEL);
    expect(tables(pt)).toEqual([2, 1, 1, 0, 1]);
    // below the range: the table exists but the PTE was never written (pte_none)
    expect(pt.pteIndex(BASE4 + 255)).toBe(255);
    expect(pt.getPte(BASE4 + 255)).toBe(0);
    expect(pt.pteIndex(BASE4 + 256)).toBe(256); // table 0, offset 256
    expect(pt.pteIndex(BASE4 + 512)).toBe(512); // table 1, offset 0
    expect(pt.getPte(BASE4 + 767)).toBe(PTE_SENTINEL);
    expect(pt.getPte(BASE4 + 768)).toBe(0);
    expect(pt.pteIndex(BASE4 + 1024)).toBe(-1); // no third table
  });

  it('5-level adds one P4D table', () => {
    const pt = new PageTable(5);
    pt.populate(BASE5, 512, PTE_SENTINEL);
    expect(tables(pt)).toEqual([1, 1, 1, 1, 1]);
    expect(pt.totalTablePages()).toBe(5);
  });

  it('only the canonical low bits index the tree', () => {
    const pt = new PageTable(4);
    pt.populate(BASE4, 512, PTE_SENTINEL);
    // the same slot seen without the sign extension (bits 48..63 of the address)
    expect(pt.pteIndex(BASE4 % 2 ** 36)).toBe(pt.pteIndex(BASE4));
    const pt5 = new PageTable(5);
    pt5.populate(BASE5, 1, PTE_SENTINEL);
    expect(pt5.pteIndex(BASE5 % 2 ** 45)).toBe(0);
  });

  it('the grown PTE storage keeps earlier tables intact', () => {
    const pt = new PageTable(4);
    const g = mermapGeometry(4, 512, 64);
    for (let c = 0; c < 64; c++) pt.populate(cpuBaseVpn(g, c), 512, mkPte(c + 1, PTE_PRESENT));
    expect(pt.tablesPerLevel[0]).toBe(64);
    expect(pt.ptes.length).toBeGreaterThanOrEqual(64 * 512);
    for (let c = 0; c < 64; c++) expect(pt.getPte(cpuBaseVpn(g, c) + 7)).toBe(mkPte(c + 1, PTE_PRESENT));
  });
});

describe('PageTable: PTE access on existing tables only', () => {
  it('pteIndex is -1 and getPte 0 before populate; setPte writes nothing', () => {
    const pt = new PageTable(4);
    expect(pt.pteIndex(BASE4)).toBe(-1);
    expect(pt.getPte(BASE4)).toBe(0);
    expect(pt.setPte(BASE4, mkPte(5, PROT_KERNEL_NOGLOBAL))).toBe(false);
    expect(pt.totalTablePages()).toBe(1);
  });

  it('setPte lands in ptes at pteIndex', () => {
    const pt = new PageTable(4);
    pt.populate(BASE4, 512, PTE_SENTINEL);
    const pte = mkPte(0x1234, PROT_KERNEL_NOGLOBAL);
    expect(pt.setPte(BASE4 + 3, pte)).toBe(true);
    expect(pt.pteIndex(BASE4 + 3)).toBe(3);
    expect(pt.ptes[3]).toBe(pte);
    expect(pt.getPte(BASE4 + 3)).toBe(pte);
  });
});

describe('PageTable: hardware walk', () => {
  it('4 KiB leaf: 4 reads (4-level), 5 reads (5-level)', () => {
    const pte = mkPte(42, PROT_KERNEL_NOGLOBAL);
    const pt = new PageTable(4);
    pt.populate(BASE4, 512, PTE_SENTINEL);
    pt.setPte(BASE4 + 1, pte);
    expect(pt.walk(BASE4 + 1)).toBe(pte);
    expect(pt.lastWalkReads).toBe(4);
    expect(pt.lastWalkPageShift).toBe(12);
    // the sentinel is not present: the walk reads all four levels and faults
    expect(pt.walk(BASE4)).toBe(0);
    expect(pt.lastWalkReads).toBe(4);

    const pt5 = new PageTable(5);
    pt5.populate(BASE5, 512, PTE_SENTINEL);
    pt5.setPte(BASE5 + 1, pte);
    expect(pt5.walk(BASE5 + 1)).toBe(pte);
    expect(pt5.lastWalkReads).toBe(5);
  });

  it('a walk stops at the first none entry', () => {
    const pt = new PageTable(4);
    pt.populate(BASE4, 512, PTE_SENTINEL);
    expect(pt.walk(pgdSlotStartVpn(4, 0))).toBe(0); // user slot 0: PGD entry none
    expect(pt.lastWalkReads).toBe(1);
    expect(pt.walk(BASE4 + 2 ** 18)).toBe(0); // same PUD table, next PUD entry none
    expect(pt.lastWalkReads).toBe(2);
    expect(pt.walk(BASE4 + 512)).toBe(0); // same PMD table, next PMD entry none
    expect(pt.lastWalkReads).toBe(3);
  });

  it('2 MiB leaf: 3 reads; 1 GiB leaf: 2 reads (4-level), one more each with 5-level', () => {
    const start = pgdSlotStartVpn(4, 300);
    const big = mkPte(0x80000, PROT_KERNEL_NOGLOBAL);
    const pt = new PageTable(4);
    pt.mapLarge(start + 512, 'pmd', big);
    expect(tables(pt)).toEqual([0, 1, 1, 0, 1]);
    expect(pt.walk(start + 512 + 77)).toBe(big);
    expect(pt.lastWalkReads).toBe(3);
    expect(pt.lastWalkPageShift).toBe(21);
    expect(pt.pteIndex(start + 512)).toBe(-1);

    pt.mapLarge(start + 2 ** 18, 'pud', big);
    expect(tables(pt)).toEqual([0, 1, 1, 0, 1]);
    expect(pt.walk(start + 2 ** 18 + 99999)).toBe(big);
    expect(pt.lastWalkReads).toBe(2);
    expect(pt.lastWalkPageShift).toBe(30);

    const pt5 = new PageTable(5);
    const s5 = pgdSlotStartVpn(5, 300);
    pt5.mapLarge(s5, 'pmd', big);
    pt5.mapLarge(s5 + 2 ** 18, 'pud', big);
    expect(pt5.walk(s5 + 5)).toBe(big);
    expect(pt5.lastWalkReads).toBe(4);
    expect(pt5.walk(s5 + 2 ** 18 + 5)).toBe(big);
    expect(pt5.lastWalkReads).toBe(3);
  });

  it('large leaves refuse misaligned addresses and tables in the way', () => {
    const pt = new PageTable(4);
    pt.populate(BASE4, 512, PTE_SENTINEL);
    const big = mkPte(1, PTE_PRESENT);
    expect(() => pt.mapLarge(BASE4 + 1, 'pmd', big)).toThrow(RangeError);
    expect(() => pt.mapLarge(BASE4, 'pmd', big)).toThrow(/already points to a table/);
    pt.mapLarge(BASE4 + 512, 'pmd', big);
    expect(() => pt.populate(BASE4 + 512, 1, PTE_SENTINEL)).toThrow(/large leaf/);
  });
});

describe('mermapPrepareCost', () => {
  const pages = (levels: PagingLevels, r: number, n: number): number => mermapPrepareCost(levels, r, n).tablePages;

  it('R = 512: N PTE + ceil((N+1)/512) PMD + 1 PUD pages', () => {
    expect(mermapPrepareCost(4, 512, 1)).toEqual({
      pteTables: 1,
      pmdTables: 1,
      pudTables: 1,
      p4dTables: 0,
      tablePages: 3,
      bytes: 12_288,
      pteWrites: 512,
    });
    expect(mermapPrepareCost(4, 512, 256)).toEqual({
      pteTables: 256,
      pmdTables: 1,
      pudTables: 1,
      p4dTables: 0,
      tablePages: 258,
      bytes: 1_056_768,
      pteWrites: 131_072,
    });
    // 511 regions fill PMD slots 1..511 of the first PMD table (slot 0 is the LDT remap)
    expect(mermapPrepareCost(4, 512, 511).pmdTables).toBe(1);
    expect(pages(4, 512, 511)).toBe(513);
    // the 512th region is the first in the second PMD table
    expect(mermapPrepareCost(4, 512, 512).pmdTables).toBe(2);
    expect(pages(4, 512, 512)).toBe(515);
    expect(mermapPrepareCost(4, 512, 1024)).toMatchObject({
      pteTables: 1024,
      pmdTables: 3,
      pudTables: 1,
      tablePages: 1028,
    });
  });

  it('5-level adds one P4D page', () => {
    expect(mermapPrepareCost(5, 512, 256)).toMatchObject({ p4dTables: 1, tablePages: 259, bytes: 259 * 4096 });
    expect(pages(5, 512, 1)).toBe(4);
    expect(pages(5, 512, 1024)).toBe(1029);
  });

  it('R = 64 (256 KiB): eight regions share a PTE table', () => {
    expect(mermapPrepareCost(4, 64, 8)).toMatchObject({ pteTables: 1, pmdTables: 1, tablePages: 3, pteWrites: 512 });
    expect(mermapPrepareCost(4, 64, 9)).toMatchObject({ pteTables: 2, pmdTables: 1, tablePages: 4 });
    expect(pages(4, 64, 256)).toBe(32 + 1 + 1);
  });

  it('R = 2048 (8 MiB): four PTE tables per region', () => {
    expect(mermapPrepareCost(4, 2048, 1)).toMatchObject({ pteTables: 4, pmdTables: 1, tablePages: 6, pteWrites: 2048 });
    // 128 regions = 512 PTE tables from PMD slot 1 to slot 512: two PMD tables
    expect(mermapPrepareCost(4, 2048, 128)).toMatchObject({ pteTables: 512, pmdTables: 2, tablePages: 515 });
    // 8192 CPUs x 8 MiB = 64 GiB past the 2 MiB LDT: PMD slots 1..32768 -> 65 PMD tables
    expect(mermapPrepareCost(4, 2048, 8192)).toMatchObject({
      pteTables: 32_768,
      pmdTables: 65,
      pudTables: 1,
      tablePages: 32_834,
      pteWrites: 16_777_216,
    });
  });

  it('the closed form agrees with the real tree', () => {
    for (const levels of [4, 5] as const) {
      for (const r of [64, 100, 512, 1000, 2048]) {
        for (const n of [0, 1, 2, 7, 255, 256, 511, 512, 513, 1023, 1024, 4096]) {
          expect(mermapPrepareCostClosedForm(levels, r, n), `${levels}/${r}/${n}`).toEqual(
            mermapPrepareCost(levels, r, n),
          );
        }
      }
    }
  });

  it('a mermap that does not fit the mm-local slot is refused', () => {
    expect(() => mermapPrepareCost(4, 2 ** 20, 2 ** 8)).toThrow(RangeError);
    expect(() => mermapPrepareCost(4, 0, 1)).toThrow(RangeError);
  });
});

describe('PageTable: walks remember the last PTE table', () => {
  type Op =
    | { k: 'populate'; chunk: number; at: number; n: number; pfn: number }
    | { k: 'large'; chunk: number; pfn: number }
    | { k: 'walk'; chunk: number; at: number };
  const chunkArb = fc.nat(7);
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('populate' as const),
        chunk: chunkArb,
        at: fc.nat(511),
        n: fc.integer({ min: 1, max: 600 }),
        pfn: fc.nat(1000),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('large' as const), chunk: chunkArb, pfn: fc.nat(1000) }) },
    { weight: 6, arbitrary: fc.record({ k: fc.constant('walk' as const), chunk: chunkArb, at: fc.nat(511) }) },
  );

  /** apply one change to pt; false when the table refuses it (a leaf or a table in the way) */
  const change = (pt: PageTable, start: number, op: Exclude<Op, { k: 'walk' }>): boolean => {
    try {
      if (op.k === 'populate') pt.populate(start + op.chunk * 512 + op.at, op.n, mkPte(op.pfn, PTE_PRESENT));
      else pt.mapLarge(start + op.chunk * 512, 'pmd', mkPte(op.pfn * 512, PROT_KERNEL_NOGLOBAL));
      return true;
    } catch {
      return false;
    }
  };

  it('every walk reads what a fresh table with the same contents reads', () => {
    fc.assert(
      fc.property(fc.constantFrom<PagingLevels>(4, 5), fc.array(opArb, { maxLength: 80 }), (levels, ops) => {
        // user pages and kernel pages: 8 PTE tables' worth (8 PMD entries) each
        const starts = [0x400, pgdSlotStartVpn(levels, 300)];
        const pt = new PageTable(levels);
        const done: Array<Exclude<Op, { k: 'walk' }>> = [];
        for (const [n, op] of ops.entries()) {
          const start = starts[n % 2];
          if (op.k !== 'walk') {
            if (change(pt, start, op)) done.push({ ...op, chunk: op.chunk + 8 * (n % 2) });
            continue;
          }
          // the reference: the same changes on a new table, whose one walk descends every level
          const ref = new PageTable(levels);
          for (const d of done) change(ref, d.chunk >= 8 ? starts[1] : starts[0], { ...d, chunk: d.chunk % 8 });
          const vpn = start + op.chunk * 512 + op.at;
          expect(pt.walk(vpn)).toBe(ref.walk(vpn));
          expect([pt.lastWalkReads, pt.lastWalkPageShift]).toEqual([ref.lastWalkReads, ref.lastWalkPageShift]);
        }
      }),
      { numRuns: 200, seed: 20261129 },
    );
  });
});
