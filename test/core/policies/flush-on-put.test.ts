import { describe, expect, it } from 'vitest';
import { cpuBaseVpn } from '../../../src/core/paging/geometry.js';
import { RegionTracer } from '../../../src/core/region-text.js';
import { FLUSH_ALL, FLUSH_INVLPG } from '../../../src/core/tlb/index.js';
import { getSummary, replay } from '../helpers.js';
import { g, gets, live, p, session, usage } from './session.js';

/**
 * Hand-checked scripts for the flush-on-put policy (src/core/policies/flush-on-put.ts): every
 * offset, failure reason, flush and INVLPG count below is worked out in the comments, not read off
 * a run.
 */

describe('flush-on-put (the ephmap)', () => {
  it('INVLPGs each page of a put under 33 pages; 33 pages and more is one full flush (EPH compares < 33)', () => {
    const s = session('flush-on-put', { regionPages: 512 });
    const t = s.m.tlbs[0];
    // 32 pages: 32 INVLPGs, no full flush; the space is free again at once, so b lands at 0 too
    expect(gets(s.run([g('a', 32), p('a')]))).toEqual([[0, 0]]);
    expect([s.alloc.invlpgs[0], s.alloc.flushes[0], t.flushes[FLUSH_INVLPG], t.flushes[FLUSH_ALL]]).toEqual([
      32, 0, 32, 0,
    ]);
    expect(gets(s.run([g('b', 33), p('b')]))).toEqual([[0, 0]]);
    expect([s.alloc.invlpgs[0], s.alloc.flushes[0], t.flushes[FLUSH_INVLPG], t.flushes[FLUSH_ALL]]).toEqual([
      32, 1, 32, 1,
    ]);
    // the put reports the flush it made
    expect(s.apply(g('c', 40))).toMatchObject({ ok: true, offset: 0, flushes: 1 });
    expect(s.apply(p('c'))).toEqual({ i: 5, ok: true, flushes: 2, violations: [] });
  });

  it('the ceiling is the flushCeilingPages option: with 8, a 7-page put INVLPGs, an 8-page put flushes', () => {
    const s = session('flush-on-put', { allocatorOptions: { flushCeilingPages: 8 } });
    s.run([g('a', 7), p('a')]);
    expect([s.alloc.invlpgs[0], s.alloc.flushes[0]]).toEqual([7, 0]);
    s.run([g('b', 8), p('b')]);
    expect([s.alloc.invlpgs[0], s.alloc.flushes[0]]).toEqual([7, 1]);
  });

  it('first fit: the seed diagram script never fails and never flushes; every put page is one INVLPG', () => {
    // R = 16, normal callers [0, 15). get 4 -> 0; put (4 INVLPGs); get 9 -> 0; get 2 -> 9;
    // put the 9 (9 INVLPGs); get 1 -> 0 (lowest gap); put the 2 (2 INVLPGs); get 2 -> 1 (above the 1)
    const s = session('flush-on-put');
    const tracer = new RegionTracer(s.m, 0, 0);
    s.m.observer = tracer;
    const rs = s.run([g('a', 4), p('a'), g('b', 9), g('c', 2), p('b'), g('d', 1), p('c'), g('e', 2)]);
    expect(gets(rs)).toEqual([
      [0, 0],
      [0, 0],
      [9, 0],
      [0, 0],
      [1, 0],
    ]);
    expect([
      s.alloc.invlpgs[0],
      s.alloc.flushes[0],
      s.m.tlbs[0].flushes[FLUSH_INVLPG],
      s.m.tlbs[0].flushes[FLUSH_ALL],
    ]).toEqual([15, 0, 15, 0]);
    expect(live(s.alloc)).toEqual([
      [0, 1, false],
      [1, 2, false],
    ]);
    expect(usage(s.alloc)).toEqual([3, 0, 0, 13]);
    expect(rs.flatMap((x) => x.violations)).toEqual([]);
  });

  it('a get takes the lowest gap it fits in, between live allocations or above them', () => {
    // R = 17, normal callers [0, 16). a [0,4)  b [4,9)  c [9,11); put b: gaps [4,9) and [11,16),
    // 5 pages each. get 6: no_space (nothing flushed); get 5 -> 4, the lower gap; a 4th normal
    // allocation: no_slot
    const s = session('flush-on-put', { regionPages: 17 });
    const rs = s.run([g('a', 4), g('b', 5), g('c', 2), p('b'), g('d', 6), g('d2', 5), g('e', 1)]);
    expect(gets(rs)).toEqual([
      [0, 0],
      [4, 0],
      [9, 0],
      ['no_space', 0],
      [4, 0],
      ['no_slot', 0],
    ]);
    // put a: [0,4) is too small for 5, so above c: 11; put c: 3 pages go to the base
    expect(gets(s.run([p('a'), g('e2', 5), p('c'), g('f', 3)]))).toEqual([
      [11, 0],
      [0, 0],
    ]);
    expect(live(s.alloc)).toEqual([
      [0, 3, false],
      [4, 5, false],
      [11, 5, false],
    ]);
    expect(s.alloc.invlpgs[0]).toBe(5 + 4 + 2);
  });

  it("reserved gets keep rfc-later's semantics: 3 normal slots + 1 reserve, a live reserve fails every get", () => {
    const { results } = replay('kunit-test-multiple-allocs-later.jsonl', { variant: 'flush-on-put' });
    expect(getSummary(results)).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      ['no_slot', 0],
      [3, 0],
    ]);
    const s = session('flush-on-put');
    // a 15-page normal get fills the normal space; the reserved get takes the top page (15)
    const rs = s.run([
      g('a', 15),
      g('b', 1),
      g('r', 1, { reserved: true }),
      g('c', 1, { reserved: true }),
      g('r2', 2, { reserved: true }),
    ]);
    expect(gets(rs)).toEqual([
      [0, 0],
      ['no_space', 0],
      [15, 0],
      ['no_space', 0],
      ['bad_reserved_size', 0],
    ]);
    s.apply(p('a'));
    // the reserve is live: even a normal get with room fails
    expect(gets([s.apply(g('d', 1))])).toEqual([['reserve_busy', 0]]);
    expect(gets([s.apply(g('e', 1, { prot: 'global' }))])).toEqual([['global_prot', 0]]);
  });

  it('leaves no translation behind: freeing the pages right after the put finds no TLB holding them (rfc-later does)', () => {
    for (const [v, stale] of [
      ['flush-on-put', 0],
      ['rfc-later', 1],
    ] as const) {
      const s = session(v, { tlb: 'golden-cove' });
      const base = cpuBaseVpn(s.m.geometry, 0);
      s.apply(g('a', 3)); // op 0: pfns 0x100000..0x100002
      for (let i = 0; i < 3; i++) expect(s.m.access(0, base + i)).toBe(true);
      s.apply(p('a'));
      s.m.freePages(0x100000, 3, 0);
      expect(s.m.checker.countOf('stale_tlb_after_free')).toBe(stale);
      expect(s.m.tlbs[0].snapshot().filter((e) => e.vpn >= base && e.vpn < base + 3).length).toBe(stale === 0 ? 0 : 6); // 3 translations x (L1 + STLB)
    }
  });
});
