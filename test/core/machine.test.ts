import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/core/machine.js';
import { reasonName } from '../../src/core/mermap/reasons.js';
import { cpuBaseVpn } from '../../src/core/paging/geometry.js';
import { PTE_SENTINEL, PTE_NONE, mkPte, PROT_KERNEL_NOGLOBAL } from '../../src/core/paging/pte.js';
import { CAT_GLOBAL, CAT_MERMAP, CAT_OTHER_PCID, FLUSH_ALL } from '../../src/core/tlb/tlb.js';

function machine(allocator = 'rfc-v1', cpus = 2) {
  const m = new Machine({ possibleCpus: cpus, regionPages: 16, variant: allocator, tlb: 'tiny' });
  const mm = m.createMm();
  const t0 = m.createTask(mm, 0);
  const t1 = m.createTask(mm, 1);
  return { m, mm, t0, t1 };
}

describe('Machine: the mermap on real page tables', () => {
  it("get writes pfn PTEs into the mm tables, put writes the version's unmapped value back", () => {
    for (const [variant, unmapped] of [
      ['rfc-v1', PTE_SENTINEL],
      ['rfc-later', PTE_NONE],
    ] as const) {
      const { m, mm, t0 } = machine(variant);
      const base = cpuBaseVpn(m.geometry, 0);
      const h = m.mermapGet(t0, 3, 0x500, PROT_KERNEL_NOGLOBAL);
      expect(h).toBeGreaterThanOrEqual(0);
      const pt = m.pageTable(mm);
      expect([0, 1, 2, 3].map((i) => pt.getPte(base + i))).toEqual([
        mkPte(0x500, PROT_KERNEL_NOGLOBAL),
        mkPte(0x501, PROT_KERNEL_NOGLOBAL),
        mkPte(0x502, PROT_KERNEL_NOGLOBAL),
        unmapped,
      ]);
      expect(m.migrateDisableDepth(t0)).toBe(1);
      m.mermapPut(t0, h);
      expect([0, 1, 2].map((i) => pt.getPte(base + i))).toEqual([unmapped, unmapped, unmapped]);
      expect(m.migrateDisableDepth(t0)).toBe(0);
    }
  });

  it('a failing PTE write (fault injection) leaks the migrate-disable depth (bug 8.3), and next_addr keeps the lost space', () => {
    const { m, t0 } = machine();
    m.pteWriteFault = () => true;
    expect(reasonName(m.mermapGet(t0, 2, 0x10))).toBe('pte_write_failed');
    expect(m.migrateDisableDepth(t0)).toBe(1);
    expect(m.checker.violations.map((v) => v.kind)).toEqual(['migrate_disable_leak']);
    expect(m.allocator(0).nextOffset(0)).toBe(2);
    expect(m.allocator(0).liveAllocations(0)).toEqual([]);
    expect(m.migrate(t0, 1)).toBe(false); // pinned for good
    expect(m.migrationsRefused).toBe(1);
  });

  it('a get from IRQ context fails with not_in_task and leaves migration alone', () => {
    const { m, t0 } = machine();
    m.setInTask(t0, false);
    expect(reasonName(m.mermapGet(t0, 1, 0x10, PROT_KERNEL_NOGLOBAL, true))).toBe('not_in_task');
    expect(m.migrateDisableDepth(t0)).toBe(0);
    expect(m.migrate(t0, 1)).toBe(true);
  });

  it('teardown looks only at the tearing-down CPU (bug 8.7)', () => {
    const { m, mm, t0, t1 } = machine();
    m.mermapGet(t1, 1, 0x10); // leaked on CPU 1
    expect(m.mermapMmTeardown(mm, 0)).toEqual({ warned: false, slotsSeen: 0, slotsMissed: 1 });
    m.mermapGet(t0, 1, 0x20);
    expect(m.mermapMmTeardown(mm, 0)).toEqual({ warned: true, slotsSeen: 1, slotsMissed: 1 });
  });

  it('stale_tlb_after_free: a page freed while the TLB still translates to it through the mermap; none after the wrap flush', () => {
    const { m, t0 } = machine();
    const h = m.mermapGet(t0, 1, 0x777);
    const base = m.allocator(0).lastBase;
    m.access(t0, base); // zeroing: the TLB now holds base -> 0x777
    m.mermapPut(t0, h);
    m.freePages(0x777, 1, 0);
    expect(m.checker.violations.map((v) => [v.kind, v.pfn])).toEqual([['stale_tlb_after_free', 0x777]]);
    m.flushTlbAll(0);
    m.freePages(0x777, 1, 0);
    expect(m.checker.counts[2]).toBe(1);
  });

  it('a full flush discards mermap, global and other-PCID entries; the counts land in the TLB by category', () => {
    const m = new Machine({ possibleCpus: 1, regionPages: 16, variant: 'rfc-v1', tlb: 'tiny' });
    const a = m.createMm();
    const b = m.createMm();
    const ta = m.createTask(a, 0);
    const tb = m.createTask(b, 0);
    m.access(tb, 0x1000); // user page of mm b (its PCID)
    m.access(ta, 0xffff888000000 + 5); // a global kernel page (direct map)
    const h = m.mermapGet(ta, 1, 0x42);
    m.access(ta, m.allocator(a).lastBase); // mermap entry of mm a
    expect(m.tlbs[0].mermapLive).toBe(1);
    m.mermapPut(ta, h);
    expect(m.tlbs[0].staleLive()).toBe(1);
    m.flushTlbAll(0);
    const d = m.tlbs[0].discarded;
    expect([d[FLUSH_ALL * 4 + CAT_MERMAP], d[FLUSH_ALL * 4 + CAT_GLOBAL], d[FLUSH_ALL * 4 + CAT_OTHER_PCID]]).toEqual([
      1, 1, 1,
    ]);
    expect(m.tlbs[0].validEntries()).toBe(0);
    expect(m.tlbs[0].mermapLive).toBe(0);
  });
});

describe('PCID: 6 dynamic ASIDs per CPU, handed out round robin (choose_new_asid)', () => {
  it('a 7th mm on a CPU reuses ASID 0 and its CR3 write flushes what the first mm left under it', () => {
    const m = new Machine({ possibleCpus: 1, regionPages: 16, variant: 'rfc-v1', tlb: 'tiny' });
    const tasks = Array.from({ length: 7 }, () => m.createTask(m.createMm(), 0));
    m.access(tasks[0], 0x1000); // mm 0's user page, tagged with ASID 0 (PCID 1)
    for (let i = 1; i < 6; i++) m.switchTo(tasks[i]);
    expect(m.cr3Flushes).toBe(0);
    m.switchTo(tasks[0]); // still holds ASID 0: no flush, its entry is still there
    expect(m.tlbs[0].lookup(0x1000, 1)).toBeGreaterThanOrEqual(0);
    m.switchTo(tasks[6]); // the 7th mm: ASID 0 again, flushed
    expect(m.cr3Flushes).toBe(1);
    expect(m.tlbs[0].lookup(0x1000, 1)).toBe(-1);
    expect(m.tlbs[0].flushes[2]).toBe(1); // FLUSH_CR3
    expect(m.cr3Writes).toBe(8); // mm 0, mms 1..5, mm 0 again, mm 6
  });
});
