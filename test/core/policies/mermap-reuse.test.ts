import { describe, expect, it } from 'vitest';
import { RegionTracer } from '../../../src/core/region-text.js';
import { getSummary, replay } from '../helpers.js';
import { g, gets, p, session, usage } from './session.js';

/**
 * Hand-checked scripts for the mermap-reuse policy (src/core/policies/mermap-reuse.ts): every
 * offset, failure reason, flush and INVLPG count below is worked out in the comments, not read off
 * a run.
 */

describe('mermap-reuse', () => {
  it('the seed diagram: the get that rfc-later fails reuses the space below the lowest live allocation', () => {
    const steps = (v: string) => {
      const s = session(v);
      const tracer = new RegionTracer(s.m, 0, 0);
      s.m.observer = tracer;
      return [g('a', 4), p('a'), g('b', 9), g('c', 2), p('b'), g('d', 1), p('c'), g('e', 2)].map((op) => {
        const res = s.apply(op);
        return { res, text: tracer.render() };
      });
    };
    const reuse = steps('mermap-reuse');
    // d: new_next = 15 has no room; below c (at 13) there are 13 pages: flush, d at 0, limit 13.
    // c put; e bumps to 1 without a flush (c's pages are above the limit, flush-pending)
    expect(reuse.map((x) => x.text)).toEqual([
      'AaaA___________|_',
      'TttT___________|_',
      'TttTAaaaaaaaA__|_',
      'TttTAaaaaaaaAAA|_',
      'TttTTtttttttTAA|_',
      'A____________AA|_',
      'A____________TT|_',
      'AAA__________TT|_',
    ]);
    expect(getSummary(reuse.map((x) => x.res))).toEqual([
      [0, 0],
      [4, 0],
      [13, 0],
      [0, 1],
      [1, 1],
    ]);
    expect(getSummary(steps('rfc-later').map((x) => x.res))).toEqual([
      [0, 0],
      [4, 0],
      [13, 0],
      ['no_space', 0],
      [0, 1],
    ]);
  });

  it('stops at the limit: a get crossing the lowest-live allocation it restarted below takes the flush path again', () => {
    const s = session('mermap-reuse');
    s.run([g('a', 4), p('a'), g('b', 9), g('c', 2), p('b'), g('d', 1)]); // d at 0, next 1, limit 13, c live at 13
    // 12 pages fit exactly in [1, 13); then 1 more: above c nothing (15 - 15), below d nothing -> no_space, no flush
    expect(gets(s.run([g('e', 12), g('f', 1)]))).toEqual([
      [1, 1],
      ['no_space', 1],
    ]);
    // a request larger than the space below the lowest live allocation fails without a flush
    const t = session('mermap-reuse');
    t.run([g('a', 4), p('a'), g('b', 9), g('c', 2), p('b')]);
    expect(gets(t.run([g('big', 14), g('fits', 13)]))).toEqual([
      ['no_space', 0],
      [0, 1],
    ]);
  });

  it('regionUsage: below the lowest live allocation is reclaimable, not pinned as in rfc-later', () => {
    const ops = [g('a', 4), p('a'), g('b', 9), g('c', 2), p('b')]; // TttTTtttttttTAA|_
    const reuse = session('mermap-reuse');
    reuse.run(ops);
    const later = session('rfc-later');
    later.run(ops);
    expect(usage(reuse.alloc)).toEqual([2, 13, 0, 1]);
    expect(usage(later.alloc)).toEqual([2, 0, 13, 1]);
    // d at 0 after the reuse flush, e at 1..2 put: the window [3, 13) is free, e's 2 pages are
    // pinned between d and c, and the top page (outside the window) needs a flush: reclaimable
    reuse.run([g('d', 1), g('e', 2), p('e')]);
    expect(usage(reuse.alloc)).toEqual([3, 1, 2, 10]);
  });

  it('KUnit test_size and test_tlb_flushed: the same results as rfc-later (no reuse is possible there)', () => {
    const size = replay('kunit-test-size.jsonl', { variant: 'mermap-reuse' }).results;
    expect(getSummary(size)).toEqual([
      [0, 0],
      ['no_space', 0],
      [0, 1],
      [510, 1],
      ['no_space', 1],
      [511, 1],
    ]);
    const flushed = getSummary(replay('kunit-test-tlb-flushed.jsonl', { variant: 'mermap-reuse' }).results);
    expect(flushed[510]).toEqual([510, 0]);
    expect(flushed[511]).toEqual([0, 1]);
  });
});
