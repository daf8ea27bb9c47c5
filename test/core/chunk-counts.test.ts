import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkCounts } from '../../src/core/util/chunk-counts.js';

describe('ChunkCounts', () => {
  it('counts like a Map over random adds (clustered and far-apart frame numbers), size = keys not at 0', () => {
    const key = fc.oneof(
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 4090, max: 4100 }),
      fc.integer({ min: 0, max: 40 }).map((x) => 2 ** 40 + x * 4096),
      // chunk numbers past 2^32, whose cache slot comes from their low bits
      fc.integer({ min: 0, max: 40 }).map((x) => 2 ** 52 + x * 4096 * 3 + x),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.integer({ min: -2, max: 2 })), { maxLength: 300 }), (ops) => {
        const m = new ChunkCounts();
        const ref = new Map<number, number>();
        for (const [k, d] of ops) {
          const v = (ref.get(k) ?? 0) + d;
          ref.set(k, v);
          expect(m.add(k, d)).toBe(v);
          expect(m.size).toBe([...ref.values()].filter((x) => x !== 0).length);
        }
        for (const [k, v] of ref) expect(m.get(k)).toBe(v);
        expect(m.get(123457)).toBe(ref.get(123457) ?? 0);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('firstNonZero() finds the first key of a range with a count, across chunks, like a scan of a Map', () => {
    // keys near chunk edges (4096) and far apart, ranges that start before, span or miss them
    const key = fc.oneof(
      fc.integer({ min: 0, max: 12_300 }),
      fc.integer({ min: 0, max: 40 }).map((x) => 2 ** 40 + x),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, fc.integer({ min: -1, max: 2 })), { maxLength: 60 }),
        fc.array(fc.tuple(key, fc.integer({ min: 0, max: 9000 })), { minLength: 1, maxLength: 20 }),
        (ops, ranges) => {
          const m = new ChunkCounts();
          const ref = new Map<number, number>();
          for (const [k, d] of ops) {
            m.add(k, d);
            ref.set(k, (ref.get(k) ?? 0) + d);
          }
          for (const [from, count] of ranges) {
            let want = -1;
            for (const [k, v] of ref) if (v !== 0 && k >= from && k < from + count && (want < 0 || k < want)) want = k;
            expect(m.firstNonZero(from, count)).toBe(want);
          }
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it('firstNonZero() by hand: a count at the last key of a chunk, one past it, and an empty range', () => {
    const m = new ChunkCounts();
    expect(m.firstNonZero(0, 10_000)).toBe(-1);
    m.add(4095, 1);
    m.add(8192, 2);
    expect(m.firstNonZero(0, 4096)).toBe(4095);
    expect(m.firstNonZero(0, 4095)).toBe(-1);
    expect(m.firstNonZero(4096, 4096)).toBe(-1);
    expect(m.firstNonZero(4096, 4097)).toBe(8192);
    expect(m.firstNonZero(4095, 0)).toBe(-1);
    m.add(4095, -1);
    expect(m.firstNonZero(0, 8193)).toBe(8192);
  });
});
