import { describe, expect, it } from 'vitest';
import { resolveCostModel, slowPathBand, slowPathCost } from '../../../src/analysis/cost-models.js';

// One order-9 allocation (512 pages): the fast path always fails (facts §6.1), so 512 reserved
// single-page maps with IRQs off: 512 IRQ save/restore pairs, 512 PTE sets + 512 PTE clears, and
// in V1 the PTE lock twice per page, once in the get and once in the put (facts §8.2; VL: none).
const order9 = { allocations: 1, pages: 512, pteWrites: 1024, lockAcquisitions: 1024 };

describe('slowPathCost', () => {
  it('molnar-2015, hand-computed', () => {
    // irq 512 x 25 = 12,800; pte 1,024 x 5 = 5,120; lock 1,024 x 20 = 20,480; zero 512 x 897 = 459,264
    expect(slowPathCost(order9, resolveCostModel('molnar-2015'))).toEqual({
      irqCycles: 12800,
      pteCycles: 5120,
      lockCycles: 20480,
      zeroCycles: 459264,
      totalCycles: 497664,
      overheadCycles: 38400,
      perPageCycles: 972,
      perAllocationCycles: 497664,
      totalNs: 497664 / 3,
    });
    // VL takes no PTE lock
    expect(slowPathCost({ ...order9, lockAcquisitions: 0 }, resolveCostModel()).totalCycles).toBe(477184);
  });

  it('per-event prices add up independently; nothing counted costs nothing', () => {
    const m = resolveCostModel('molnar-2015', {
      irqSaveRestoreCycles: 1,
      pteWriteCycles: 10,
      lockCycles: 100,
      zeroCyclesPerPage: 1000,
    });
    expect(slowPathCost({ allocations: 2, pages: 3, pteWrites: 6, lockAcquisitions: 1 }, m)).toMatchObject({
      irqCycles: 3,
      pteCycles: 60,
      lockCycles: 100,
      zeroCycles: 3000,
      totalCycles: 3163,
      overheadCycles: 163,
      perAllocationCycles: 3163 / 2,
    });
    expect(slowPathCost({ allocations: 0, pages: 0, pteWrites: 0, lockAcquisitions: 0 }, m)).toMatchObject({
      totalCycles: 0,
      perPageCycles: 0,
      perAllocationCycles: 0,
    });
  });

  it('as a band: low, the named presets, high', () => {
    const band = slowPathBand(order9);
    expect(band.map((e) => [e.model, e.value.totalCycles])).toEqual([
      ['low', 512 * 25 + 1024 * 1 + 1024 * 20 + 512 * 814], // 451,072
      ['molnar-2015', 497664],
      ['hansen-2014', 497664],
      ['kernel-tlb-c', 497664],
      ['high', 512 * 49 + 1024 * 40 + 1024 * 100 + 512 * 1200], // 782,848
    ]);
  });
});
