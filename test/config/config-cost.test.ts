import { describe, expect, it } from 'vitest';
import { COST_PARAM_NAMES, COST_PRESET_SPECS, costPresetNames } from '../../src/analysis/costs/index.js';
import { parseRunConfig } from '../../src/config/index.js';
import { issuesOf } from './helpers.js';

describe('cost', () => {
  it('names an unknown preset with every allowed one (it used to crash run with a RangeError)', () => {
    expect(issuesOf({ cost: { preset: 'ingo-2015' } })).toEqual([
      'cost.preset: "ingo-2015" is not allowed: must be one of "low", "molnar-2015", "hansen-2014", "kernel-tlb-c", "high"',
    ]);
    expect(issuesOf({ cost: {} })).toEqual([
      'cost.preset: is missing: must be one of "low", "molnar-2015", "hansen-2014", "kernel-tlb-c", "high"',
    ]);
  });

  it('refuses an override that is not a cost parameter (it used to be ignored)', () => {
    expect(issuesOf({ cost: { preset: 'low', overrides: { invlpgCycle: 100, cpuGhz: 3, name: 1 } } })).toEqual([
      'cost.overrides.invlpgCycle: unknown field: allowed fields are invlpgCycles, flushAllCycles, cr3Cycles, invpcidCycles, walkCycles, walkNoPscCycles, walkPscHitFraction, shootdownBaseCycles, ipiCycles, cpuGhz, flushCeilingPages, pteWriteCycles, lockCycles, irqSaveRestoreCycles, zeroCyclesPerPage',
      'cost.overrides.name: unknown field: allowed fields are invlpgCycles, flushAllCycles, cr3Cycles, invpcidCycles, walkCycles, walkNoPscCycles, walkPscHitFraction, shootdownBaseCycles, ipiCycles, cpuGhz, flushCeilingPages, pteWriteCycles, lockCycles, irqSaveRestoreCycles, zeroCyclesPerPage',
    ]);
    // an unknown key beside a bad value: both reported
    expect(issuesOf({ cost: { preset: 'low', overrides: { toString: 5, cpuGhz: 0 } } })).toEqual([
      'cost.overrides.toString: unknown field: allowed fields are invlpgCycles, flushAllCycles, cr3Cycles, invpcidCycles, walkCycles, walkNoPscCycles, walkPscHitFraction, shootdownBaseCycles, ipiCycles, cpuGhz, flushCeilingPages, pteWriteCycles, lockCycles, irqSaveRestoreCycles, zeroCyclesPerPage',
      'cost.overrides.cpuGhz: 0 is not allowed: must be a clock in GHz in [0.1, 100]',
    ]);
    expect(issuesOf({ cost: { preset: 'low', overrides: [1] } })).toEqual([
      'cost.overrides: [1] is not allowed: must be an object of numbers',
    ]);
  });

  it('holds each override to its unit (negative cycles used to make a negative cost)', () => {
    expect(
      issuesOf({
        cost: {
          preset: 'low',
          overrides: {
            flushAllCycles: -100000,
            invlpgCycles: 1000001,
            walkPscHitFraction: 1.5,
            cpuGhz: 0,
            flushCeilingPages: 33.5,
            zeroCyclesPerPage: 'slow',
          },
        },
      }),
    ).toEqual([
      'cost.overrides.flushAllCycles: -100000 is not allowed: must be a number of cycles in [0, 1000000]',
      'cost.overrides.invlpgCycles: 1000001 is not allowed: must be a number of cycles in [0, 1000000]',
      'cost.overrides.walkPscHitFraction: 1.5 is not allowed: must be a fraction in [0, 1]',
      'cost.overrides.cpuGhz: 0 is not allowed: must be a clock in GHz in [0.1, 100]',
      'cost.overrides.flushCeilingPages: 33.5 is not allowed: must be a whole number of pages in 0..262144',
      'cost.overrides.zeroCyclesPerPage: "slow" is not allowed: must be a number of cycles in [0, 1000000]',
    ]);
    const edges = {
      flushAllCycles: 0,
      invlpgCycles: 1e6,
      walkPscHitFraction: 1,
      cpuGhz: 100,
      flushCeilingPages: 262144,
    };
    expect(parseRunConfig({ cost: { preset: 'low', overrides: edges } }).cost!.overrides).toEqual(edges);
  });

  it('keeps the overrides in the order written', () => {
    expect(
      Object.keys(
        parseRunConfig({ cost: { preset: 'high', overrides: { zeroCyclesPerPage: 900, cpuGhz: 2 } } }).cost!.overrides!,
      ),
    ).toEqual(['zeroCyclesPerPage', 'cpuGhz']);
  });

  it('the schema and the cost models name the same presets and parameters', () => {
    expect(costPresetNames()).toEqual(['low', 'molnar-2015', 'hansen-2014', 'kernel-tlb-c', 'high']);
    expect(COST_PRESET_SPECS.map((p) => p.name)).toEqual(costPresetNames());
    for (const p of COST_PRESET_SPECS) expect(Object.keys(p.params)).toEqual(COST_PARAM_NAMES);
  });
});
