import { describe, expect, it } from 'vitest';
import { Machine } from '../../../src/core/machine.js';
import {
  defaultVmapBlockPages,
  fls,
  lazyMaxPages,
  type VmapBlock,
  vmapBbmapBits,
} from '../../../src/core/policies/index.js';
import { FLUSH_ALL, FLUSH_INVLPG } from '../../../src/core/tlb/index.js';
import { g, gets, live, p, session, usage } from './session.js';

/**
 * Hand-checked scripts for the vmap-block policy (src/core/policies/vmap-block.ts): every offset,
 * failure reason, flush and INVLPG count below is worked out in the comments, not read off a run.
 */

describe('vmap-block', () => {
  it('defaults: VMAP_BBMAP_BITS sized to fit 4 blocks per region, lazy_max_pages() from the online CPUs', () => {
    expect([vmapBbmapBits(1), vmapBbmapBits(64), vmapBbmapBits(4096), vmapBbmapBits(8192)]).toEqual([
      1024, 1024, 512, 256,
    ]);
    expect([fls(1), fls(4), fls(8), fls(256)]).toEqual([1, 3, 4, 9]);
    expect([lazyMaxPages(1), lazyMaxPages(4), lazyMaxPages(8), lazyMaxPages(256)]).toEqual([8192, 24576, 32768, 73728]);
    expect([
      defaultVmapBlockPages(4, 512),
      defaultVmapBlockPages(8192, 512),
      defaultVmapBlockPages(4, 16),
      defaultVmapBlockPages(2, 12),
    ]).toEqual([128, 128, 4, 2]);
    const m = new Machine({ possibleCpus: 8, onlineCpus: 4, variant: 'vmap-block' });
    const a = m.allocator(m.createMm()) as VmapBlock;
    expect([a.blockPages, a.blocksPerCpu, a.lazyMaxPages, a.slotsPerCpu]).toEqual([128, 4, 24576, 512]);
    expect(() =>
      new Machine({
        possibleCpus: 1,
        regionPages: 16,
        variant: 'vmap-block',
        allocatorOptions: { vmapBlockPages: 17 },
      }).createMm(),
    ).toThrow('vmapBlockPages must be a whole number in 1..16 (the region), got 17');
  });

  it('bumps inside blocks, rounds to powers of two, purges lazy and fragmented blocks with one range flush on all CPUs', () => {
    // R = 16, 4 blocks of 4 pages (0, 4, 8, 12), 2 CPUs online, ceiling 33
    const s = session('vmap-block', { possibleCpus: 2 });
    const a = s.alloc as VmapBlock;
    // a(1) -> block 0 @0; b(3 -> 4) does not fit block 0's 3 -> new block 1 @4; c(2) -> block 0 @1;
    // d(1) -> block 0 @3 (block 0 full); e(4) -> block 2 @8; f(1) -> block 3 @12; g(4): no room,
    // nothing to purge -> no_block, no flush
    const first = s.run([g('a', 1), g('b', 3), g('c', 2), g('d', 1), g('e', 4), g('f', 1), g('g', 4)]);
    expect(gets(first)).toEqual([
      [0, 0],
      [4, 0],
      [1, 0],
      [3, 0],
      [8, 0],
      [12, 0],
      ['no_block', 0],
    ]);
    expect(usage(a)).toEqual([13, 0, 0, 3]); // block 3: 1 live, 3 never handed out
    // free block 0 entirely: dirty 4 = the block -> lazy; 4 lazy pages, far below 8192: no purge
    s.run([p('a'), p('c'), p('d')]);
    expect([a.lazyPagesOf(0), a.flushes[0], usage(a)]).toEqual([4, 0, [9, 4, 0, 3]]);
    // g(4): no block has 4 free, no unused block -> purge block 0: flush [0,4) on both CPUs
    // (4 <= 33: 4 INVLPGs each, 1 IPI), then new block 0 -> g @0
    expect(s.apply(g('g', 4))).toMatchObject({ ok: true, offset: 0, flushes: 1, violations: [] });
    expect([a.flushes[0], a.invlpgs[0], s.m.shootdowns, s.m.ipis, s.m.remoteInvlpgs]).toEqual([1, 4, 1, 1, 4]);
    expect([s.m.tlbs[0].flushes[FLUSH_INVLPG], s.m.tlbs[1].flushes[FLUSH_INVLPG]]).toEqual([4, 4]);
    // f freed: block 3 has nothing live, 1 dirty, 3 free (fragmented); b freed: block 1 lazy.
    // h(4): purge takes block 1 [4,8) and block 3 [12,16): one flush of [4,16) = 12 pages
    s.run([p('f'), p('b')]);
    expect(usage(a)).toEqual([8, 5, 0, 3]);
    expect(s.apply(g('h', 4))).toMatchObject({ ok: true, offset: 4, flushes: 2 });
    expect([a.flushes[0], a.invlpgs[0], s.m.shootdowns, s.m.ipis, s.m.remoteInvlpgs]).toEqual([2, 16, 2, 2, 16]);
    expect(usage(a)).toEqual([12, 0, 0, 4]);
    expect(live(a)).toEqual([
      [0, 4, false],
      [4, 4, false],
      [8, 4, false],
    ]);
    expect(s.m.checker.violations).toEqual([]);
  });

  it('past the ceiling the purge is a full flush on every online CPU (512 pages, 4 lazy blocks)', () => {
    // R = 512: 4 blocks of 128. 512 one-page get/put pairs use every page once, no flush (no
    // reserve page, unlike the mermap); the 513th get purges all 4 blocks: span 512 > 33.
    const s = session('vmap-block', { possibleCpus: 2, regionPages: 512 });
    for (let i = 0; i < 512; i++) {
      expect(s.apply(g(`t${i}`, 1))).toMatchObject({ ok: true, offset: i, flushes: 0 });
      s.apply(p(`t${i}`));
    }
    expect((s.alloc as VmapBlock).lazyPagesOf(0)).toBe(512);
    expect(s.apply(g('wrap', 1))).toMatchObject({ ok: true, offset: 0, flushes: 1 });
    expect([
      s.m.tlbs[0].flushes[FLUSH_ALL],
      s.m.tlbs[1].flushes[FLUSH_ALL],
      s.alloc.invlpgs[0],
      s.m.ipis,
      s.m.remoteInvlpgs,
    ]).toEqual([1, 1, 0, 1, 0]);
  });

  it('a put that takes the lazy pages past vmapLazyPages purges at once', () => {
    const s = session('vmap-block', { allocatorOptions: { vmapLazyPages: 4 } });
    const a = s.alloc as VmapBlock;
    // block 0 lazy: 4 pages, not more than 4; block 1 lazy: 8 > 4 -> that put flushes [0,8)
    expect(s.run([g('a', 4), p('a'), g('b', 4)]).map((x) => x.flushes)).toEqual([0, 0, 0]);
    expect(s.apply(p('b'))).toEqual({ i: 3, ok: true, flushes: 1, violations: [] });
    expect([a.lazyPagesOf(0), a.invlpgs[0], s.m.tlbs[0].flushes[FLUSH_INVLPG], s.m.shootdowns, s.m.ipis]).toEqual([
      0, 8, 8, 1, 0,
    ]);
    // both blocks are unused again: the next get takes block 0
    expect(gets([s.apply(g('c', 1))])).toEqual([[0, 1]]);
  });

  it('its own reasons: too_large past a block, not_in_task, bad_reserved_size; a reserved get is a one-page get', () => {
    const s = session('vmap-block');
    const rs = s.run([g('a', 5), g('b', 2, { reserved: true }), g('c', 1, { reserved: true }), g('d', 3)]);
    expect(gets(rs)).toEqual([
      ['too_large', 0],
      ['bad_reserved_size', 0],
      [0, 0],
      [4, 0],
    ]);
    expect(live(s.alloc)).toEqual([
      [0, 1, true],
      [4, 3, false],
    ]);
    expect(usage(s.alloc)).toEqual([5, 0, 0, 11]); // 1 + 4 (3 rounded up)
    s.m.setInTask(0, false);
    expect(gets([s.apply(g('e', 1))])).toEqual([['not_in_task', 0]]);
  });
});
