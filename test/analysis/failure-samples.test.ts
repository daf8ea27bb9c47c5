import { describe, expect, it } from 'vitest';
import { resolveCostModel } from '../../src/analysis/cost-models.js';
import { RunMetrics } from '../../src/analysis/metrics/run-metrics.js';
import { Machine } from '../../src/core/machine.js';

describe('the region state at every failure (failureSamples)', () => {
  it("the seed diagram's failing get: 2 live pages at 13-14, 13 pinned below them, nothing reclaimable, the reserve page free", () => {
    const m = new Machine({ possibleCpus: 1, regionPages: 16, variant: 'rfc-v1', tlb: 'tiny' });
    const task = m.createTask(m.createMm(), 0);
    const metrics = new RunMetrics(m, { costModel: resolveCostModel() });
    let op = 0;
    const at = () => {
      m.clock.op = op;
      m.clock.ns = op * 1000;
      metrics.tick(op * 1000, op);
      op++;
    };
    at();
    const a = m.mermapGet(task, 4, 0x100);
    at();
    m.mermapPut(task, a);
    at();
    const b = m.mermapGet(task, 9, 0x200);
    at();
    m.mermapGet(task, 2, 0x300);
    at();
    m.mermapPut(task, b);
    at();
    expect(m.mermapGet(task, 1, 0x400)).toBeLessThan(0); // "Another allocation at this point will fail."
    at();
    expect(m.mermapGet(task, 17, 0x500)).toBeLessThan(0); // larger than the region (16 would pass this check: size > R)
    expect(metrics.failureSamples()).toEqual([
      {
        op: 5,
        timeNs: 5000,
        cpu: 0,
        mm: 0,
        reason: 'no_space',
        requestPages: 1,
        live: 2,
        reclaimable: 0,
        pinned: 13,
        free: 1,
        nextOffset: 15,
      },
      {
        op: 6,
        timeNs: 6000,
        cpu: 0,
        mm: 0,
        reason: 'too_large',
        requestPages: 17,
        live: 2,
        reclaimable: 0,
        pinned: 13,
        free: 1,
        nextOffset: 15,
      },
    ]);
    metrics.maxFailureSamples = 2;
    m.mermapGet(task, 1, 0x600);
    expect(metrics.failureSamples()).toHaveLength(2); // bounded; the aggregate still counts it
    expect(metrics.finish(7000, 7).failureStates.count).toBe(3);
  });

  it('keeps the first 64 by default, and more when the bound is raised', () => {
    const m = new Machine({ possibleCpus: 1, regionPages: 16, variant: 'rfc-v1', tlb: 'tiny' });
    const task = m.createTask(m.createMm(), 0);
    const metrics = new RunMetrics(m, { costModel: resolveCostModel() });
    expect(metrics.maxFailureSamples).toBe(64);
    // a get larger than the region fails at once and changes nothing: failure k at op k
    const fail = (k: number) => {
      m.clock.op = k;
      m.clock.ns = k * 10;
      metrics.tick(k * 10, k);
      expect(m.mermapGet(task, 17 + k, 0x100)).toBeLessThan(0);
    };
    for (let k = 0; k < 70; k++) fail(k);
    expect(metrics.failureSamples()).toHaveLength(64);
    metrics.maxFailureSamples = 100;
    for (let k = 70; k < 110; k++) fail(k);
    const samples = metrics.failureSamples();
    // 64 kept, then failures 70 to 105 up to the new bound of 100: the rows past the first 64
    // went into a grown store
    expect(samples.map((f) => f.op)).toEqual([
      ...Array.from({ length: 64 }, (_, k) => k),
      ...Array.from({ length: 36 }, (_, k) => 70 + k),
    ]);
    expect(samples[99]).toEqual({
      op: 105,
      timeNs: 1050,
      cpu: 0,
      mm: 0,
      reason: 'too_large',
      requestPages: 122,
      live: 0,
      reclaimable: 0,
      pinned: 0,
      free: 16,
      nextOffset: 0,
    });
    expect(metrics.finish(1100, 110).failureStates.count).toBe(110);
  });
});
