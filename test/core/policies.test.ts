import { describe, expect, it } from 'vitest';
import { allocatorInfo, allocatorNames } from '../../src/core/allocators.js';
import { Machine } from '../../src/core/machine.js';
import { R_NOT_LIFO } from '../../src/core/mermap/reasons.js';
import { cpuBaseVpn } from '../../src/core/paging/geometry.js';
import {
  defaultVmapBlockPages,
  fls,
  lazyMaxPages,
  POLICY_NAMES,
  type VmapBlock,
  vmapBbmapBits,
} from '../../src/core/policies/index.js';
import { RegionTracer } from '../../src/core/region-text.js';
import { Replayer, type ReplayGetResult, type ReplayResult } from '../../src/core/replay.js';
import {
  CAT_GLOBAL,
  CAT_MERMAP,
  CAT_OTHER,
  CAT_OTHER_PCID,
  FLUSH_ALL,
  FLUSH_INVLPG,
  FLUSH_INVPCID_SINGLE,
} from '../../src/core/tlb/index.js';
import type { MachineConfig } from '../../src/core/machine.js';
import { getSummary, readOps, replay } from './helpers.js';

/**
 * Hand-checked scripts for each alternative policy (src/core/policies): every offset, failure
 * reason, flush and INVLPG count below is worked out in the comments, not read off a run.
 */

type Op =
  | { op: 'get'; pages: number; tag: string; cpu?: number; reserved?: boolean; prot?: 'global' | 'noglobal' }
  | { op: 'put'; tag: string };
const g = (tag: string, pages: number, more: { cpu?: number; reserved?: boolean; prot?: 'global' } = {}): Op => ({
  op: 'get',
  pages,
  tag,
  ...more,
});
const p = (tag: string): Op => ({ op: 'put', tag });

function session(allocator: string, cfg: Partial<MachineConfig> = {}) {
  const r = new Replayer({ possibleCpus: 1, regionPages: 16, tlb: 'tiny', variant: allocator, ...cfg });
  const apply = (op: Op): ReplayResult =>
    r.apply(
      op.op === 'get'
        ? {
            op: 'get',
            cpu: op.cpu ?? 0,
            pages: op.pages,
            tag: op.tag,
            reserved: op.reserved ?? false,
            prot: op.prot ?? 'noglobal',
          }
        : op,
    );
  return { r, m: r.machine, alloc: r.machine.allocator(r.mm), apply, run: (ops: Op[]) => ops.map(apply) };
}
/** [offset or reason, flushes] per get */
const gets = (rs: ReplayResult[]) => getSummary(rs);
const usage = (a: { regionUsage(cpu: number, out: Float64Array): void }, cpu = 0) => {
  const out = new Float64Array(4);
  a.regionUsage(cpu, out);
  return Array.from(out);
};
const live = (
  a: { liveAllocations(cpu: number): Array<{ offset: number; pages: number; reserved: boolean }> },
  cpu = 0,
) => a.liveAllocations(cpu).map((x) => [x.offset, x.pages, x.reserved]);

describe('the registry', () => {
  it('lists the five policies after the kernel versions, each as kind "policy"', () => {
    expect(allocatorNames()).toEqual(['rfc-v1', 'rfc-later', 'dev-snapshot', ...POLICY_NAMES]);
    expect(POLICY_NAMES.map((n) => allocatorInfo(n)!.kind)).toEqual(['policy', 'policy', 'policy', 'policy', 'policy']);
    for (const n of POLICY_NAMES) {
      const m = new Machine({ possibleCpus: 2, variant: n });
      expect(m.allocator(m.createMm()).name).toBe(n);
    }
  });

  it('gives every variant a summary of its own (a subclass does not inherit its parent’s)', () => {
    const names = allocatorNames();
    const summaries = names.map((n) => allocatorInfo(n)!.summary);
    expect(new Set(summaries).size).toBe(names.length);
    expect(allocatorInfo('rfc-later')!.summary).toBe('later posting: 3 normal slots + 1 reserve slot, no PTE lock');
    expect(allocatorInfo('mermap-reuse')!.summary).toBe(
      'rfc-later that also reuses the space below the lowest live allocation after a flush',
    );
  });
});

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

