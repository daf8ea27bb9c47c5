import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpecError } from '../../src/sweep/errors.js';
import { getPreset, presetNames } from '../../src/sweep/presets.js';
import { planSweep } from '../../src/sweep/plan.js';
import { loadSweepSpec, parseSweepSpec, parseSweepSpecText, specHash } from '../../src/sweep/spec.js';
import { removeDir, SPEC_FILE, tempDir } from './helpers.js';

const good = {
  name: 'g',
  seed: 3,
  replicates: 2,
  base: { mermap: { slots: 4 } },
  grid: { 'mermap.regionPages': [64, 128], 'mermap.variant': ['rfc-v1', 'rfc-later'] },
};

/** The issues of the SpecError that parsing `input` throws. */
function issuesOf(input: unknown): string[] {
  try {
    parseSweepSpec(input, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as SpecError).issues;
  }
  throw new Error('expected a SpecError');
}

describe('parseSweepSpec', () => {
  it('accepts a valid spec and fills in defaults', () => {
    expect(parseSweepSpec({ name: 'n', seed: 0, base: {} })).toEqual({
      name: 'n',
      seed: 0,
      replicates: 1,
      base: {},
      grid: {},
    });
    expect(parseSweepSpec({ ...good, sample: { count: 3 }, workers: 2 })).toEqual({
      ...good,
      sample: { count: 3, seed: 3 },
      workers: 2,
    });
  });

  it.each([
    ['a missing name', { seed: 1, base: {} }, ['name: required']],
    ['an empty name', { name: '', seed: 1, base: {} }, ['name: must be a non-empty string']],
    ['a missing seed', { name: 'n', base: {} }, ['seed: required']],
    ['a fractional seed', { name: 'n', seed: 1.5, base: {} }, ['seed: must be an integer >= 0']],
    ['a negative seed', { name: 'n', seed: -1, base: {} }, ['seed: must be an integer >= 0']],
    ['zero replicates', { name: 'n', seed: 1, replicates: 0, base: {} }, ['replicates: must be an integer >= 1']],
    ['a missing base', { name: 'n', seed: 1 }, ['base: required']],
    ['a list as base', { name: 'n', seed: 1, base: [] }, ['base: must be a mapping (a run config)']],
    [
      'an empty grid list',
      { ...good, grid: { 'mermap.regionPages': [] } },
      ['grid.mermap.regionPages: must be a non-empty list'],
    ],
    ['a scalar grid entry', { ...good, grid: { 'mermap.slots': 4 } }, ['grid.mermap.slots: must be a non-empty list']],
    [
      'a list as grid',
      { ...good, grid: [1, 2] },
      ['grid: must be a mapping from dotted config paths to lists of values'],
    ],
    [
      'an unknown field',
      { ...good, replicate: 2 },
      [
        'replicate: unknown field (known: name, seed, replicates, base, grid, sample, workers, targets, adaptive, sharedSeeds, scenarios)',
      ],
    ],
    [
      'an unknown sample field',
      { ...good, sample: { count: 1, seeds: 2 } },
      ['sample.seeds: unknown field (known: count, seed)'],
    ],
    ['a sample without count', { ...good, sample: {} }, ['sample.count: required']],
    [
      'a target out of range',
      { ...good, targets: { maxFallbackRate: 0, maxFlushCostFraction: 1.5 } },
      [
        'targets.maxFallbackRate: must be a number in (0, 1]',
        'targets.maxFlushCostFraction: must be a number in (0, 1]',
      ],
    ],
    [
      'an unknown target',
      { ...good, targets: { maxFallbackRate: 0.01, maxFlushCostFraction: 0.01, maxWaste: 1 } },
      ['targets.maxWaste: unknown field (known: maxFallbackRate, maxFlushCostFraction)'],
    ],
    [
      'an adaptive cap under the replicates',
      { ...good, replicates: 4, adaptive: { maxReplicates: 3, ciWidth: 0.1 } },
      ['adaptive.maxReplicates: 3 is fewer than the 4 replicates every point gets'],
    ],
    ['an adaptive mode without a width', { ...good, adaptive: { maxReplicates: 3 } }, ['adaptive.ciWidth: required']],
    ['zero workers', { ...good, workers: 0 }, ['workers: must be a whole number of workers in 1..1024']],
    [
      'more workers than a sweep may start',
      { ...good, workers: 1025 },
      ['workers: must be a whole number of workers in 1..1024'],
    ],
    [
      'several problems at once',
      { name: 7, seed: 'x', base: {}, grid: { a: [] } },
      ['name: must be a non-empty string', 'seed: must be an integer >= 0', 'grid.a: must be a non-empty list'],
    ],
  ])('rejects %s', (_what, input, issues) => {
    expect(issuesOf(input)).toEqual(issues);
  });

  it.each([
    ['a duplicate grid value', { 'mermap.slots': [2, 4, 2] }, ['grid.mermap.slots: duplicate value 2']],
    ['a duplicate string', { 'mermap.variant': ['a', 'a'] }, ['grid.mermap.variant: duplicate value "a"']],
    ['an empty path segment', { 'mermap..slots': [1] }, ['grid.mermap..slots: not a dotted path (empty segment)']],
    ['a prototype path', { 'a.__proto__.b': [1] }, ["grid.a.__proto__.b: forbidden path segment '__proto__'"]],
    [
      'the seed',
      { seed: [1, 2] },
      ['grid.seed: the seed is derived for each point from the sweep seed; use replicates instead'],
    ],
    ['a results column name', { point: [1, 2] }, ["grid.point: clashes with the results column 'point'"]],
    ['overlapping paths', { mermap: [{}], 'mermap.slots': [1] }, ['grid.mermap.slots: overlaps grid.mermap']],
  ])('rejects %s in the grid', (_what, grid, issues) => {
    expect(issuesOf({ ...good, grid })).toEqual(issues);
  });

  it('rejects values that are not JSON data', () => {
    expect(issuesOf({ ...good, base: { a: { b: NaN } }, grid: { x: [1, Infinity], y: [{ z: new Date(0) }] } })).toEqual(
      [
        'base.a.b: must be JSON data (finite numbers, strings, booleans, null, lists, mappings)',
        'grid.x[1]: must be JSON data (finite numbers, strings, booleans, null, lists, mappings)',
        'grid.y[0].z: must be JSON data (finite numbers, strings, booleans, null, lists, mappings)',
      ],
    );
  });

  it('rejects a sample larger than the grid and a grid too large to hold', () => {
    expect(issuesOf({ ...good, sample: { count: 5 } })).toEqual([
      'sample.count: 5 is more than the 4 grid combinations',
    ]);
    const big = Array.from({ length: 1001 }, (_, i) => i);
    expect(issuesOf({ ...good, replicates: 1, grid: { a: big, b: big } })).toEqual([
      'grid: 1002001 points (grid combinations x replicates) is more than the limit of 1000000; run a random subset with sample.count',
    ]);
    expect(parseSweepSpec({ ...good, replicates: 1, grid: { a: big, b: big }, sample: { count: 10 } }).sample).toEqual({
      count: 10,
      seed: 3,
    });
  });

  it('rejects a spec that is not a mapping, and formats the whole message', () => {
    expect(() => parseSweepSpec([1], 'x.yaml')).toThrow(
      new SpecError('x.yaml', [
        'the spec must be a mapping with the fields name, seed, replicates, base, grid, sample, workers, targets, adaptive, sharedSeeds, scenarios',
      ]),
    );
    const err = (() => {
      try {
        parseSweepSpec({ seed: 1, base: {}, replicates: 0 }, 'x.yaml');
      } catch (e) {
        return e as SpecError;
      }
    })();
    expect(err?.message).toBe(
      'x.yaml: invalid sweep spec\n  - name: required\n  - replicates: must be an integer >= 1',
    );
    expect(err?.exitCode).toBe(2);
  });
});

