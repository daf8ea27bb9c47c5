import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../src/config/canonical.js';
import { SpecError } from '../../src/sweep/errors.js';
import { derivePointSeed, planSweep, pointKey, pointLabel, sampleCombinations, setPath } from '../../src/sweep/plan.js';
import { parseSweepSpec } from '../../src/sweep/spec.js';

const spec = parseSweepSpec({
  name: 't',
  seed: 7,
  replicates: 2,
  base: { a: { keep: true }, list: [1, 2] },
  grid: { 'a.x': [1, 2], b: ['p', 'q', 'r'] },
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps list order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson('x')).toBe('"x"');
    expect(() => canonicalJson(undefined)).toThrow('not JSON data: undefined');
  });
});

describe('planSweep', () => {
  const plan = planSweep(spec);

  it('expands the grid in canonical order: first key outermost, replicate innermost', () => {
    expect(plan.points.map((p) => [p.grid['a.x'], p.grid.b, p.replicate])).toEqual([
      [1, 'p', 0],
      [1, 'p', 1],
      [1, 'q', 0],
      [1, 'q', 1],
      [1, 'r', 0],
      [1, 'r', 1],
      [2, 'p', 0],
      [2, 'p', 1],
      [2, 'q', 0],
      [2, 'q', 1],
      [2, 'r', 0],
      [2, 'r', 1],
    ]);
    expect(plan.points.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(plan.points.map((p) => p.combination)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(plan.gridPaths).toEqual(['a.x', 'b']);
    expect(plan.combinations).toBe(6);
  });

  it('sets grid values into a copy of base and the derived seed into config.seed', () => {
    const p = plan.points[9]!;
    expect(p.config).toEqual({ a: { keep: true, x: 2 }, list: [1, 2], b: 'q', seed: p.seed });
    expect(spec.base).toEqual({ a: { keep: true }, list: [1, 2] });
    expect(p.key).toBe('{"grid":{"a.x":2,"b":"q"},"replicate":1}');
    expect(p.configHash).toBe(sha256Hex(canonicalJson(p.config)));
  });

  it('derives each seed from the sweep seed and the point key', () => {
    for (const p of plan.points) {
      const digest = createHash('sha256').update(`7\0${p.key}`).digest();
      expect(p.seed).toBe(digest.readUInt32BE(0));
    }
    // Golden values: a change here changes every published result.
    expect(plan.points.map((p) => p.seed)).toEqual([
      3483629337, 457967899, 3661099461, 872720261, 1877594690, 3645523735, 2811202599, 1185123023, 2175663306,
      3020492978, 309595294, 2112188935,
    ]);
    expect(plan.points[0]!.configHash).toBe('c79e8ad928ca06f20d78001136b1c404db9980af19bce9cf9db1a26bb8ffe870');
    expect(derivePointSeed(0, '{}')).toBe(635270659);
    expect(new Set(plan.points.map((p) => p.seed)).size).toBe(12);
  });

  it('gives a point the same key and seed whatever the grid order', () => {
    const swapped = planSweep(parseSweepSpec({ ...spec, grid: { b: spec.grid.b, 'a.x': spec.grid['a.x'] } }));
    const byKey = new Map(swapped.points.map((p) => [p.key, p]));
    for (const p of plan.points) {
      expect(byKey.get(p.key)?.seed).toBe(p.seed);
      expect(byKey.get(p.key)?.configHash).toBe(p.configHash);
    }
    expect(swapped.points.map((p) => [p.grid.b, p.grid['a.x'], p.replicate]).slice(0, 4)).toEqual([
      ['p', 1, 0],
      ['p', 1, 1],
      ['p', 2, 0],
      ['p', 2, 1],
    ]);
  });

  it('plans one combination for an empty grid', () => {
    const single = planSweep(parseSweepSpec({ name: 's', seed: 1, replicates: 3, base: { k: 1 } }));
    expect(single.points.map((p) => p.key)).toEqual([
      '{"grid":{},"replicate":0}',
      '{"grid":{},"replicate":1}',
      '{"grid":{},"replicate":2}',
    ]);
    expect(single.points[2]!.config).toEqual({ k: 1, seed: single.points[2]!.seed });
  });

  it('labels points by index, grid values and replicate', () => {
    expect(pointLabel(plan.points[3]!)).toBe('3 (a.x=1, b=q, replicate 1)');
    expect(pointLabel({ index: 0, grid: { w: { n: 1 }, s: 'x y' }, replicate: 0 })).toBe(
      '0 (w={"n":1}, s=x y, replicate 0)',
    );
  });

  it('names the grid path that cannot be set inside base', () => {
    const bad = parseSweepSpec({
      name: 'b',
      seed: 1,
      base: { mermap: 5, machine: { cpus: [1, 2] }, n: null },
      grid: { 'mermap.slots': [1], 'machine.cpus.7': [1], 'machine.cpus.x': [1], 'n.m': [1], 'machine.cpus.1': [9] },
    });
    expect(() => planSweep(bad, { source: 'b.yaml' })).toThrow(
      new SpecError('b.yaml', [
        'grid.mermap.slots: cannot set inside base.mermap (a number)',
        "grid.machine.cpus.7: cannot set '7' inside base.machine.cpus (a list of 2)",
        "grid.machine.cpus.x: cannot set 'x' inside base.machine.cpus (a list of 2)",
        'grid.n.m: cannot set inside base.n (null)',
      ]),
    );
    const ok = planSweep(
      parseSweepSpec({
        name: 'o',
        seed: 1,
        base: { machine: { cpus: [1, 2] } },
        grid: { 'machine.cpus.1': [9], 'new.deep.path': ['v'] },
      }),
    );
    expect(ok.points[0]!.config).toEqual({
      machine: { cpus: [1, 9] },
      new: { deep: { path: 'v' } },
      seed: ok.points[0]!.seed,
    });
  });

  it('runs validatePoint on every point and names the failing ones', () => {
    const validatePoint = (config: Record<string, unknown>) =>
      config.b === 'r' ? [`b: must be p or q, got ${String(config.b)}`] : [];
    expect(() => planSweep(spec, { validatePoint })).toThrow(
      new SpecError("sweep 't'", [
        'point 4 (a.x=1, b=r, replicate 0): b: must be p or q, got r',
        'point 5 (a.x=1, b=r, replicate 1): b: must be p or q, got r',
        'point 10 (a.x=2, b=r, replicate 0): b: must be p or q, got r',
        'point 11 (a.x=2, b=r, replicate 1): b: must be p or q, got r',
      ]),
    );
    const many = planSweep.bind(
      null,
      parseSweepSpec({ name: 'm', seed: 1, base: {}, grid: { i: Array.from({ length: 25 }, (_, i) => i) } }),
      {
        validatePoint: () => ['bad'],
      },
    );
    try {
      many();
      expect.unreachable();
    } catch (err) {
      const issues = (err as SpecError).issues;
      expect(issues).toHaveLength(21);
      expect(issues[19]).toBe('point 19 (i=19, replicate 0): bad');
      expect(issues[20]).toBe('(5 more issues not listed)');
    }
  });
});

describe('sampling', () => {
  it('picks a deterministic subset, without replacement, in canonical order', () => {
    expect(sampleCombinations(100, 5, 1)).toEqual([26, 57, 77, 88, 89]);
    expect(sampleCombinations(100, 5, 2)).toEqual([41, 48, 49, 94, 95]);
    expect(sampleCombinations(10, 10, 1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sampleCombinations(2 ** 40, 3, 9)).toEqual([32550986806, 275921717561, 444240176088]);
    for (let seed = 0; seed < 50; seed++) {
      const s = sampleCombinations(30, 12, seed);
      expect(new Set(s).size).toBe(12);
      expect([...s].sort((a, b) => a - b)).toEqual(s);
      expect(s.every((i) => Number.isInteger(i) && i >= 0 && i < 30)).toBe(true);
    }
    expect(() => sampleCombinations(3, 4, 1)).toThrow('cannot sample 4 of 3');
  });

  it('is close to uniform', () => {
    const counts = [0, 0, 0, 0];
    for (let seed = 0; seed < 4000; seed++) counts[sampleCombinations(4, 1, seed)[0]!]++;
    for (const c of counts) {
      expect(c).toBeGreaterThan(880);
      expect(c).toBeLessThan(1120);
    }
  });

  it('keeps whole combinations with all their replicates', () => {
    const sampled = planSweep(parseSweepSpec({ ...spec, sample: { count: 2, seed: 5 } }));
    const combos = sampleCombinations(6, 2, 5);
    expect(sampled.points.map((p) => [p.index, p.combination, p.replicate])).toEqual([
      [0, combos[0], 0],
      [1, combos[0], 1],
      [2, combos[1], 0],
      [3, combos[1], 1],
    ]);
    const full = planSweep(spec);
    for (const p of sampled.points) {
      const twin = full.points.find((f) => f.key === p.key)!;
      expect(p.seed).toBe(twin.seed);
      expect(p.config).toEqual(twin.config);
    }
  });
});

describe('setPath', () => {
  it('refuses to walk through a scalar', () => {
    const target = { a: 1 };
    expect(() => setPath(target, 'a.b', 2)).toThrow('cannot set a.b: a is not a mapping');
  });
});

describe('lazy planning', () => {
  /** The planner as it was: every point built up front with nested loops. */
  function naivePoints(s: typeof spec) {
    const paths = Object.keys(s.grid);
    const combos: Array<Record<string, unknown>> = [{}];
    for (const path of paths) {
      const next: Array<Record<string, unknown>> = [];
      for (const c of combos) for (const v of s.grid[path]!) next.push({ ...c, [path]: v });
      combos.splice(0, combos.length, ...next);
    }
    const chosen =
      s.sample === undefined
        ? combos.map((_, i) => i)
        : sampleCombinations(combos.length, s.sample.count, s.sample.seed);
    const points = [];
    for (const c of chosen) {
      for (let replicate = 0; replicate < s.replicates; replicate++) {
        const key = canonicalJson({ grid: combos[c], replicate });
        const seed = derivePointSeed(s.seed, key);
        const config = structuredClone(s.base) as Record<string, unknown>;
        for (const path of paths) setPath(config, path, combos[c]![path]);
        config.seed = seed;
        points.push({
          index: points.length,
          combination: c,
          replicate,
          grid: combos[c],
          key,
          seed,
          config,
          configHash: sha256Hex(canonicalJson(config)),
        });
      }
    }
    return points;
  }

  it('gives every shard the same points, seeds and order as planning everything up front', () => {
    const sampled = parseSweepSpec({ ...spec, grid: { ...spec.grid, c: [1, 2, 3, 4] }, sample: { count: 9, seed: 3 } });
    for (const s of [spec, sampled]) {
      const reference = naivePoints(s);
      const plan = planSweep(s);
      expect(plan.size).toBe(reference.length);
      expect(plan.points).toEqual(reference);
      for (const count of [1, 2, 5, 40]) {
        for (let index = 0; index < count; index++) {
          expect([...plan.shardPoints({ index, count })]).toEqual(reference.filter((p) => p.index % count === index));
        }
      }
    }
    expect(() => planSweep(spec).point(12)).toThrow(RangeError);
  });

  it('plans one shard of a million-point sweep without building the other points', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i);
    const big = parseSweepSpec({
      name: 'big',
      seed: 1,
      replicates: 1,
      base: { w: { deep: [1, 2, 3] } },
      grid: { a: values, b: values },
    });
    const heapBefore = process.memoryUsage().heapUsed;
    const validated: number[] = [];
    let built = 0;
    const plan = planSweep(big, {
      shard: { index: 7, count: 1000 },
      validatePoint: (config) => {
        validated.push((config.a as number) * 1000 + (config.b as number));
        return [];
      },
    });
    const shard = [];
    for (const p of plan.shardPoints({ index: 7, count: 1000 })) {
      built++;
      shard.push(p.index);
    }
    const grown = process.memoryUsage().heapUsed - heapBefore;
    expect(plan.size).toBe(1_000_000);
    expect(validated).toEqual(Array.from({ length: 1000 }, (_, i) => 7 + 1000 * i));
    expect(built).toBe(1000);
    expect(shard).toEqual(validated);
    // Building every point took about 1.4 GB; one shard's thousand points take well under 64 MB.
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    const last = plan.point(999_999);
    const key = canonicalJson({ grid: { a: 999, b: 999 }, replicate: 0 });
    expect(last.key).toBe(key);
    expect(last.seed).toBe(derivePointSeed(1, key));
    expect(last.config).toEqual({ w: { deep: [1, 2, 3] }, a: 999, b: 999, seed: last.seed });
  });
});

describe('shared seeds', () => {
  const spec = (sharedSeeds?: string[]) =>
    parseSweepSpec({
      name: 'crn',
      seed: 3,
      replicates: 2,
      base: {},
      grid: { 'machine.possibleCpus': [4, 256], 'mermap.regionPages': [64, 128] },
      ...(sharedSeeds === undefined ? {} : { sharedSeeds }),
    });

  it('points that differ only in a shared path run with the same seeds, replicates still differ', () => {
    const plan = planSweep(spec(['machine.possibleCpus']));
    const seedOf = (cpus: number, R: number, r: number) =>
      plan.points.find(
        (p) => p.grid['machine.possibleCpus'] === cpus && p.grid['mermap.regionPages'] === R && p.replicate === r,
      )!.seed;
    expect(seedOf(4, 64, 0)).toBe(seedOf(256, 64, 0));
    expect(seedOf(4, 64, 1)).toBe(seedOf(256, 64, 1));
    expect(seedOf(4, 64, 0)).not.toBe(seedOf(4, 64, 1));
    expect(seedOf(4, 64, 0)).not.toBe(seedOf(4, 128, 0));
    // the seed is the one of the point's key without the shared path
    expect(seedOf(4, 128, 1)).toBe(derivePointSeed(3, pointKey({ 'mermap.regionPages': 128 }, 1)));
    // identity is unchanged: the keys (and configs) still differ
    expect(new Set(plan.points.map((p) => p.key)).size).toBe(8);
  });

  it('without sharedSeeds every point has its own seed', () => {
    expect(new Set(planSweep(spec()).points.map((p) => p.seed)).size).toBe(8);
  });

  it('refuses a shared path that is not in the grid', () => {
    expect(() => spec(['machine.cpus'])).toThrow(
      "sharedSeeds[0]: 'machine.cpus' is not a grid path (grid: machine.possibleCpus, mermap.regionPages)",
    );
  });
});
