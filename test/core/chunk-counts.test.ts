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
});
