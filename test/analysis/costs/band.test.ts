import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COST_PARAM_NAMES,
  COST_PRESETS,
  type CostCounters,
  costBand,
  costOf,
  costPresetNames,
  resolveCostModel,
} from '../../../src/analysis/cost-models.js';
import { ZERO_COUNTERS } from './counters.js';

const zero: CostCounters = ZERO_COUNTERS;

const named = ['molnar-2015', 'hansen-2014', 'kernel-tlb-c'];

describe('low and high bound the named presets', () => {
  it('per parameter: low <= every named preset <= high (the PSC hit share the other way round)', () => {
    for (const k of COST_PARAM_NAMES) {
      for (const n of named) {
        const [lo, v, hi] = [COST_PRESETS.low[k], COST_PRESETS[n][k], COST_PRESETS.high[k]];
        if (k === 'walkPscHitFraction') expect([hi <= v, v <= lo], `${n}.${k}`).toEqual([true, true]);
        else expect([lo <= v, v <= hi], `${n}.${k}`).toEqual([true, true]);
      }
    }
    expect([COST_PRESETS.low.walkPscHitFraction, COST_PRESETS.high.walkPscHitFraction]).toEqual([1, 0]);
  });

  it('per cost: low <= every named preset <= high for any counters (fast-check)', () => {
    const n = fc.nat({ max: 10_000 });
    fc.assert(
      fc.property(
        fc.record({ gets: n, invlpgs: n, flushAlls: n, cr3Flushes: n, invpcids: n, walks: n, shootdowns: n, ipis: n }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        (c, missShare) => {
          const counters = {
            ...c,
            workCycles: 0,
            walksNoPsc: missShare === undefined ? undefined : Math.floor(c.walks * missShare),
          };
          const band = costBand(counters).map((e) => e.value.totalCycles);
          for (let i = 1; i < band.length - 1; i++) {
            expect(band[0]).toBeLessThanOrEqual(band[i]);
            expect(band[i]).toBeLessThanOrEqual(band[band.length - 1]);
          }
        },
      ),
    );
  });
});

describe('costBand', () => {
  it('one cost per preset in band order, hand-computed', () => {
    // 2 INVLPGs, 1 global flush, 10 walks (no PSC miss count: the preset's hit share decides)
    const c = { ...zero, gets: 4, invlpgs: 2, flushAlls: 1, walks: 10 };
    const band = costBand(c);
    expect(band.map((e) => e.model)).toEqual(costPresetNames());
    expect(band.map((e) => [e.model, e.value.totalCycles])).toEqual([
      ['low', 2 * 260 + 96 + 10 * 20], // 816
      ['molnar-2015', 2 * 260 + 192 + 10 * 20], // 912
      ['hansen-2014', 2 * 1276 + 2283 + 10 * 20], // 5035
      ['kernel-tlb-c', 2 * 300 + 9900 + 10 * 20], // 10700
      ['high', 2 * 1276 + 9900 + 10 * 300], // 15452: every walk misses the PSC
    ]);
    expect(band[4].value).toEqual(costOf(c, resolveCostModel('high')));
    expect(band[1].value.perGetCycles).toBe(912 / 4);
  });

  it('overrides apply to every preset alike', () => {
    const band = costBand({ ...zero, flushAlls: 1 }, { cpuGhz: 2, flushAllCycles: 500 });
    expect(band.map((e) => [e.value.totalCycles, e.value.totalNs])).toEqual(Array(5).fill([500, 250]));
  });
});

describe('walks with and without paging-structure-cache hits', () => {
  it('a counted PSC-miss share is priced at walkNoPscCycles, the rest at walkCycles', () => {
    const c = { ...zero, walks: 10, walksNoPsc: 4 };
    expect(costOf(c, resolveCostModel('molnar-2015')).walkCycles).toBe(6 * 20 + 4 * 80);
    expect(costOf(c, resolveCostModel('high')).walkCycles).toBe(6 * 20 + 4 * 300);
    expect(costOf({ ...c, walksNoPsc: 0 }, resolveCostModel('high')).walkCycles).toBe(200);
  });

  it('without a count, walkPscHitFraction of the walks hit', () => {
    const c = { ...zero, walks: 10 };
    expect(costOf(c, resolveCostModel('molnar-2015')).walkCycles).toBe(200);
    expect(costOf(c, resolveCostModel('molnar-2015', { walkPscHitFraction: 0.75 })).walkCycles).toBe(
      7.5 * 20 + 2.5 * 80,
    );
  });
});