describe('mermap-invpcid', () => {
  it('test_tlb_flushed: rfc-later offsets and one flush, made as INVPCID single context, not __flush_tlb_all', () => {
    const { results, replayer } = replay('kunit-test-tlb-flushed.jsonl', { variant: 'mermap-invpcid' });
    const s = getSummary(results);
    expect(s).toHaveLength(512);
    expect(s[0]).toEqual([0, 0]);
    expect(s[510]).toEqual([510, 0]);
    expect(s[511]).toEqual([0, 1]);
    const t = replayer.machine.tlbs[0];
    expect([t.flushes[FLUSH_INVPCID_SINGLE], t.flushes[FLUSH_ALL]]).toEqual([1, 0]);
  });

  it("a wrap keeps the global kernel entry and the other mm's entry that rfc-later throws away", () => {
    const KTEXT = 0xffffffff81000000 / 4096; // kernel text: demand-mapped global
    const USER = 0x400; // a user page of the other mm
    const run = (allocator: string) => {
      const m = new Machine({ possibleCpus: 1, regionPages: 16, variant: allocator, tlb: 'golden-cove' });
      const mmA = m.createMm();
      const mmB = m.createMm();
      const a = m.createTask(mmA, 0);
      const b = m.createTask(mmB, 0);
      m.access(b, USER);
      m.access(a, KTEXT);
      const base = cpuBaseVpn(m.geometry, 0);
      // 15 one-page get/access/put pairs fill the normal space; the 16th get wraps
      for (let i = 0; i < 15; i++) {
        const h = m.mermapGet(a, 1, 0x1000 + i);
        expect(m.access(a, base + i)).toBe(true);
        m.mermapPut(a, h);
      }
      expect(m.allocator(mmA).flushes[0]).toBe(0);
      m.mermapGet(a, 1, 0x2000);
      expect(m.allocator(mmA).flushes[0]).toBe(1);
      const walks = m.pageWalks;
      m.access(a, KTEXT);
      m.access(b, USER);
      return { t: m.tlbs[0], refillWalks: m.pageWalks - walks };
    };
    const cats = (t: { discarded: Float64Array }, kind: number) =>
      [CAT_MERMAP, CAT_GLOBAL, CAT_OTHER_PCID, CAT_OTHER].map((c) => t.discarded[kind * 4 + c]);
    const inv = run('mermap-invpcid');
    expect(cats(inv.t, FLUSH_INVPCID_SINGLE)).toEqual([15, 0, 0, 0]);
    expect(cats(inv.t, FLUSH_ALL)).toEqual([0, 0, 0, 0]);
    expect([inv.refillWalks, inv.t.refillsAfterFlush]).toEqual([0, 0]);
    const later = run('rfc-later');
    expect(cats(later.t, FLUSH_ALL)).toEqual([15, 1, 1, 0]);
    expect([later.refillWalks, later.t.refillsAfterFlush]).toEqual([2, 2]);
  });
});

