import { describe, expect, it } from 'vitest';
import { getSummary, replay } from './helpers.js';

/**
 * The kernel's own KUnit cases (mm/tests/mermap_kunit.c, facts sheet §7) as replay scripts,
 * with R = 512 pages and every offset and flush count exact.
 */
const KERNEL_VARIANTS = ['rfc-v1', 'rfc-later', 'dev-snapshot'] as const;

describe('test_basic_alloc', () => {
  for (const v of KERNEL_VARIANTS) {
    it(`${v}: one normal(1) succeeds at the region base`, () => {
      const { results } = replay('kunit-test-basic-alloc.jsonl', { variant: v });
      expect(getSummary(results)).toEqual([[0, 0]]);
    });
  }
});

describe('test_size', () => {
  // normal(511) put; normal(512) NULL; normal(510) flushes and lands at base; normal(1) at 510;
  // normal(1) NULL; reserved() at 511 (the reserve page)
  const expected: Array<[number | string, number]> = [
    [0, 0],
    ['no_space', 0],
    [0, 1],
    [510, 1],
    ['no_space', 1],
    [511, 1],
  ];
  for (const v of KERNEL_VARIANTS) {
    it(`${v}: off-by-one checks around the 511-page normal limit`, () => {
      const { results } = replay('kunit-test-size.jsonl', { variant: v });
      expect(getSummary(results)).toEqual(expected);
    });
  }
  it('rfc-v1 takes the PTE lock with IRQs off on the reserved path (bug 8.2), rfc-later does not', () => {
    const v1 = replay('kunit-test-size.jsonl', { variant: 'rfc-v1', preemptRt: true }).results;
    expect(v1[6].violations.map((x) => x.kind)).toEqual(['lock_in_atomic']);
    expect(v1[7].violations.map((x) => x.kind)).toEqual(['lock_in_atomic']);
    const later = replay('kunit-test-size.jsonl', { variant: 'rfc-later', preemptRt: true }).results;
    expect(later.flatMap((r) => r.violations)).toEqual([]);
  });
  it('without PREEMPT_RT (the default) the PTE lock in atomic context is no finding', () => {
    const v1 = replay('kunit-test-size.jsonl', { variant: 'rfc-v1' });
    expect(v1.results.flatMap((r) => r.violations)).toEqual([]);
    // still counted per call site, for the summary of a PREEMPT_RT run
    expect(Array.from(v1.replayer.machine.checker.lockSiteEvents)).toEqual([0, 1, 0, 1]);
    expect(v1.replayer.machine.checker.countOf('lock_in_atomic')).toBe(0);
  });
  it('rfc-v1 peaks at 3 of its 4 shared slots, rfc-later at 2 normal slots + the reserve slot', () => {
    const v1 = replay('kunit-test-size.jsonl', { variant: 'rfc-v1' }).replayer;
    // after the reserved put: the 510-page and 1-page allocations are still live
    expect(
      v1.machine
        .allocator(0)
        .liveAllocations(0)
        .map((a) => [a.handle, a.offset, a.pages]),
    ).toEqual([
      [0, 0, 510],
      [1, 510, 1],
    ]);
  });
});

describe('test_multiple_allocs', () => {
  it('rfc-v1 (K0/V1k): four normal(1) at base, +1, +2, +3', () => {
    const { results } = replay('kunit-test-multiple-allocs-v1.jsonl', { variant: 'rfc-v1' });
    expect(getSummary(results)).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
  });
  it('rfc-later (VLk): the 4th normal(1) fails for lack of a slot, reserved() succeeds at +3', () => {
    const { results } = replay('kunit-test-multiple-allocs-later.jsonl', { variant: 'rfc-later' });
    expect(getSummary(results)).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      ['no_slot', 0],
      [3, 0],
    ]);
  });
  it('bug 8.1: under rfc-v1 the same script makes the "always succeeds" reserved get fail', () => {
    const { results } = replay('kunit-test-multiple-allocs-later.jsonl', { variant: 'rfc-v1' });
    expect(getSummary(results)).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
      ['no_slot', 0],
    ]);
  });
});

describe('test_tlb_flushed', () => {
  for (const v of KERNEL_VARIANTS) {
    it(`${v}: 512 one-page get/put pairs, no flush before the 512th get, which flushes once at offset 0`, () => {
      const { results } = replay('kunit-test-tlb-flushed.jsonl', { variant: v });
      const gets = getSummary(results);
      expect(gets).toHaveLength(512);
      for (let i = 0; i < 511; i++) expect(gets[i]).toEqual([i, 0]);
      expect(gets[511]).toEqual([0, 1]);
    });
  }
});
