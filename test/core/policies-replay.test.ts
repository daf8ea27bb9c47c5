import { describe, expect, it } from 'vitest';
import { POLICY_NAMES } from '../../src/core/policies/index.js';
import { cli } from '../helpers/cli.js';
import { getSummary, replay } from './helpers.js';

/**
 * The replay contract under every policy: the Replayer (what `mermap-lab replay --variant`
 * runs) accepts each policy name, and the KUnit scripts give each policy's own answers.
 */
describe('replay with a policy', () => {
  it('test_basic_alloc: every policy maps the first get at the region base', () => {
    for (const v of POLICY_NAMES)
      expect([v, getSummary(replay('kunit-test-basic-alloc.jsonl', { variant: v }).results)]).toEqual([v, [[0, 0]]]);
  });

  it('test_tlb_flushed (512 one-page get/put pairs): who flushes when', () => {
    const expected: Record<string, { offsets: (i: number) => number; flushesAtEnd: number; invlpgs: number }> = {
      // flushed at every put: the same page every time, 512 INVLPGs, no full flush
      'flush-on-put': { offsets: () => 0, flushesAtEnd: 0, invlpgs: 512 },
      'kmap-local': { offsets: () => 0, flushesAtEnd: 0, invlpgs: 512 },
      // 4 blocks of 128 pages use all 512 pages once (no reserve page): no purge yet
      'vmap-block': { offsets: (i) => i, flushesAtEnd: 0, invlpgs: 0 },
      // the mermap: 511 normal pages, the 512th get wraps with one flush
      'mermap-reuse': { offsets: (i) => (i < 511 ? i : 0), flushesAtEnd: 1, invlpgs: 0 },
      'mermap-invpcid': { offsets: (i) => (i < 511 ? i : 0), flushesAtEnd: 1, invlpgs: 0 },
    };
    for (const v of POLICY_NAMES) {
      const { results, replayer } = replay('kunit-test-tlb-flushed.jsonl', { variant: v });
      const e = expected[v];
      const gets = getSummary(results);
      expect(gets).toHaveLength(512);
      expect([v, gets.map(([o]) => o)]).toEqual([v, gets.map((_, i) => e.offsets(i))]);
      expect([v, results.at(-1)!.flushes, replayer.machine.allocator(0).invlpgs[0]]).toEqual([
        v,
        e.flushesAtEnd,
        e.invlpgs,
      ]);
    }
  });

  it('kmap-local: a put out of LIFO order is reported (ok false, not_lifo) and the tag stays live', () => {
    const { results, replayer } = replay('policy-kmap-lifo.jsonl', { variant: 'kmap-local' });
    expect(results).toEqual([
      { i: 0, ok: true, offset: 0, reason: null, flushes: 0, violations: [] },
      { i: 1, ok: true, offset: 1, reason: null, flushes: 0, violations: [] },
      { i: 2, ok: false, reason: 'not_lifo', flushes: 0, violations: [] },
      { i: 3, ok: true, flushes: 0, violations: [] },
      { i: 4, ok: true, flushes: 0, violations: [] },
      { i: 5, ok: false, offset: null, reason: 'too_large', flushes: 0, violations: [] },
      { i: 6, ok: true, offset: 0, reason: null, flushes: 0, violations: [] },
      { i: 7, ok: true, flushes: 0, violations: [] },
    ]);
    expect(replayer.liveTags()).toEqual([]);
    expect(replayer.machine.allocator(0).invlpgs[0]).toBe(3);
  });

  it('the kernel versions take puts in any order: under rfc-later the first "put a" succeeds, so the second is an error', () => {
    expect(() => replay('policy-kmap-lifo.jsonl', { variant: 'rfc-later' })).toThrow(
      'put of tag "a", which is not live',
    );
  });
});

describe('mermap-lab replay --variant <policy>', () => {
  it('flush-on-put: the seed diagram script, one JSON line per op', () => {
    const r = cli([
      'replay',
      'test/fixtures/replay/seed-diagram.jsonl',
      '--variant',
      'flush-on-put',
      '--region-pages',
      '16',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { i: 0, ok: true, offset: 0, reason: null, flushes: 0, violations: [] },
      { i: 1, ok: true, flushes: 0, violations: [] },
      { i: 2, ok: true, offset: 0, reason: null, flushes: 0, violations: [] },
      { i: 3, ok: true, offset: 9, reason: null, flushes: 0, violations: [] },
      { i: 4, ok: true, flushes: 0, violations: [] },
      { i: 5, ok: true, offset: 0, reason: null, flushes: 0, violations: [] },
      { i: 6, ok: true, flushes: 0, violations: [] },
      { i: 7, ok: true, offset: 1, reason: null, flushes: 0, violations: [] },
    ]);
  });

  it('every policy name is a known --variant; kmap-local reports the refused put', () => {
    const r = cli(['replay', 'test/fixtures/replay/policy-kmap-lifo.jsonl', '--variant', 'kmap-local']);
    expect(r.status).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((x) => x.reason ?? x.offset ?? x.ok),
    ).toEqual([0, 1, 'not_lifo', true, true, 'too_large', 0, true]);
    const bad = cli(['replay', 'test/fixtures/replay/policy-kmap-lifo.jsonl', '--variant', 'nope']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      `mermap-lab: --variant nope is not known: one of rfc-v1, rfc-later, dev-snapshot, ${POLICY_NAMES.join(', ')}\n`,
    );
  });
});
