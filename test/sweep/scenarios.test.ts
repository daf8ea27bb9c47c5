import { describe, expect, it } from 'vitest';
import { SpecError } from '../../src/sweep/errors.js';
import { derivePointSeed, planSweep, pointKey } from '../../src/sweep/plan.js';
import { parseSweepSpec, specHash } from '../../src/sweep/spec.js';

const input = {
  name: 't',
  seed: 7,
  replicates: 2,
  base: { w: { rate: 10 } },
  grid: { cpus: [1, 4], r: [64, 128] },
  sharedSeeds: ['cpus'],
  scenarios: { fix: { cpus: 4 }, set: { fast: { 'w.rate': 20 }, slow: { 'w.rate': 5, 'w.mix': [1, 0] } } },
};
const spec = parseSweepSpec(structuredClone(input));

describe('sweep scenarios: the plan', () => {
  const plan = planSweep(spec);

  it('runs the main grid, then each scenario over the reduced grid, numbering combinations on', () => {
    // main: 2 x 2 combinations; each scenario: cpus held at 4, so 2 combinations
    expect(plan.size).toBe((4 + 2 * 2) * 2);
    expect(plan.gridPaths).toEqual(['cpus', 'r', 'workloadScenario']);
    expect(
      plan.points.map((p) => [p.grid.workloadScenario, p.grid.cpus, p.grid.r, p.replicate, p.combination]),
    ).toEqual([
      ['base', 1, 64, 0, 0],
      ['base', 1, 64, 1, 0],
      ['base', 1, 128, 0, 1],
      ['base', 1, 128, 1, 1],
      ['base', 4, 64, 0, 2],
      ['base', 4, 64, 1, 2],
      ['base', 4, 128, 0, 3],
      ['base', 4, 128, 1, 3],
      ['fast', 4, 64, 0, 4],
      ['fast', 4, 64, 1, 4],
      ['fast', 4, 128, 0, 5],
      ['fast', 4, 128, 1, 5],
      ['slow', 4, 64, 0, 6],
      ['slow', 4, 64, 1, 6],
      ['slow', 4, 128, 0, 7],
      ['slow', 4, 128, 1, 7],
    ]);
  });

  it("sets the scenario's values over base and the grid's, and keeps base untouched", () => {
    const p = plan.point(13);
    expect(p.config).toEqual({ w: { rate: 5, mix: [1, 0] }, cpus: 4, r: 64, seed: p.seed });
    expect(plan.point(0).config).toEqual({ w: { rate: 10 }, cpus: 1, r: 64, seed: plan.point(0).seed });
    expect(spec.base).toEqual({ w: { rate: 10 } });
    expect(p.key).toBe('{"grid":{"cpus":4,"r":64,"workloadScenario":"slow"},"replicate":1}');
  });

  it('gives a scenario point the seed of the base point it varies (common random numbers)', () => {
    for (const p of plan.points) {
      expect(p.seed).toBe(derivePointSeed(7, pointKey({ r: p.grid.r }, p.replicate)));
    }
    expect(plan.point(9).seed).toBe(plan.point(5).seed);
    expect(plan.point(9).seed).not.toBe(plan.point(8).seed);
  });

  it("hashes the scenarios' order", () => {
    const swapped = parseSweepSpec({
      ...structuredClone(input),
      scenarios: { fix: { cpus: 4 }, set: { slow: input.scenarios.set.slow, fast: input.scenarios.set.fast } },
    });
    expect(specHash(swapped)).not.toBe(specHash(spec));
    expect(specHash(parseSweepSpec(structuredClone(input)))).toBe(specHash(spec));
  });

  it('validates scenario points like the others, naming the scenario', () => {
    const bad = (c: Record<string, unknown>) => ((c.w as { rate: number }).rate > 10 ? ['w.rate: too fast'] : []);
    expect(() => planSweep(spec, { validatePoint: bad })).toThrow(
      /point 8 \(cpus=4, r=64, workloadScenario=fast, replicate 0\): w\.rate: too fast/,
    );
  });
});

describe('sweep scenarios: the spec', () => {
  const issues = (scenarios: unknown, extra: Record<string, unknown> = {}): string[] => {
    try {
      parseSweepSpec({ ...structuredClone(input), scenarios, ...extra });
    } catch (e) {
      if (e instanceof SpecError) return e.issues;
      throw e;
    }
    return [];
  };

  it('names every bad field', () => {
    expect(
      issues({
        fix: { cpus: 8, nope: 1 },
        set: { base: {}, x: { r: 1, 'w..a': 1, 'seed.x': 2, 'w.__proto__': 1 } },
      }),
    ).toEqual([
      "scenarios.fix.cpus: must be one of the grid's values (1, 4)",
      'scenarios.fix.nope: not a grid path (grid: cpus, r)',
      "scenarios.set.base: a scenario name must be non-empty and not 'base' (the main grid's name)",
      'scenarios.set.x.r: overlaps a grid path; a scenario sets what the grid does not',
      'scenarios.set.x.w..a: not a dotted path (empty segment)',
      'scenarios.set.x.seed.x: the seed is derived for each point',
      "scenarios.set.x.w.__proto__: forbidden path segment '__proto__'",
    ]);
    expect(issues({ fix: {}, set: {} })).toEqual(['scenarios.set: must name at least one scenario']);
    expect(issues({ fix: {}, set: { a: { 'w.rate': 1 } } }, { sample: { count: 2 } })).toEqual([
      'scenarios: cannot be combined with sample (the scenarios run on a fixed reduced grid)',
    ]);
    expect(issues({ fix: {}, set: {}, more: 1 })).toContain('scenarios.more: unknown field (known: fix, set)');
  });
});
