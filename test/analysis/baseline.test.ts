import { describe, expect, it } from 'vitest';
import { MachineBaseline } from '../../src/analysis/metrics/baseline.js';
import { fullFlushCount, T_FLUSHES, T_MISSES, T_SHADOW_MISSES } from '../../src/analysis/metrics/tlb-counters.js';
import { Machine } from '../../src/core/machine.js';
import { FLUSH_ALL } from '../../src/core/tlb/index.js';

/** 1-page get/put pairs on CPU 0 of an R = 512 region: the get after 511 flushes (KUnit's tight loop). */
function loop(m: Machine, task: number, pairs: number): void {
  for (let i = 0; i < pairs; i++) m.mermapPut(task, m.mermapGet(task, 1, 0x1000 + i));
}

describe('MachineBaseline: one snapshot, and every difference against it', () => {
  it('counts only what happens after the snapshot', () => {
    const m = new Machine({ possibleCpus: 2, regionPages: 512, tlb: 'tiny' });
    const t = m.createTask(m.createMm(), 0);
    loop(m, t, 600); // warm-up: gets 1..600, one flush (at get 512)
    expect(m.pteWrites).toBeGreaterThan(0);
    const b = new MachineBaseline(m, 2);
    expect(b.machineDelta()).toEqual(Object.fromEntries(Object.keys(b.machineDelta()).map((k) => [k, 0])));
    expect(b.allocatorFlushesDelta()).toBe(0);
    expect(fullFlushCount(b.tlbTotals(), 0)).toBe(0);

    loop(m, t, 511); // gets 601..1111: the next flush is at get 1023
    expect(b.allocatorFlushesDelta()).toBe(1);
    const tlb = b.tlbTotals();
    expect(tlb[T_FLUSHES + FLUSH_ALL]).toBe(1);
    expect(fullFlushCount(tlb, 0)).toBe(1);
    // CPU 0 flushed; CPU 1 did nothing
    expect(fullFlushCount(b.tlbOf(0), 0)).toBe(1);
    expect([...b.tlbOf(1)].every((v) => v === 0)).toBe(true);
    // each get writes one PTE and each put clears it
    expect(b.machineDelta().pteWrites).toBe(2 * 511);
    expect(Object.values(b.failuresByReason()).every((v) => v === 0)).toBe(true);
    expect(b.violationsByKind().total).toBe(0);
    expect(b.violationsTotal()).toBe(0);
  });

  it('shadow misses and collateral refills: only those after the snapshot; null without shadows', () => {
    const m = new Machine({ possibleCpus: 1, regionPages: 16, tlb: 'tiny', shadowTlb: true });
    const t = m.createTask(m.createMm(), 0);
    const kernel = m.geometry.mmLocalStartVpn - 1000; // direct map: global
    const wrap = (pairs: number) => {
      for (let i = 0; i < pairs; i++) m.mermapPut(t, m.mermapGet(t, 2, 0x100 + i));
    };
    m.access(t, 1); // a miss in both
    wrap(8); // 7 gets fill [0, 14) of the 15 pages, the 8th flushes and takes [0, 2)
    m.access(t, 1); // the flush's refill: a miss only in the TLB
    expect([m.tlbs[0].misses, m.tlbs[0].shadowMisses, m.tlbs[0].collateralRefills]).toEqual([2, 1, 1]);
    const b = new MachineBaseline(m, 1);
    expect(b.shadowed).toBe(true);
    expect(b.collateralRefills()).toBe(0);
    m.access(t, 1); // a hit in both
    m.access(t, kernel); // a miss in both
    wrap(7); // 6 gets fill [2, 14), the 7th flushes
    expect(m.tlbs[0].flushes[FLUSH_ALL]).toBe(2);
    m.access(t, 1); // refills: misses only in the TLB
    m.access(t, kernel);
    const tlb = b.tlbTotals();
    expect([tlb[T_MISSES], tlb[T_SHADOW_MISSES]]).toEqual([3, 1]);
    expect(b.collateralRefills()).toBe(2);
    expect(m.tlbs[0].collateralRefills).toBe(3);

    const plain = new Machine({ possibleCpus: 1, regionPages: 16, tlb: 'tiny' });
    plain.access(plain.createTask(plain.createMm(), 0), 1);
    const pb = new MachineBaseline(plain, 1);
    expect(pb.shadowed).toBe(false);
    expect(pb.collateralRefills()).toBeNull();
    expect(pb.tlbTotals()[T_SHADOW_MISSES]).toBe(0);
  });

  it('failures by reason: every reason present, only those after the snapshot', () => {
    const m = new Machine({ possibleCpus: 1, regionPages: 16, tlb: 'tiny' });
    const t = m.createTask(m.createMm(), 0);
    expect(m.mermapGet(t, 64, 0x100)).toBeLessThan(0); // before: too large for R = 16
    const b = new MachineBaseline(m, 1);
    expect(m.mermapGet(t, 64, 0x100)).toBeLessThan(0); // after: counted
    expect(m.mermapGet(t, 32, 0x100)).toBeLessThan(0);
    const f = b.failuresByReason();
    expect(Object.keys(f)).not.toContain('ok');
    expect(Object.entries(f).filter(([, v]) => v !== 0)).toEqual([['too_large', 2]]);
  });
});
