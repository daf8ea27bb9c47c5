import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveCostModel } from '../../src/analysis/cost-models.js';
import { COST_PRESETS } from '../../src/analysis/costs/index.js';
import { RunMetrics } from '../../src/analysis/metrics/run-metrics.js';
import type { RunSummary } from '../../src/analysis/metrics/summary.js';
import { presetConfig } from '../../src/config/index.js';
import { Machine } from '../../src/core/machine.js';
import { drive, setUpTopology } from '../../src/run/drive.js';
import { runConfig } from '../../src/run/run.js';
import {
  EV_GET,
  EV_PUT,
  EV_SWITCH,
  type EventChunk,
  type EventSource,
  FLAG_ZEROING,
} from '../../src/workloads/events.js';

/** Events as rows [kind, pages, allocId, pfn, flags]; event i at time i x 1,000 ns, task 0 on CPU 0. */
function script(rows: number[][]): EventSource {
  let done = false;
  return {
    topology: { taskMm: Int32Array.of(0), taskCpu: Int32Array.of(0), mms: 1 },
    fill(chunk: EventChunk): boolean {
      if (!done) rows.forEach(([kind, a, b, pfn, flags], i) => chunk.push(kind, i * 1000, 0, 0, a, b, pfn, flags));
      done = true;
      return false;
    },
  };
}

/**
 * One order-9 zeroing allocation, then `n` order-0 ones, each GET followed by its PUT. On R = 512
 * the 512-page fast-path get fails (no_space, facts §6.1) and the slow path maps its pages one by
 * one through the reserve: 512 reserved gets, each writing one PTE and clearing it at the put.
 */
function orderNineThenSmall(n: number): number[][] {
  const rows: number[][] = [[EV_SWITCH, 0, 0, -1, 0]];
  rows.push([EV_GET, 512, 1, 0x40000, FLAG_ZEROING], [EV_PUT, 512, 1, 0x40000, FLAG_ZEROING]);
  for (let i = 0; i < n; i++) {
    const id = 2 + i;
    rows.push([EV_GET, 1, id, 0x50000 + i, FLAG_ZEROING], [EV_PUT, 1, id, 0x50000 + i, FLAG_ZEROING]);
  }
  return rows;
}

/** 900 cycles per page at 3 GHz: 300 ns of zeroing per page. */
const ZC = 900;

function run(regionPages: number, rows: number[][]): RunSummary {
  const machine = new Machine({ possibleCpus: 1, regionPages, tlb: 'tiny' });
  const source = script(rows);
  setUpTopology(machine, source);
  const metrics = new RunMetrics(machine, { costModel: resolveCostModel('molnar-2015') });
  const st = drive(machine, source, metrics, { zeroCyclesPerPage: ZC, cpuGhz: 3 });
  return metrics.finish(st.lastNs, st.events);
}

describe('flush rates a reader can compare: normal and reserved gets apart', () => {
  // R = 512: the slow path's 512 reserved 1-page gets fill the region (pages 0..511, no flush).
  // Normal 1-page gets use 511 pages of a region (rfc-v1), so the first small get finds no room
  // and flushes, gets 1..511 land at 0..510, and get 512 flushes again: 600 small gets, 2 flushes.
  const s = run(512, orderNineThenSmall(600));

  it('counts the gets by kind', () => {
    expect(s.allocations).toBe(601);
    expect(s.gets).toBe(1 + 512 + 600);
    expect(s.reservedGets).toBe(512);
    expect(s.reservedGetFailures).toBe(0);
    expect(s.fastPathGets).toBe(601);
    expect(s.reservedGetFraction).toBe(512 / 1113);
    expect(s.zeroedPages).toBe(512 + 600);
    expect(s.fastPathFailures).toBe(1);
    expect(s.fallbackPages).toBe(512);
    expect(s.fastPathFailuresPerAllocation).toBe(1 / 601);
    expect(s.getFailures).toBe(1);
    expect(s.failureRate).toBe(1 / 1113);
  });

  it('divides the same flushes by allocations, pages, fast-path gets, all gets and time', () => {
    expect(s.flushes).toBe(2);
    expect(s.flushesPerAllocation).toBe(2 / 601);
    expect(s.flushesPerZeroedPage).toBe(2 / 1112);
    expect(s.flushesPer1000FastPathGets).toBe(2000 / 601);
    expect(s.flushesPer1000Gets).toBe(2000 / 1113);
    // 1 + 2 + 2 x 600 events, the last at (1203 - 1) x 1,000 ns
    expect(s.simulatedSeconds).toBe(1202e-6);
    expect(s.flushesPerSecond).toBe(2 / 1202e-6);
  });

  it('on R = 1024 the order-9 get fits: 511 fewer gets, so per get and per allocation part ways', () => {
    // the 512-page get lands at 0..511; small gets 1..511 land at 512..1022 (a normal get leaves
    // the last page), get 512 flushes and lands at 0: one flush, and no reserved get at all
    const w = run(1024, orderNineThenSmall(600));
    expect(w.gets).toBe(601);
    expect(w.fastPathGets).toBe(601);
    expect(w.reservedGetFraction).toBe(0);
    expect(w.flushes).toBe(1);
    // per get: 2,000 / 1,113 = 1.80 -> 1,000 / 601 = 1.66 (down 8 %); per allocation: halved
    expect(w.flushesPer1000Gets).toBe(1000 / 601);
    expect(w.flushesPerAllocation).toBe(1 / 601);
    expect(w.flushesPer1000FastPathGets).toBe(1000 / 601);
    expect(w.flushesPerAllocation).toBeLessThan(s.flushesPerAllocation);
    expect(w.flushesPer1000FastPathGets).toBeLessThan(s.flushesPer1000FastPathGets);
  });

  it("counts the slow path's PTE writes, locks and IRQs-off time", () => {
    expect(s.slowPath).toEqual({
      pteWrites: 2 * 512,
      lockAcquisitions: 2 * 512,
      mapFailures: 0,
      irqsOffNs: { mean: 512 * 300, p99: 512 * 300, max: 512 * 300 },
      irqsOffWindowMaxNs: 300,
    });
  });

  it('prices the slow path beyond its zeroing and adds it to the total and the overhead', () => {
    // molnar-2015: IRQ pair 25, PTE write 5, lock 20 cycles
    const slow = 512 * 25 + 1024 * 5 + 1024 * 20;
    expect(s.cost.slowPathCycles).toBe(slow);
    const c = s.cost;
    expect(c.totalCycles).toBe(c.flushCycles + c.invlpgCycles + c.walkCycles + c.shootdownCycles + slow);
    expect(c.overheadFraction).toBe(c.totalCycles / (c.totalCycles + 1112 * ZC));
    expect(c.perGetCycles).toBe(c.totalCycles / 1113);
  });

  it('gives the band: the least and the most over every preset', () => {
    const { low, high } = s.cost.band;
    // the slow path under `low` (IRQ 25, PTE 1, lock 20) and `high` (IRQ 49, PTE 40, lock 100)
    const m = (p: string) => COST_PRESETS[p];
    expect(low.slowPathCycles).toBe(
      512 * m('low').irqSaveRestoreCycles + 1024 * (m('low').pteWriteCycles + m('low').lockCycles),
    );
    expect(high.slowPathCycles).toBe(512 * 49 + 1024 * (40 + 100));
    expect(low.totalCycles).toBeLessThanOrEqual(s.cost.totalCycles);
    expect(high.totalCycles).toBeGreaterThanOrEqual(s.cost.totalCycles);
    expect(low.overheadFraction).toBeLessThanOrEqual(s.cost.overheadFraction);
    expect(high.overheadFraction).toBeGreaterThan(s.cost.overheadFraction);
  });
});

