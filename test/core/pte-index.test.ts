import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/core/machine.js';
import { MermapPteIndex } from '../../src/core/machine/pte-index.js';
import {
  cpuBaseVpn,
  mermapGeometry,
  mkPte,
  PageTable,
  PROT_KERNEL_NOGLOBAL,
  PTE_SENTINEL,
} from '../../src/core/paging/index.js';

describe('MermapPteIndex: the small-offset look-up is the page table walk', () => {
  it('indexOfSmall(o) = indexAt(o) = pteIndex(base + o) for every page of the mermap', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(4 as const, 5 as const),
        fc.constantFrom(64, 512, 2048),
        fc.integer({ min: 1, max: 12 }),
        fc.uniqueArray(fc.nat(11), { maxLength: 6 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        (levels, R, cpus, ready, picks) => {
          const g = mermapGeometry(levels, R, cpus);
          const pt = new PageTable(levels);
          // some regions materialised (in any order), the others without tables
          for (const c of ready) if (c < cpus) pt.populate(cpuBaseVpn(g, c), R, PTE_SENTINEL);
          const ix = new MermapPteIndex(g);
          const ref = new MermapPteIndex(g);
          expect(ix.smallOffsets).toBe(true);
          for (const p of picks) {
            const o = p % (g.endVpn - g.baseVpn);
            const want = pt.pteIndex(g.baseVpn + o);
            expect(ix.indexOfSmall(pt, o)).toBe(want);
            expect(ref.indexAt(pt, o)).toBe(want);
            // asked again (now remembered per PTE table): the same
            expect(ix.indexOfSmall(pt, o)).toBe(want);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a region whose tables come later is found once they exist', () => {
    const g = mermapGeometry(4, 512, 2);
    const pt = new PageTable(4);
    const ix = new MermapPteIndex(g);
    expect(ix.indexOfSmall(pt, 600)).toBe(-1);
    pt.populate(cpuBaseVpn(g, 1), 512, PTE_SENTINEL);
    expect(ix.indexOfSmall(pt, 600)).toBe(pt.pteIndex(g.baseVpn + 600));
    expect(ix.indexOfSmall(pt, 600)).toBeGreaterThanOrEqual(0);
  });
});

describe('Machine.access() of a mermap page: the PTE index gives what the walk gives', () => {
  it.each([
    [4, 'rfc-v1'],
    [5, 'rfc-v1'],
    [4, 'rfc-later'],
    [5, 'rfc-later'],
  ] as const)('%i-level, %s: one read per level, the mapped PTE filled, a put page faults', (levels, variant) => {
    const m = new Machine({ possibleCpus: 2, pagingLevels: levels, regionPages: 64, variant, tlb: 'tiny' });
    const task = m.createTask(m.createMm(), 1);
    const h = m.mermapGet(task, 3, 0x4000);
    expect(h).toBeGreaterThanOrEqual(0);
    const base = m.allocator(0).lastBase;
    const pcid = 1; // the first mm on a CPU takes ASID 0: PCID 1
    for (let i = 0; i < 3; i++) {
      const r0 = m.walkReads;
      expect(m.access(task, base + i)).toBe(true);
      // PGD, (P4D,) PUD, PMD, PTE: a 4 KiB leaf
      expect(m.walkReads - r0).toBe(levels);
      expect(m.tlbs[1].lookup(base + i, pcid)).toBe(mkPte(0x4000 + i, PROT_KERNEL_NOGLOBAL));
    }
    m.mermapPut(task, h);
    m.flushTlbAll(1);
    const r0 = m.walkReads;
    const faults = m.mermapFaults;
    expect(m.access(task, base + 1)).toBe(false);
    expect(m.walkReads - r0).toBe(levels);
    expect(m.mermapFaults - faults).toBe(1);
    expect(m.tlbs[1].lookup(base + 1, pcid)).toBe(-1);
  });
});
