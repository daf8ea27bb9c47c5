import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/core/machine.js';
import { cpuBaseVpn } from '../../src/core/paging/geometry.js';
import { PROT_KERNEL_NOGLOBAL } from '../../src/core/paging/pte.js';
import { RegionTracer, renderAllocatorRegion, ST_FREE, ST_LIVE, ST_PENDING } from '../../src/core/region-text.js';
import { FLUSH_ALL, FLUSH_INVLPG, FLUSH_INVPCID_SINGLE } from '../../src/core/tlb/tlb.js';

/** A tracer of (mm 0, CPU 1) on a machine of 2 CPUs, R = 8, fed events by hand. */
function tracer() {
  const m = new Machine({ possibleCpus: 2, regionPages: 8, variant: 'rfc-v1', tlb: 'tiny' });
  const t = new RegionTracer(m, 0, 1);
  return { m, t, base: cpuBaseVpn(m.geometry, 1) };
}

describe('RegionTracer', () => {
  it('draws live allocations A..A, pending ones T..T, free _ and the reserve page after |', () => {
    const { t, base } = tracer();
    t.onGet(1, 0, 0, 7, base, 3);
    expect(t.render()).toBe('AaA____|_');
    t.onPut(1, 0, 0, 7);
    t.onGet(1, 0, 0, 8, base + 3, 1);
    t.onGet(1, 0, 0, 9, base + 7, 1);
    expect(t.render()).toBe('TtTA___|A');
    expect(Array.from(t.pageStates())).toEqual([2, 2, 2, 1, 0, 0, 0, 1]);
    expect([ST_FREE, ST_LIVE, ST_PENDING]).toEqual([0, 1, 2]);
    expect(t.render({ reserveSplit: false })).toBe('TtTA___A');
  });

  it('ignores events of other CPUs and mms', () => {
    const { t, base } = tracer();
    t.onGet(0, 0, 0, 1, base, 2);
    t.onGet(1, 1, 0, 2, base, 2);
    t.onFlush(0, FLUSH_ALL, 0, -1);
    expect(t.render()).toBe('_______|_');
  });

  it('a pending range is free once INVLPG covered each page, or at once on a full or context flush', () => {
    const { t, base } = tracer();
    t.onGet(1, 0, 0, 1, base, 2);
    t.onGet(1, 0, 0, 2, base + 2, 2);
    t.onPut(1, 0, 0, 1);
    t.onPut(1, 0, 0, 2);
    t.onFlush(1, FLUSH_INVLPG, 1, base);
    expect(t.render()).toBe('TTTT___|_');
    t.onFlush(1, FLUSH_INVLPG, 1, base + 1);
    expect(t.render()).toBe('__TT___|_');
    t.onFlush(1, FLUSH_INVPCID_SINGLE, 0, -1);
    expect(t.render()).toBe('_______|_');
  });

  it('an allocation past the region end is listed by outside() and clipped in the drawing', () => {
    const { t, base } = tracer();
    t.onGet(1, 0, 0, 1, base + 6, 4);
    expect(t.render()).toBe('______A|a');
    expect(t.outside()).toEqual(['live allocation at offset 6, 4 pages: outside the 8-page region']);
    t.onPut(1, 0, 0, 1);
    expect(t.outside()).toEqual(['pending allocation at offset 6, 4 pages: outside the 8-page region']);
  });

  it('scales (worst page per character) and folds with offsets', () => {
    const m = new Machine({ possibleCpus: 1, regionPages: 17, variant: 'rfc-v1', tlb: 'tiny' });
    const t = new RegionTracer(m, 0, 0);
    const base = cpuBaseVpn(m.geometry, 0);
    t.onGet(0, 0, 0, 1, base + 1, 2);
    t.onPut(0, 0, 0, 1);
    t.onGet(0, 0, 0, 2, base + 5, 1);
    expect(t.render({ scale: 4 }).split('\n')).toEqual([
      '(1 character = 4 pages; A: some page allocated, T: some page flush-pending, _: all free)',
      'TA__|_',
    ]);
    expect(t.render({ width: 8 }).split('\n')).toEqual([
      '(folded at 8 characters; each line starts with its first page offset)',
      '    0: _TT__A__',
      '    8: ________',
      '   16: |_',
    ]);
  });
});

describe('renderAllocatorRegion', () => {
  it('draws from the allocator alone: live A..A, the pending span below next_addr T..T, free above', () => {
    const m = new Machine({ possibleCpus: 1, regionPages: 16, variant: 'rfc-v1', tlb: 'tiny' });
    const mm = m.createMm();
    const task = m.createTask(mm, 0);
    const a = m.mermapGet(task, 4, 0x10, PROT_KERNEL_NOGLOBAL);
    m.mermapPut(task, a);
    m.mermapGet(task, 9, 0x20, PROT_KERNEL_NOGLOBAL);
    m.mermapGet(task, 1, 0x30, PROT_KERNEL_NOGLOBAL, true);
    // rfc-v1's reserved get takes next_addr while there is room (the top page is its fallback)
    expect(renderAllocatorRegion(m.allocator(mm), 0)).toBe('TttTAaaaaaaaAA_|_');
    expect(renderAllocatorRegion(m.allocator(mm), 0, { scale: 5 }).split('\n')[1]).toBe('AAA|_');
    expect(renderAllocatorRegion(m.allocator(mm), 0, { reserveSplit: false })).toBe('TttTAaaaaaaaAA__');
  });
});
