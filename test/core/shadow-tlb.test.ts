import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/core/machine.js';
import { PROT_KERNEL_NOGLOBAL } from '../../src/core/paging/pte.js';
import { CAT_GLOBAL, CAT_OTHER, FLUSH_ALL, TLB_CATEGORIES } from '../../src/core/tlb/tlb.js';

/** rfc-v1, one CPU, R = 16 (15 pages for normal gets), the hand-computable 'tiny' TLB. */
function machine(shadowTlb: boolean) {
  const m = new Machine({ possibleCpus: 1, regionPages: 16, variant: 'rfc-v1', tlb: 'tiny', shadowTlb });
  const mm = m.createMm();
  const task = m.createTask(mm, 0);
  return { m, task, tlb: m.tlbs[0] };
}

function getPut(m: Machine, task: number, pages: number, touch: boolean): void {
  const h = m.mermapGet(task, pages, 0x500, PROT_KERNEL_NOGLOBAL);
  expect(h).toBeGreaterThanOrEqual(0);
  const base = m.allocator(0).lastBase;
  if (touch) for (let i = 0; i < pages; i++) m.access(task, base + i);
  m.mermapPut(task, h);
}

describe('shadow TLB: collateral refills of the mermap flushes (issue 12 §3)', () => {
  it('off: shadowMisses and collateralRefills are null', () => {
    const { m, task, tlb } = machine(false);
    m.access(task, 1);
    expect(tlb.shadow).toBeNull();
    expect(tlb.shadowMisses).toBeNull();
    expect(tlb.collateralRefills).toBeNull();
  });

  it('a run with no mermap flush has no collateral: the shadow misses exactly where the TLB does', () => {
    const { m, task, tlb } = machine(true);
    for (const v of [1, 2, 1, 2]) m.access(task, v); // 2 misses, 2 hits
    getPut(m, task, 2, true); // 2 mermap misses
    getPut(m, task, 3, false);
    expect(tlb.flushes[FLUSH_ALL]).toBe(0);
    expect(tlb.misses).toBe(4);
    expect(tlb.shadowMisses).toBe(4);
    expect(tlb.collateralRefills).toBe(0);
  });

  it('equals the translations a wrap flush discarded and the run then walked for again', () => {
    const { m, task, tlb } = machine(true);
    const kernel = m.geometry.mmLocalStartVpn - 1000; // a kernel page below the mm-local slot (not the direct map): global, 4 KiB
    m.access(task, 1); // user, refilled after the flush
    m.access(task, 3); // user, discarded but never touched again
    m.access(task, kernel); // global, refilled after the flush
    // 7 gets of 2 pages fill [0, 14) of the 15 pages; the 8th finds no room: __flush_tlb_all()
    for (let i = 0; i < 8; i++) getPut(m, task, 2, false);
    expect(tlb.flushes[FLUSH_ALL]).toBe(1);
    const discarded =
      tlb.discarded[FLUSH_ALL * TLB_CATEGORIES + CAT_OTHER] + tlb.discarded[FLUSH_ALL * TLB_CATEGORIES + CAT_GLOBAL];
    expect(discarded).toBe(3);
    m.access(task, 1);
    m.access(task, kernel);
    expect(tlb.misses).toBe(5);
    expect(tlb.shadowMisses).toBe(3);
    expect(tlb.refillsAfterFlush).toBe(2);
    expect(tlb.collateralRefills).toBe(2);
  });

  it('a mermap page mapped again to another pfn after the wrap is no collateral: its walk is needed anyway', () => {
    for (const [pfnAfter, collateral] of [
      [0x900, 0], // a new mapping: the shadow's copy is of the old one, so it misses too
      [0x500, 2], // the same mapping again: only the flush made the TLB walk for it
    ] as const) {
      const { m, task, tlb } = machine(true);
      const touch = (pfn: number) => {
        const h = m.mermapGet(task, 2, pfn, PROT_KERNEL_NOGLOBAL);
        const base = m.allocator(0).lastBase;
        m.access(task, base);
        m.access(task, base + 1);
        m.mermapPut(task, h);
        return base;
      };
      const first = touch(0x500); // 2 misses in both
      for (let i = 0; i < 6; i++) getPut(m, task, 2, false); // [2, 14) used
      expect(touch(pfnAfter)).toBe(first); // the 8th get wraps: __flush_tlb_all(), next_addr back to 0
      expect(tlb.flushes[FLUSH_ALL]).toBe(1);
      expect(tlb.misses).toBe(4);
      expect(tlb.shadowMisses).toBe(4 - collateral);
      expect(tlb.collateralRefills).toBe(collateral);
    }
  });

  it('an access that faults on a not-present mermap page misses in the shadow too', () => {
    const { m, task, tlb } = machine(true);
    const h = m.mermapGet(task, 2, 0x500, PROT_KERNEL_NOGLOBAL);
    const base = m.allocator(0).lastBase;
    m.access(task, base + 1); // 1 miss in both
    m.mermapPut(task, h); // rfc-v1: no flush, the stale copy stays in both TLBs
    for (let i = 0; i < 6; i++) getPut(m, task, 2, false); // [2, 14)
    getPut(m, task, 1, false); // [14, 15)
    getPut(m, task, 1, false); // no room: __flush_tlb_all(), then [0, 1)
    expect(tlb.flushes[FLUSH_ALL]).toBe(1);
    expect(m.access(task, base + 1)).toBe(false); // not present: a fault, the shadow still caches it
    expect(tlb.misses).toBe(2);
    expect(tlb.shadowMisses).toBe(2);
    expect(tlb.collateralRefills).toBe(0);
  });

  it('the shadow is flushed by CR3 writes (a reused PCID) like the TLB: no collateral from them', () => {
    const m = new Machine({ possibleCpus: 1, regionPages: 16, variant: 'rfc-v1', tlb: 'tiny', shadowTlb: true });
    const tasks: number[] = [];
    for (let i = 0; i < 7; i++) tasks.push(m.createTask(m.createMm(), 0));
    // 7 mms on 6 ASIDs: the 7th reuses the first's PCID and the CR3 write flushes its entries
    for (const t of tasks) m.access(t, 1);
    m.access(tasks[0], 1);
    const tlb = m.tlbs[0];
    expect(tlb.misses).toBe(8);
    expect(tlb.shadowMisses).toBe(8);
    expect(tlb.collateralRefills).toBe(0);
  });

  it('resetCounters() zeroes the shadow too', () => {
    const { m, task, tlb } = machine(true);
    m.access(task, 1);
    tlb.resetCounters();
    expect(tlb.shadowMisses).toBe(0);
    expect(tlb.collateralRefills).toBe(0);
  });
});
