import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumMap } from '../../src/core/util/num-map.js';

describe('NumMap', () => {
  it('behaves like a Map over random set / take / add sequences (kernel-sized keys, growth, deletions)', () => {
    const key = fc.oneof(
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 40 }).map((x) => 0xffff880000200 + x * 512),
      fc.constant(2 ** 52 - 1),
    );
    const op = fc.tuple(fc.constantFrom('set', 'take', 'add'), key, fc.integer({ min: -3, max: 3 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const m = new NumMap(2);
        const ref = new Map<number, number>();
        for (const [o, k, v] of ops) {
          if (o === 'set') {
            m.set(k, v);
            ref.set(k, v);
          } else if (o === 'take') {
            expect(m.take(k, -99)).toBe(ref.has(k) ? ref.get(k) : -99);
            ref.delete(k);
          } else {
            const nv = (ref.get(k) ?? 0) + v;
            expect(m.add(k, v)).toBe(nv);
            if (nv === 0) ref.delete(k);
            else ref.set(k, nv);
          }
          expect(m.size).toBe(ref.size);
        }
        for (const [k, v] of ref) expect(m.get(k, -99)).toBe(v);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('exercise() takes every probing path, in every round, on maps of its own', () => {
    // (what the module runs when it loads, so that V8 has feedback for those paths; each is
    // checked in every round, as V8 records feedback only once it has allocated it)
    expect(NumMap.exercise(1)).toEqual({ collided: true, moved: true, stayed: true, grew: true });
    expect(NumMap.exercise()).toEqual({ collided: true, moved: true, stayed: true, grew: true });
  });
});
