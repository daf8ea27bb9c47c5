import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AleaBank,
  AliasTable,
  createUniform,
  deriveSeed,
  exponential,
  fnv1a32,
  streamKey,
  uniformInt,
} from '../../src/workloads/rng.js';

describe('seeds', () => {
  it('FNV-1a 32 matches the reference vectors', () => {
    // http://www.isthe.com/chongo/tech/comp/fnv/ test vectors
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('deriveSeed hashes the stream key "seed/part/part"', () => {
    expect(streamKey(1, 'cpu', 3)).toBe('1/cpu/3');
    expect(streamKey('x')).toBe('x');
    expect(deriveSeed(1, 'cpu', 3)).toBe(fnv1a32('1/cpu/3'));
    expect(deriveSeed(1, 'cpu', 3)).not.toBe(deriveSeed(1, 'cpu', 4));
  });

  it('a stream is a pure function of its key, and keys give different streams', () => {
    const a = createUniform(7, 'cpu', 0);
    const b = createUniform(7, 'cpu', 0);
    const c = createUniform(7, 'cpu', 1);
    const xa = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xa);
    expect([c(), c(), c()]).not.toEqual(xa);
    // pinned: the first draws of seed 1 (seedrandom 3.0.5 alea)
    const u = createUniform(1);
    const first = [u(), u(), u()].map((x) => Math.round(x * 2 ** 32));
    expect(first).toEqual(FIRST_DRAWS);
  });
});

const FIRST_DRAWS = [2259355072, 526750310, 2051790815];

describe('samplers', () => {
  it('exponential: mean and variance within 1% on 10^6 draws', () => {
    const u = createUniform(3, 'exp');
    let s = 0;
    let s2 = 0;
    const n = 1_000_000;
    for (let i = 0; i < n; i++) {
      const x = exponential(u, 250);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    expect(Math.abs(mean - 250) / 250).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(variance) - 250) / 250).toBeLessThan(0.01);
  });

  it('uniformInt covers [0, n) evenly', () => {
    const u = createUniform(3, 'int');
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 700_000; i++) counts[uniformInt(u, 7)]++;
    for (const c of counts) expect(Math.abs(c - 100_000)).toBeLessThan(1500);
  });

  it('AliasTable samples each index with its weight (chi-square over 10^6 draws)', () => {
    const weights = [5, 0, 1, 3, 0.5, 10];
    const t = new AliasTable(weights);
    const u = createUniform(9, 'alias');
    const counts = new Array(weights.length).fill(0);
    const n = 1_000_000;
    for (let i = 0; i < n; i++) counts[t.sample(u)]++;
    const sum = weights.reduce((a, b) => a + b, 0);
    expect(counts[1]).toBe(0);
    let chi2 = 0;
    for (let i = 0; i < weights.length; i++) {
      if (weights[i] === 0) continue;
      const e = (n * weights[i]!) / sum;
      chi2 += (counts[i] - e) ** 2 / e;
    }
    // 4 degrees of freedom: P(chi2 > 18.47) = 0.001
    expect(chi2).toBeLessThan(18.47);
  });

  it('AliasTable rejects bad weights', () => {
    expect(() => new AliasTable([])).toThrow('AliasTable: no weights');
    expect(() => new AliasTable([0, 0])).toThrow('AliasTable: weights sum to 0');
    expect(() => new AliasTable([1, -1])).toThrow('AliasTable: weight 1 is -1');
  });

  it('AliasTable of weights whose sum overflows is the table of their ratios', () => {
    // [1e308, 1e308] summed to Infinity and picked the second nine times in ten
    const table = (w: number[]) => {
      const t = new AliasTable(w);
      return [[...t.prob], [...t.alias]];
    };
    const eleven = (a: number, b: number) => [a, b, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(table(eleven(1e308, 1e308))).toEqual(table(eleven(1, 1)));
    expect(table(eleven(5e307, 5e307))).toEqual(table(eleven(1, 1))); // the sum is finite, sum x 11 is not
    expect(table(eleven(1.5e308, 0.5e308))).toEqual(table(eleven(1, 1 / 3)));
    // by hand (Vose): scaled 5.5, 5.5, 0 x 9; slots 10..6 lend to 1, 1 drops to 0.5 and
    // lends to 0, slots 5..2 lend to 0; each index gets (1 + 0.5 + 4) / 11 = 1/2
    expect(table(eleven(1, 1))).toEqual([
      [1, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
    ]);
  });
});

describe('AleaBank', () => {
  it("gives each stream exactly the numbers of seedrandom's alea for its key", () => {
    // the reference is the library itself: createUniform(key) is seedrandom.alea(key)
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat(), fc.string()), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 200 }),
        (seeds, picks) => {
          const keys = seeds.map((seed, k) => streamKey(seed, 'cpu', k));
          const bank = new AleaBank(keys);
          const refs = seeds.map((seed, k) => createUniform(seed, 'cpu', k));
          // interleaved in any order: the streams share one array and nothing else
          for (const p of picks) {
            const k = p % keys.length;
            expect(bank.next(k)).toBe(refs[k]!());
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('starts where the stream starts: the first draws of "1/cpu/0", by value', () => {
    const bank = new AleaBank(['1/cpu/0']);
    // seedrandom 3.0.5's alea('1/cpu/0'): the numbers every run of seed 1 has drawn on CPU 0
    expect([bank.next(0), bank.next(0), bank.next(0)]).toEqual([
      0.5199956849683076, 0.3244800860993564, 0.944903630996123,
    ]);
    expect(bank.size).toBe(1);
  });
});

describe('AliasTable.pick', () => {
  it('is sample() with the draw given', () => {
    const table = new AliasTable([0.806, 0.06, 0.04, 0.03, 0.02, 0.015, 0.01, 0.008, 0.006, 0.004, 0.001]);
    const a = createUniform(3, 'alias');
    const b = createUniform(3, 'alias');
    for (let i = 0; i < 10_000; i++) expect(table.pick(a())).toBe(table.sample(b));
    expect(table.pick(0)).toBe(0);
  });
});
