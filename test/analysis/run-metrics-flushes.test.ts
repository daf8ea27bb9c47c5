import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VARIANTS } from '../../src/core/allocators.js';
import { PROT_KERNEL_NOGLOBAL } from '../../src/core/paging/index.js';
import { FLUSH_ALL, FLUSH_INVLPG, FLUSH_INVPCID_SINGLE } from '../../src/core/tlb/index.js';
import { Driven, replayScript, scriptStep, tightLoop } from './helpers.js';

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
 * The summary's counts are the machine's own, whatever the variant: random get/put scripts on 2
 * CPUs, R = 16 (vmap-block's lazy threshold low enough for puts to purge, so its shootdowns
 * flush the other CPU too). Flushes as the TLBs counted them (full and single-context), INVLPGs,
 * gets, failures and puts as the machine counted them.
 */
describe('flush and get counts equal the machine and TLB counters, every variant', () => {
  for (const variant of VARIANTS) {
    it(variant, () => {
      fc.assert(
        fc.property(fc.array(scriptStep, { maxLength: 60 }), (script) => {
          const { r, metrics } = replayScript(variant, script);
          const sum = metrics.finish(0, script.length);
          const m = r.machine;
          const tlbs = (kind: number): number => m.tlbs.reduce((n, t) => n + t.flushes[kind]!, 0);
          expect([sum.flushes, sum.invlpgs, sum.gets, sum.getFailures, sum.puts]).toEqual([
            tlbs(FLUSH_ALL) + tlbs(FLUSH_INVPCID_SINGLE),
            tlbs(FLUSH_INVLPG),
            m.gets,
            m.gets - m.getsOk,
            m.puts,
          ]);
        }),
        { seed: 23, numRuns: 60 },
      );
    });
  }
});