describe('spec files', () => {
  const dir = tempDir('spec');
  afterAll(() => removeDir(dir));

  it('loads the YAML fixture', () => {
    const spec = loadSweepSpec(SPEC_FILE);
    expect(spec.name).toBe('fake');
    expect(Object.keys(spec.grid)).toEqual(['mermap.regionPages', 'mermap.variant']);
    expect(spec.grid['mermap.regionPages']).toEqual([64, 256, 1024]);
  });

  it('loads JSON and YAML alike', () => {
    writeFileSync(join(dir, 's.json'), JSON.stringify(good));
    writeFileSync(
      join(dir, 's.yml'),
      'name: g\nseed: 3\nreplicates: 2\nbase:\n  mermap: { slots: 4 }\ngrid:\n  mermap.regionPages: [64, 128]\n  mermap.variant: [rfc-v1, rfc-later]\n',
    );
    expect(loadSweepSpec(join(dir, 's.json'))).toEqual(good);
    expect(loadSweepSpec(join(dir, 's.yml'))).toEqual(good);
  });

  it('names the file and the problem when it cannot be read or parsed', () => {
    const missing = join(dir, 'missing.yaml');
    expect(() => loadSweepSpec(missing)).toThrow(
      `${missing}: invalid sweep spec\n  - cannot read the file (ENOENT: no such file or folder)`,
    );
    expect(() => parseSweepSpecText('name: [1\n', 'bad.yaml')).toThrow(
      new SpecError('bad.yaml', [
        'not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1:',
      ]),
    );
    expect(() => parseSweepSpecText('name: a\nname: b\n', 'dup.yaml')).toThrow(
      new SpecError('dup.yaml', ['not valid YAML: Map keys must be unique at line 2, column 1:']),
    );
    expect(() => parseSweepSpecText('{"name": }', 'bad.json', 'json')).toThrow(
      /^bad\.json: invalid sweep spec\n {2}- not valid JSON: /,
    );
    expect(() => parseSweepSpecText('', 'empty.yaml')).toThrow(
      'empty.yaml: invalid sweep spec\n  - the spec must be a mapping with the fields name, seed, replicates, base, grid, sample, workers, targets, adaptive, sharedSeeds, scenarios',
    );
  });
});

