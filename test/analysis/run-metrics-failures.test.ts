import { describe, expect, it } from 'vitest';
import { PROT_KERNEL_GLOBAL, PROT_KERNEL_NOGLOBAL } from '../../src/core/paging/index.js';
import { Driven } from './helpers.js';

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
