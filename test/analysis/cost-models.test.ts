import { describe, expect, it } from 'vitest';
import {
  COST_PRESETS,
  costOf,
  costPresetNames,
  resolveCostModel,
  type CostCounters,
} from '../../src/analysis/cost-models.js';
import { ZERO_COUNTERS } from './costs/counters.js';
import { Replayer } from '../../src/core/replay.js';
import { FLUSH_ALL, FLUSH_CR3, FLUSH_INVLPG, FLUSH_INVPCID_SINGLE } from '../../src/core/tlb/index.js';
import { readOps } from '../core/helpers.js';

const zero: CostCounters = ZERO_COUNTERS;

describe('cost presets', () => {
  it('named presets between low and high, each citing a source, all with the 33-page ceiling', () => {
    expect(costPresetNames()).toEqual(['low', 'molnar-2015', 'hansen-2014', 'kernel-tlb-c', 'high']);
    for (const n of costPresetNames()) {
      expect(COST_PRESETS[n].name).toBe(n);
      expect(COST_PRESETS[n].source.length).toBeGreaterThan(20);
      expect(COST_PRESETS[n].flushCeilingPages).toBe(33);
    }
    const m = resolveCostModel();
    expect([
      m.name,
      m.invlpgCycles,
      m.flushAllCycles,
      m.cr3Cycles,
      m.invpcidCycles,
      m.walkCycles,
      m.shootdownBaseCycles,
      m.ipiCycles,
      m.cpuGhz,
    ]).toEqual(['molnar-2015', 260, 192, 96, 96, 20, 3000, 600, 3]);
    expect([COST_PRESETS['hansen-2014'].invlpgCycles, COST_PRESETS['hansen-2014'].flushAllCycles]).toEqual([
      1276, 2283,
    ]);
  });

  it('overrides win; an unknown preset names the known ones', () => {
    expect(resolveCostModel('hansen-2014', { walkCycles: 35, flushCeilingPages: 8 })).toMatchObject({
      name: 'hansen-2014',
      walkCycles: 35,
      flushCeilingPages: 8,
      invlpgCycles: 1276,
    });
    expect(() => resolveCostModel('nope')).toThrow(
      'unknown cost model nope: one of low, molnar-2015, hansen-2014, kernel-tlb-c, high',
    );
  });
});

describe('costOf', () => {
  it('adds every term with its own price; per get and overhead share', () => {
    const m = resolveCostModel('molnar-2015');
    const c = costOf(
      {
        gets: 10,
        invlpgs: 3,
        flushAlls: 2,
        cr3Flushes: 1,
        invpcids: 4,
        walks: 5,
        shootdowns: 1,
        ipis: 2,
        workCycles: 6000,
      },
      m,
    );
    // flush 2*192 + 96 + 4*96 = 864; invlpg 780; walk 100; shootdown 3000 + 1200 = 4200
    expect(c).toEqual({
      flushCycles: 864,
      invlpgCycles: 780,
      walkCycles: 100,
      shootdownCycles: 4200,
      totalCycles: 5944,
      perGetCycles: 594.4,
      overheadFraction: 5944 / 11944,
      totalNs: 5944 / 3,
    });
    expect(costOf(zero, m)).toMatchObject({ totalCycles: 0, perGetCycles: 0, overheadFraction: 0 });
  });

  it('on the fixed policy trace (policy-ordering.jsonl): the mermap pays least, flush-on-put and vmap-block the most', () => {
    // counters straight from the machine's TLBs (one CPU, R = 16), walks left out (TLB-size dependent)
    const m = resolveCostModel('molnar-2015');
    const total = (allocator: string) => {
      const r = new Replayer({ possibleCpus: 1, regionPages: 16, variant: allocator, tlb: 'tiny' });
      const failed = new Set<string>();
      for (const op of readOps('policy-ordering.jsonl')) {
        if (op.op === 'put' && failed.has(op.tag)) continue;
        const res = r.apply(op);
        if (op.op === 'get' && !res.ok) failed.add(op.tag);
      }
      const mc = r.machine;
      const t = mc.tlbs[0];
      const c = costOf(
        {
          ...zero,
          gets: mc.gets,
          invlpgs: t.flushes[FLUSH_INVLPG],
          flushAlls: t.flushes[FLUSH_ALL],
          cr3Flushes: t.flushes[FLUSH_CR3],
          invpcids: t.flushes[FLUSH_INVPCID_SINGLE],
          shootdowns: mc.shootdowns,
          ipis: mc.ipis,
        },
        m,
      );
      return [c.totalCycles, c.perGetCycles];
    };
    // 35 gets each. rfc-later: 15 full flushes x 192; mermap-reuse: 3 x 192; mermap-invpcid: 15 INVPCIDs x 96;
    // flush-on-put: 48 INVLPGs x 260; kmap-local: 28 x 260; vmap-block: 48 x 260 + 3 shootdowns x 3000 (no IPI: one CPU)
    expect(total('rfc-later')).toEqual([2880, 2880 / 35]);
    expect(total('mermap-reuse')).toEqual([576, 576 / 35]);
    expect(total('mermap-invpcid')).toEqual([1440, 1440 / 35]);
    expect(total('flush-on-put')).toEqual([12480, 12480 / 35]);
    expect(total('kmap-local')).toEqual([7280, 7280 / 35]);
    expect(total('vmap-block')).toEqual([21480, 21480 / 35]);
  });
});
