import { describe, expect, it } from 'vitest';
import { bucketOf, bucketValue, HIST_BUCKETS, HIST_EXACT, LogHistogram } from '../../src/analysis/metrics/histogram.js';

describe('LogHistogram', () => {
  it('is exact below 2048: nearest-rank quantiles of 1..100', () => {
    const h = new LogHistogram();
    for (let v = 1; v <= 100; v++) h.record(v);
    expect([h.count, h.mean(), h.min, h.max]).toEqual([100, 50.5, 1, 100]);
    expect(h.quantile(0.5)).toBe(50);
    expect(h.quantile(0.99)).toBe(99);
    expect(h.quantile(1)).toBe(100);
    expect(h.quantile(0)).toBe(1);
  });

  it('is within 0.8 % above 2048, 64 buckets per octave, up to 2^53', () => {
    for (const v of [2048, 2049, 3000, 4095, 4096, 1e6, 123_456_789, 2 ** 40 + 12345, 2 ** 52, 2 ** 53 - 1]) {
      const b = bucketOf(v);
      expect(b).toBeGreaterThanOrEqual(HIST_EXACT);
      expect(b).toBeLessThan(HIST_BUCKETS);
      expect(Math.abs(bucketValue(b) - v) / v).toBeLessThan(0.008);
    }
    // buckets are monotonic in the value
    let last = -1;
    for (let v = 2000; v < 70_000; v += 7) {
      const b = bucketOf(v);
      expect(b).toBeGreaterThanOrEqual(last);
      last = b;
    }
    expect(bucketOf(2047)).toBe(2047);
  });

  it('quantiles stay inside [min, max] and the mean is exact', () => {
    const h = new LogHistogram();
    for (let i = 0; i < 99; i++) h.record(10_000);
    h.record(1_000_000);
    expect(h.quantile(0.5)).toBeCloseTo(10_000, -2);
    expect(h.quantile(0.99)).toBeCloseTo(10_000, -2);
    expect(h.quantile(1)).toBe(1_000_000);
    expect(h.mean()).toBe((99 * 10_000 + 1_000_000) / 100);
    h.reset();
    expect([h.count, h.quantile(0.5), h.mean()]).toEqual([0, 0, 0]);
  });
});
