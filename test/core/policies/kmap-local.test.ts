import { describe, expect, it } from 'vitest';
import { Machine } from '../../../src/core/machine.js';
import { R_NOT_LIFO } from '../../../src/core/mermap/reasons.js';
import { FLUSH_ALL, FLUSH_INVLPG } from '../../../src/core/tlb/index.js';
import { g, gets, live, p, session, usage } from './session.js';

/**
 * Hand-checked scripts for the kmap-local policy (src/core/policies/kmap-local.ts): every offset,
 * failure reason, flush and INVLPG count below is worked out in the comments, not read off a run.
 */

describe('kmap-local', () => {
  it('pushes 16 one-page slots, refuses the 17th, pops only in LIFO order with one INVLPG each', () => {
    const s = session('kmap-local', { regionPages: 512 });
    const t = s.m.tlbs[0];
    const pushes = s.run(Array.from({ length: 17 }, (_, i) => g(`k${i}`, 1)));
    expect(gets(pushes)).toEqual([...Array.from({ length: 16 }, (_, i) => [i, 0]), ['stack_full', 0]]);
    // k3 is not on top: refused, nothing changes, the tag stays live
    expect(s.apply(p('k3'))).toEqual({ i: 17, ok: false, reason: 'not_lifo', flushes: 0, violations: [] });
    expect(s.m.failures[R_NOT_LIFO]).toBe(1);
    expect(s.alloc.liveAllocations(0)).toHaveLength(16);
    expect([s.alloc.invlpgs[0], t.flushes[FLUSH_INVLPG]]).toEqual([0, 0]);
    expect(s.m.migrateDisableDepth(0)).toBe(16);
    for (let i = 15; i >= 0; i--) expect(s.apply(p(`k${i}`))).toMatchObject({ ok: true, flushes: 0 });
    expect([s.alloc.invlpgs[0], s.alloc.flushes[0], t.flushes[FLUSH_INVLPG], t.flushes[FLUSH_ALL]]).toEqual([
      16, 0, 16, 0,
    ]);
    expect(s.m.migrateDisableDepth(0)).toBe(0);
    // slot 0 again, flushed by its INVLPG: no reuse_without_flush
    expect(s.apply(g('again', 1))).toMatchObject({ ok: true, offset: 0, flushes: 0, violations: [] });
    expect(s.m.checker.violations).toEqual([]);
  });

  it('one page per get; reserved gets are pushes, allowed in IRQ context; global prot refused', () => {
    const s = session('kmap-local');
    s.m.setInTask(0, false);
    const rs = s.run([
      g('a', 2),
      g('b', 2, { reserved: true }),
      g('c', 1, { reserved: true }),
      g('d', 1),
      g('e', 1, { prot: 'global' }),
      g('f', 17),
    ]);
    expect(gets(rs)).toEqual([
      ['too_large', 0],
      ['bad_reserved_size', 0],
      [0, 0],
      [1, 0],
      ['global_prot', 0],
      ['too_large', 0],
    ]);
    expect(live(s.alloc)).toEqual([
      [0, 1, true],
      [1, 1, false],
    ]);
    expect(usage(s.alloc)).toEqual([2, 0, 0, 14]);
  });

  it('kmapSlots sets K, capped at the region size', () => {
    const s = session('kmap-local', { allocatorOptions: { kmapSlots: 4 } });
    expect(gets(s.run([g('a', 1), g('b', 1), g('c', 1), g('d', 1), g('e', 1)]))).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
      ['stack_full', 0],
    ]);
    expect(usage(s.alloc)).toEqual([4, 0, 0, 0]);
    const small = session('kmap-local', { regionPages: 8 });
    expect(small.alloc.slotsPerCpu).toBe(8);
    expect(() =>
      new Machine({ possibleCpus: 1, variant: 'kmap-local', allocatorOptions: { kmapSlots: 0 } }).createMm(),
    ).toThrow('kmapSlots must be a whole number >= 1, got 0');
  });

  it('each CPU has its own stack in its own region; handles name the CPU', () => {
    const s = session('kmap-local', { possibleCpus: 2 });
    s.run([g('a', 1, { cpu: 0 }), g('b', 1, { cpu: 1 }), g('c', 1, { cpu: 1 })]);
    expect([live(s.alloc, 0), live(s.alloc, 1)]).toEqual([
      [[0, 1, false]],
      [
        [0, 1, false],
        [1, 1, false],
      ],
    ]);
    expect(s.alloc.liveAllocations(1).map((x) => s.alloc.handleCpu(x.handle))).toEqual([1, 1]);
    s.apply(p('b')); // not c's CPU's top: b is under c
    expect(s.alloc.liveAllocations(1)).toHaveLength(2);
  });
});
