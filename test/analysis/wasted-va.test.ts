import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MermapAllocator } from '../../src/core/mermap/allocator.js';
import { WastedVaCollector } from '../../src/analysis/metrics/wasted-va.js';

/** regionUsage() only: [live, reclaimable, pinned, free] per CPU, set by the test. */
function fakeAllocator(): { alloc: MermapAllocator; set: (cpu: number, usage: number[]) => void } {
  const byCpu = new Map<number, number[]>();
  const alloc = {
    regionUsage(cpu: number, out: Float64Array) {
      out.set(byCpu.get(cpu) ?? [0, 0, 0, 0]);
      return out;
    },
  } as unknown as MermapAllocator;
  return { alloc, set: (cpu, usage) => byCpu.set(cpu, usage) };
}

/** One number of every tracked region, in region order (mm x cpus + CPU). */
function regionField(w: WastedVaCollector, key: 'peak' | 'intNs' | 'intOps' | 'lastNs'): number[] {
  return Array.from({ length: w.regions }, (_, r) => w.regionState(r)[key]);
}

describe('WastedVaCollector: a hand-computed run (R = 8, 2 CPUs, start at 100 ns, op 10)', () => {
  function run() {
    const w = new WastedVaCollector(8, 2, 1, 100, 10);
    const { alloc, set } = fakeAllocator();
    // op 10 at 100 ns: CPU 0 gets 2 pages, nothing wasted
    set(0, [2, 0, 0, 6]);
    w.advance(100, 10);
    expect(w.update(alloc, 0, 0, 100, 10)).toBe(true);
    // op 11 at 150 ns: a put leaves 3 flush-pending pages above the live one
    set(0, [1, 3, 0, 4]);
    w.advance(150, 11);
    w.update(alloc, 0, 0, 150, 11);
    // op 12 at 200 ns: CPU 1's first event, 1 reclaimable and 2 pinned
    set(1, [1, 1, 2, 4]);
    w.advance(200, 12);
    w.update(alloc, 0, 1, 200, 12);
    return { w, alloc, set };
  }

  it('keeps the current totals, the peak and the active regions', () => {
    const { w } = run();
    expect([w.totalWasted, w.totalPinned, w.totalLive]).toEqual([6, 2, 2]);
    expect(w.activeRegions).toBe(2);
    expect(regionField(w, 'peak')).toEqual([3, 3]);
    expect(w.fractionNow(0, 0)).toBe(3 / 8);
    expect(w.fractionNow(0, 1)).toBe(3 / 8);
  });

  it('integrates the totals exactly up to the last advance, and peeks ahead without advancing', () => {
    const { w } = run();
    // wasted: 0 over [100, 150), 3 over [150, 200) -> 150 page-ns; ops: 0 x 1 + 3 x 1 = 3
    expect([w.totalIntegral('wasted', true), w.totalIntegral('wasted', false)]).toEqual([150, 3]);
    // live: 2 over [100, 150), 1 over [150, 200) -> 150 page-ns; 2 + 1 = 3 page-ops
    expect([w.totalIntegral('live', true), w.totalIntegral('live', false)]).toEqual([150, 3]);
    expect([w.totalIntegral('pinned', true), w.totalIntegral('pinned', false)]).toEqual([0, 0]);
    // 6 wasted pages from (200, 12) to (260, 15): 150 + 360, 3 + 18
    expect(w.wastedIntegralAt(260, 15)).toEqual({ ns: 510, ops: 21 });
    expect([w.totalIntegral('wasted', true), w.totalIntegral('wasted', false)]).toEqual([150, 3]);
  });

  it('a failed get adds its region state to the failure sums', () => {
    const { w, alloc, set } = run();
    // op 15 at 260 ns: a failed 2-page get on CPU 0 finds 7 pinned pages and 1 free
    set(0, [0, 0, 7, 1]);
    w.advance(260, 15);
    w.update(alloc, 0, 0, 260, 15);
    w.noteFailure(2);
    expect([w.failCount, w.failLive, w.failReclaimable, w.failPinned, w.failFree, w.failRequestPages]).toEqual([
      1, 0, 0, 7, 1, 2,
    ]);
    expect(w.peakOf(0)).toBe(7);
    expect([w.totalWasted, w.totalPinned, w.totalLive]).toEqual([10, 9, 1]);
  });

  it('closeAll brings every region to the end, idempotently; the regions sum to the total', () => {
    const { w, alloc, set } = run();
    set(0, [0, 0, 7, 1]);
    w.advance(260, 15);
    w.update(alloc, 0, 0, 260, 15);
    w.closeAll(300, 20);
    // region (0, 0): 3 x (260 - 150) + 7 x (300 - 260) = 610 page-ns; 3 x 4 + 7 x 5 = 47 page-ops
    // region (0, 1): 3 x (300 - 200) = 300 page-ns; 3 x 8 = 24 page-ops
    expect(regionField(w, 'intNs')).toEqual([610, 300]);
    expect(regionField(w, 'intOps')).toEqual([47, 24]);
    expect([w.totalIntegral('wasted', true), w.totalIntegral('wasted', false)]).toEqual([910, 71]);
    // pinned: 2 over [200, 260), 9 over [260, 300) -> 120 + 360; 2 x 3 + 9 x 5
    expect([w.totalIntegral('pinned', true), w.totalIntegral('pinned', false)]).toEqual([480, 51]);
    w.closeAll(300, 20);
    expect(regionField(w, 'intNs')).toEqual([610, 300]);
    expect([w.totalIntegral('wasted', true), w.totalIntegral('wasted', false)]).toEqual([910, 71]);
  });

  it('ignores CPUs outside the tracked range and grows by doubling for a new mm', () => {
    const { w, alloc, set } = run();
    set(2, [0, 8, 0, 0]);
    expect(w.update(alloc, 0, 2, 300, 20)).toBe(false);
    expect(w.totalWasted).toBe(6);
    expect(w.fractionNow(0, 2)).toBe(0);
    expect(w.fractionNow(5, 0)).toBe(0);
    // mm 2 on a capacity of 1: max(2 + 1, 2 x 1) = 3 mms; the new regions start free at the run start
    set(0, [0, 4, 0, 4]);
    w.update(alloc, 2, 0, 300, 20);
    expect(w.mmCapacity).toBe(3);
    expect(w.activeRegions).toBe(3);
    expect(w.fractionNow(2, 0)).toBe(4 / 8);
    expect(w.fractionNow(0, 0)).toBe(3 / 8);
    // the old regions keep their state across the growth
    expect(regionField(w, 'peak')).toEqual([3, 3, 0, 0, 4, 0]);
    expect(regionField(w, 'lastNs')).toEqual([150, 200, 100, 100, 300, 100]);
  });
});

