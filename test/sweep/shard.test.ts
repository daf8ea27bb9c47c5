import { describe, expect, it } from 'vitest';
import { SweepError } from '../../src/sweep/errors.js';
import { formatShard, inShard, parseShard, selectShard } from '../../src/sweep/shard.js';

describe('parseShard', () => {
  it('reads 0-based i/N', () => {
    expect(parseShard('0/3')).toEqual({ index: 0, count: 3 });
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard(' 0/1 ')).toEqual({ index: 0, count: 1 });
    expect(formatShard({ index: 2, count: 3 })).toBe('2/3');
    expect(formatShard(null)).toBeNull();
  });

  it.each(['3/3', '1/0', '0/0', '-1/3', '1', '1/3/4', 'a/b', '01/3', '1.5/3', '', '1 / 3', '0/99999999999999999999'])(
    'rejects %j with exit status 2',
    (text) => {
      let error: unknown;
      try {
        parseShard(text);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(SweepError);
      expect((error as SweepError).message).toBe(
        `--shard: expected i/N with 0 <= i < N (0-based, e.g. 0/3), got '${text}'`,
      );
      expect((error as SweepError).exitCode).toBe(2);
    },
  );
});

describe('shard assignment', () => {
  it('deals points round-robin by index', () => {
    const items = Array.from({ length: 10 }, (_, index) => ({ index }));
    expect(selectShard(items, { index: 1, count: 3 }).map((p) => p.index)).toEqual([1, 4, 7]);
    expect(selectShard(items, null)).toHaveLength(10);
  });

  it('splits into disjoint parts whose union is every point', () => {
    for (const total of [0, 1, 7, 12, 100]) {
      for (const count of [1, 2, 3, 5, 13, 150]) {
        const owners = Array.from({ length: total }, (_, i) =>
          Array.from({ length: count }, (_, s) => s).filter((s) => inShard(i, { index: s, count })),
        );
        expect(owners.every((o) => o.length === 1)).toBe(true);
      }
    }
  });
});