describe('hostile spec files', () => {
  it('a base nested 5,000 deep is refused, not a stack overflow', () => {
    const yaml = `name: s\nseed: 1\nbase: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}\n`;
    expect(() => parseSweepSpecText(yaml, 'deep.yaml')).toThrow(
      new SpecError('deep.yaml', ['not valid YAML: nests deeper than 64 levels']),
    );
    let base: unknown = 1;
    for (let i = 0; i < 5000; i++) base = { a: base };
    expect(issuesOf({ name: 's', seed: 1, base })).toEqual([
      'base.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a...: nests deeper than 64 levels',
    ]);
  });

  it('a YAML alias bomb and duplicate JSON keys, worded as for run configs', () => {
    const bomb = `name: s\nseed: 1\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nbase: {c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]}\n`;
    expect(() => parseSweepSpecText(bomb, 'bomb.yaml')).toThrow(
      new SpecError('bomb.yaml', ['not valid YAML: aliases expand more than 100 times (a YAML alias bomb?)']),
    );
    expect(() => parseSweepSpecText('{"name": "s",\n "seed": 1,\n "name": "t"}', 'dup.json', 'json')).toThrow(
      new SpecError('dup.json', ['not valid JSON: duplicate key "name" (keys must be unique) at line 3, column 2:']),
    );
  });
});

describe('specHash', () => {
  it('ignores key layout and workers, but not the grid order', () => {
    const reordered = { base: { mermap: { slots: 4 } }, grid: good.grid, replicates: 2, seed: 3, name: 'g' };
    const h = specHash(parseSweepSpec(good));
    expect(specHash(parseSweepSpec(reordered))).toBe(h);
    expect(specHash(parseSweepSpec({ ...good, workers: 8 }))).toBe(h);
    const swapped = {
      'mermap.variant': good.grid['mermap.variant'],
      'mermap.regionPages': good.grid['mermap.regionPages'],
    };
    expect(specHash(parseSweepSpec({ ...good, grid: swapped }))).not.toBe(h);
    expect(specHash(parseSweepSpec({ ...good, seed: 4 }))).not.toBe(h);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('presets', () => {
  it('has default and smoke', () => {
    expect(presetNames()).toEqual(['default', 'smoke']);
  });

  it('default is the main grid: 6 x 5 x 5 x 2 combinations, 2 to 6 replicates, seeds shared across CPUs', () => {
    const spec = getPreset('default');
    expect(spec.grid).toEqual({
      'mermap.regionPages': [128, 256, 512, 1024, 2048, 4096],
      'mermap.slots': [2, 3, 4, 6, 8],
      'machine.possibleCpus': [1, 4, 16, 64, 256],
      'mermap.variant': ['rfc-v1', 'rfc-later'],
    });
    expect(spec.replicates).toBe(2);
    expect(spec.adaptive).toEqual({ maxReplicates: 6, ciWidth: 0.1 });
    expect(spec.targets).toEqual({ maxFallbackRate: 0.01, maxFlushCostFraction: 0.01 });
    expect(spec.sharedSeeds).toEqual(['machine.possibleCpus']);
    // traffic on at most 16 online CPUs, 31,250 events each (README, "Online CPUs in the default sweep")
    expect(spec.base.machine).toMatchObject({ possibleCpus: 4, onlineCpusCap: 16 });
    expect(spec.base.length).toEqual({ events: 500_000 });
    // five workload scenarios on the grid at 4 possible CPUs: 6 x 5 x 2 combinations each
    expect(Object.keys(spec.scenarios!.set)).toEqual([
      'rate x0.5',
      'rate x2',
      'no order >= 9',
      'order 9/10 x1.5',
      '1 thread per mm',
    ]);
    expect(spec.scenarios!.set['1 thread per mm']).toEqual({ 'workload.mmsPerCpu': 8, 'workload.threadsPerMm': 1 });
    expect(spec.scenarios!.fix).toEqual({ 'machine.possibleCpus': 4 });
    expect(spec.scenarios!.set['rate x2']).toEqual({ 'workload.ratePerCpuHz': 40_000 });
    expect(spec.scenarios!.set['no order >= 9']!['workload.orders']).toEqual([
      0.806, 0.06, 0.04, 0.03, 0.02, 0.015, 0.01, 0.008, 0.006, 0, 0,
    ]);
    // room for 6 replicates per combination, of which 2 always run: (300 + 5 x 60) x 6
    expect(planSweep(spec).size).toBe(3600);
  });

  it('smoke has 4 points', () => {
    expect(planSweep(getPreset('smoke')).points).toHaveLength(4);
  });

  it('names the known presets for an unknown one', () => {
    expect(() => getPreset('big')).toThrow("--preset: unknown preset 'big' (known: default, smoke)");
    expect(() => getPreset('toString')).toThrow("--preset: unknown preset 'toString' (known: default, smoke)");
  });
});