describe('WastedVaCollector against a naive step-function integral', () => {
  it('per-region and total integrals match, for any event sequence', () => {
    const event = fc.record({
      mm: fc.integer({ min: 0, max: 2 }),
      cpu: fc.integer({ min: 0, max: 1 }),
      dt: fc.integer({ min: 0, max: 50 }),
      dop: fc.integer({ min: 0, max: 3 }),
      reclaimable: fc.integer({ min: 0, max: 4 }),
      pinned: fc.integer({ min: 0, max: 4 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.integer({ min: 0, max: 100 }), (events, tail) => {
        const R = 16;
        const w = new WastedVaCollector(R, 2, 1, 0, 0);
        const { alloc, set } = fakeAllocator();
        // naive: every region's wasted value as a list of (time, value) changes
        const changes = new Map<string, Array<[number, number, number]>>();
        let ns = 0;
        let op = 0;
        for (const e of events) {
          ns += e.dt;
          op += e.dop;
          const live = 1;
          set(e.cpu, [live, e.reclaimable, e.pinned, R - live - e.reclaimable - e.pinned]);
          w.advance(ns, op);
          w.update(alloc, e.mm, e.cpu, ns, op);
          const key = `${e.mm}/${e.cpu}`;
          changes.set(key, [...(changes.get(key) ?? []), [ns, op, e.reclaimable + e.pinned]]);
        }
        const endNs = ns + tail;
        const endOp = op + 1;
        w.closeAll(endNs, endOp);
        let totalNs = 0;
        let totalOps = 0;
        for (const [key, list] of changes) {
          const [mm, cpu] = key.split('/').map(Number);
          let iNs = 0;
          let iOps = 0;
          list.forEach(([t, o, v], i) => {
            const [t1, o1] = i + 1 < list.length ? list[i + 1] : [endNs, endOp];
            iNs += v * (t1 - t);
            iOps += v * (o1 - o);
          });
          const r = mm * 2 + cpu;
          expect(w.integralOf(r, true)).toBe(iNs);
          expect(w.integralOf(r, false)).toBe(iOps);
          expect(w.peakOf(r)).toBe(Math.max(...list.map(([, , v]) => v)));
          totalNs += iNs;
          totalOps += iOps;
        }
        expect(w.activeRegions).toBe(changes.size);
        expect(w.totalIntegral('wasted', true)).toBe(totalNs);
        expect(w.totalIntegral('wasted', false)).toBe(totalOps);
      }),
    );
  });
});