describe('the expected ordering on one fixed trace (policy-ordering.jsonl, R = 16, one CPU)', () => {
  // 8 nested rounds get x(1) get y(k) put y put x, k = 1,2,3,4,1,2,3,4; then a 2-page p held
  // across 14 one-page get/put pairs; put p; 4 more pairs. 70 ops, 35 gets. Puts of failed gets
  // are skipped.
  const POLICIES = [
    'rfc-v1',
    'rfc-later',
    'dev-snapshot',
    'mermap-reuse',
    'mermap-invpcid',
    'flush-on-put',
    'kmap-local',
    'vmap-block',
  ];
  const runAll = () =>
    Object.fromEntries(
      POLICIES.map((v) => {
        const { r, apply } = session(v);
        const failed = new Set<string>();
        const pages = new Map<string, number>();
        let puts = 0;
        let pagesPut = 0;
        let wraps = 0;
        let lastEnd = -1;
        for (const op of readOps('policy-ordering.jsonl')) {
          if (op.op === 'put') {
            if (failed.has(op.tag)) continue;
            apply(op);
            puts++;
            pagesPut += pages.get(op.tag)!;
            continue;
          }
          const res = apply(op) as ReplayGetResult;
          if (!res.ok) {
            failed.add(op.tag);
            continue;
          }
          pages.set(op.tag, op.pages);
          if (res.offset! < lastEnd) wraps++; // handed out below the previous allocation's end
          lastEnd = res.offset! + op.pages;
        }
        const t = r.machine.tlbs[0];
        const a = r.machine.allocator(r.mm);
        return [
          v,
          {
            failed: failed.size,
            puts,
            pagesPut,
            wraps,
            flushes: a.flushes[0],
            invlpgs: a.invlpgs[0],
            tlbInvlpg: t.flushes[FLUSH_INVLPG],
            tlbFull: t.flushes[FLUSH_ALL],
            tlbInvpcid: t.flushes[FLUSH_INVPCID_SINGLE],
            violations: r.machine.checker.violations.length,
          },
        ];
      }),
    );
  const res = runAll();

  it('INVLPGs: flush-on-put one per put page, kmap-local one per put, the mermap versions none', () => {
    expect(res['flush-on-put']).toMatchObject({
      failed: 0,
      puts: 35,
      pagesPut: 48,
      invlpgs: 48,
      tlbInvlpg: 48,
      flushes: 0,
      tlbFull: 0,
    });
    // kmap-local serves only the 28 one-page gets (7 multi-page ones are too_large)
    expect(res['kmap-local']).toMatchObject({
      failed: 7,
      puts: 28,
      pagesPut: 28,
      invlpgs: 28,
      tlbInvlpg: 28,
      flushes: 0,
      tlbFull: 0,
    });
    for (const v of ['rfc-v1', 'rfc-later', 'dev-snapshot', 'mermap-reuse', 'mermap-invpcid'])
      expect([v, res[v].invlpgs, res[v].tlbInvlpg]).toEqual([v, 0, 0]);
  });

  it('full flushes: rfc-v1 one per wrap; mermap-reuse fewer than rfc-later; mermap-invpcid none (context flushes instead)', () => {
    // rfc-v1: y4 fails (x4 at 14 holds the last normal page), x5 wraps to 0; p lands at 12..13
    // and pins the window: each of z1..z13 wraps to 14 (13 flushes); after p goes, z14 wraps to 0
    expect(res['rfc-v1']).toMatchObject({ failed: 1, wraps: 15, flushes: 15, tlbFull: 15 });
    expect(res['rfc-later']).toMatchObject({ failed: 1, wraps: 15, flushes: 15, tlbFull: 15 });
    // mermap-reuse: y4 reuses [0,14) below x4 (flush 1); p does not fit under that limit: flush 2,
    // p at 0; z0..z12 bump 2..14; z13 wraps to 2 above p (flush 3)
    expect(res['mermap-reuse']).toMatchObject({ failed: 0, wraps: 3, flushes: 3, tlbFull: 3 });
    expect(res['mermap-invpcid']).toMatchObject({ failed: 1, wraps: 15, flushes: 15, tlbFull: 0, tlbInvpcid: 15 });
    // vmap-block: 3 purges, each of the whole 16-page region (<= 33: 16 INVLPGs, no full flush)
    expect(res['vmap-block']).toMatchObject({ failed: 0, flushes: 3, invlpgs: 48, tlbInvlpg: 48, tlbFull: 0 });
  });

  it('the checker finds nothing under any of them', () => {
    for (const v of POLICIES) expect([v, res[v].violations]).toEqual([v, 0]);
  });
});