describe('property: sequential zeroing allocations against a naive reference', () => {
  // One allocation at a time (GET then PUT): the region can always be flushed empty, so under
  // rfc-v1 a fast-path get of n pages fails exactly when n > R - 1 (a normal get leaves a page,
  // facts §2.3), and then the slow path maps all n pages through the reserve.
  it('fallbacks, slow-path counts, IRQs-off times and the rates follow from the sizes alone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 64, 512),
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 12 }),
        (R, orders) => {
          const sizes = orders.map((o) => 2 ** o);
          const rows: number[][] = [[EV_SWITCH, 0, 0, -1, 0]];
          sizes.forEach((n, i) => {
            rows.push([EV_GET, n, i + 1, 0x100000 * (i + 1), FLAG_ZEROING]);
            rows.push([EV_PUT, n, i + 1, 0x100000 * (i + 1), FLAG_ZEROING]);
          });
          const s = run(R, rows);
          const slow = sizes.filter((n) => n > R - 1);
          const slowPages = slow.reduce((a, n) => a + n, 0);
          const pages = sizes.reduce((a, n) => a + n, 0);
          expect(s.allocations).toBe(sizes.length);
          expect(s.fastPathGets).toBe(sizes.length);
          expect(s.fastPathFailures).toBe(slow.length);
          expect(s.fallbackPages).toBe(slowPages);
          expect(s.reservedGets).toBe(slowPages);
          expect(s.gets).toBe(sizes.length + slowPages);
          expect(s.zeroedPages).toBe(pages);
          expect(s.slowPath.pteWrites).toBe(2 * slowPages);
          expect(s.slowPath.lockAcquisitions).toBe(2 * slowPages);
          expect(s.slowPath.irqsOffNs.max).toBe(slow.length > 0 ? Math.max(...slow) * 300 : 0);
          expect(s.slowPath.irqsOffNs.mean).toBe(slow.length > 0 ? (slowPages * 300) / slow.length : 0);
          expect(s.flushesPerAllocation).toBe(s.flushes / sizes.length);
          expect(s.flushesPerZeroedPage).toBe(s.flushes / pages);
          expect(s.flushesPer1000FastPathGets).toBe((1000 * s.flushes) / sizes.length);
        },
      ),
      { numRuns: 40, seed: 12 },
    );
  });
});

describe('guest-boot: the slow path from its parameters', () => {
  it('512 order-9 allocations, each 512 pages with IRQs off page by page', () => {
    const r = runConfig(presetConfig('guest-boot'));
    const s = r.summary;
    // 1 GiB / 2 MiB = 512 allocations; every fast-path get fails on R = 512
    expect(s.fastPathFailures).toBe(512);
    expect(s.fallbackPages).toBe(262_144);
    expect(s.slowPath.pteWrites).toBe(2 * 262_144);
    expect(s.slowPath.lockAcquisitions).toBe(2 * 262_144);
    // zeroing 897 cycles per page at 3 GHz = 299 ns; 512 pages = 153,088 ns per allocation
    expect(s.slowPath.irqsOffWindowMaxNs).toBe(299);
    expect(s.slowPath.irqsOffNs).toEqual({ mean: 153_088, p99: 153_088, max: 153_088 });
    // molnar-2015: 262,144 x (25 + 2 x 5 + 2 x 20) = 19,660,800 cycles
    expect(s.cost.slowPathCycles).toBe(19_660_800);
    expect(s.cost.overheadFraction).toBeGreaterThan(0.07);
  });
});
