import { describe, expect, it } from 'vitest';
import {
  type COST_PARAM_INFO,
  COST_PARAM_NAMES,
  COST_PRESET_SPECS,
  COST_PRESETS,
  type CostPreset,
  costModelProvenance,
  costParamRows,
  costPresetProblems,
  costPresetSpec,
  describeCostParam,
  resolveCostModel,
  ZERO_CYCLES_PER_PAGE,
} from '../../../src/analysis/cost-models.js';

const molnar = costPresetSpec('molnar-2015') as CostPreset;

describe('every preset parameter carries its provenance', () => {
  it.each(COST_PRESET_SPECS.map((p) => [p.name, p] as const))('%s: no bare number, no missing source', (_, p) => {
    expect(Object.keys(p.params).sort()).toEqual([...COST_PARAM_NAMES].sort());
    for (const [name, param] of Object.entries(p.params)) {
      expect(typeof param, `${p.name}.${name}`).toBe('object');
      expect(['measured', 'derived', 'assumed', 'unknown']).toContain(param.kind);
      expect(param.source.length, `${p.name}.${name}.source`).toBeGreaterThan(8);
      if (param.kind === 'measured') expect(param.machine, `${p.name}.${name}.machine`).toBeTruthy();
      else expect(param.how, `${p.name}.${name}.how`).toBeTruthy();
      // the resolved model uses exactly these values
      expect(COST_PRESETS[p.name][name as keyof typeof COST_PARAM_INFO]).toBe(param.value);
    }
    expect(costPresetProblems(p)).toEqual([]);
  });

  it('a bare number, a missing parameter and a kind without its provenance are each reported', () => {
    const { zeroCyclesPerPage: _, ...rest } = molnar.params;
    const bad = {
      name: 'bad',
      params: {
        ...rest,
        invlpgCycles: 260,
        cr3Cycles: { value: 96, kind: 'measured', source: 'a mail somewhere' },
        walkCycles: { value: 20, kind: 'derived', source: 'a table somewhere' },
        cpuGhz: { value: -1, kind: 'guessed', source: '' },
        extraCycles: molnar.params.lockCycles,
      },
    };
    expect(costPresetProblems(bad)).toEqual([
      'bad.zeroCyclesPerPage: missing',
      'bad.invlpgCycles: a bare number, not a value with a source',
      'bad.cr3Cycles: measured, but on what machine?',
      'bad.walkCycles: derived, but how?',
      'bad.cpuGhz: value must be a finite number >= 0',
      'bad.cpuGhz: kind must be one of measured, derived, assumed, unknown',
      'bad.cpuGhz: no source',
      'bad.cpuGhz: guessed, but how?',
      'bad.extraCycles: not a cost parameter',
    ]);
  });

  it('issue 12: the global flush is derived everywhere, INVPCID single context is unknown everywhere', () => {
    for (const p of COST_PRESET_SPECS) {
      expect(p.params.flushAllCycles.kind, p.name).toBe('derived');
      expect(p.params.invpcidCycles.kind, p.name).toBe('unknown');
      // its stand-in is the preset's own CR3-write figure
      expect(p.params.invpcidCycles.value, p.name).toBe(p.params.cr3Cycles.value);
    }
    expect(molnar.params.cr3Cycles).toMatchObject({ value: 96, kind: 'measured' });
    expect(molnar.params.invlpgCycles).toMatchObject({ value: 260, kind: 'measured' });
    expect(molnar.params.flushAllCycles.value).toBe(2 * 96);
    expect(costPresetSpec('kernel-tlb-c')?.params.flushAllCycles.value).toBe(33 * 300);
    expect(molnar.params.walkCycles).toMatchObject({ value: 20, kind: 'measured', machine: 'Intel Haswell' });
    expect(molnar.params.walkNoPscCycles).toMatchObject({ value: 80, kind: 'derived' });
  });

  it('zeroing from facts §9.5: 4096 B at 13.7 GB/s = 299 ns = 897 cycles at 3 GHz, exported once', () => {
    expect(molnar.params.zeroCyclesPerPage).toMatchObject({ value: 897, kind: 'derived' });
    expect(ZERO_CYCLES_PER_PAGE).toBe(897);
    expect(Math.round((4096 / 13.7) * 3)).toBe(897);
    expect(costPresetSpec('low')?.params.zeroCyclesPerPage.value).toBe(814); // 2 MiB chunks, 15.1 GB/s
  });

  it('overrides are reported as the run config’s assumptions; the rest keeps the preset’s provenance', () => {
    const p = costModelProvenance('hansen-2014', { walkCycles: 35 });
    expect(p.walkCycles).toEqual({
      value: 35,
      kind: 'assumed',
      source: 'cost.overrides of the run config',
      how: 'set by the user (preset hansen-2014 has 20)',
    });
    expect(p.invlpgCycles).toBe(costPresetSpec('hansen-2014')?.params.invlpgCycles);
    expect(resolveCostModel('hansen-2014', { walkCycles: 35 }).walkCycles).toBe(p.walkCycles.value);
    expect(() => costModelProvenance('nope')).toThrow('unknown cost model nope: one of low, molnar-2015');
  });

  it('describes a parameter on one line', () => {
    expect(describeCostParam(molnar.params.cr3Cycles)).toBe(
      '96 (measured: Ingo Molnar, linux-mm 2015 (kernel-analogues §1d); machine: not stated in the figures as quoted)',
    );
    expect(describeCostParam(molnar.params.flushAllCycles)).toMatch(/^192 \(derived: .*; a CR4\.PGE toggle is two/);
  });
});

describe('costParamRows', () => {
  it('one row per preset and parameter, in band and parameter order', () => {
    const rows = costParamRows();
    expect(rows).toHaveLength(5 * COST_PARAM_NAMES.length);
    expect(rows.slice(0, 2).map((r) => [r.preset, r.param])).toEqual([
      ['low', 'invlpgCycles'],
      ['low', 'flushAllCycles'],
    ]);
    expect(rows.find((r) => r.preset === 'molnar-2015' && r.param === 'cr3Cycles')).toEqual({
      preset: 'molnar-2015',
      param: 'cr3Cycles',
      unit: 'cycles',
      value: 96,
      kind: 'measured',
      source: 'Ingo Molnar, linux-mm 2015 (kernel-analogues §1d)',
      basis: 'not stated in the figures as quoted',
    });
    expect(rows.filter((r) => r.kind === 'unknown').map((r) => r.param)).toEqual(Array(5).fill('invpcidCycles'));
  });
});
