import { describe, expect, it } from 'vitest';
import {
  halfWidth,
  interval,
  replicatesToSettle,
  studentTCdf,
  studentTQuantile,
  t95,
  welchDifference,
  upper,
} from '../../src/analysis/stats.js';

describe('Student t', () => {
  // two-sided 95 % critical values, from the standard t table
  it.each([
    [1, 12.7062],
    [2, 4.3027],
    [3, 3.1824],
    [5, 2.5706],
    [10, 2.2281],
    [30, 2.0423],
    [100, 1.984],
  ])('t(0.975, %i) = %f', (df, q) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(q, 3);
  });

  it('the CDF of df = 1 is the Cauchy CDF, 1/2 + atan(t)/pi', () => {
    for (const t of [-3, -0.5, 0, 1, 7]) expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
  });

  it('refuses a quantile it does not define', () => {
    expect(() => studentTQuantile(0.4, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.975, 0)).toThrow(RangeError);
  });
});

describe('interval', () => {
  it('of 1, 2, 3, 4: mean 2.5, sd sqrt(5/3), half width t(3) sd / 2', () => {
    const iv = interval([1, 2, 3, 4]);
    expect(iv.mean).toBe(2.5);
    expect(iv.n).toBe(4);
    expect(iv.sd).toBeCloseTo(1.2909944487, 9);
    // 3.18244630528 * 1.29099444874 / 2 = 2.05426025676
    expect(iv.ci95![0]).toBeCloseTo(0.44573974324, 8);
    expect(iv.ci95![1]).toBeCloseTo(4.55426025676, 8);
    expect(halfWidth(iv)).toBeCloseTo(2.05426025676, 8);
  });

  it("of the issue's two replicates (1.16 % and 0.82 %): the interval spans 0 to 3 %", () => {
    const iv = interval([0.0116, 0.0082]);
    expect(iv.mean).toBeCloseTo(0.0099, 12);
    // sd = 0.0034 / sqrt 2; half = 12.7062047 * 0.0034 / 2 = 0.02160055
    expect(halfWidth(iv)).toBeCloseTo(0.0216005481, 9);
    expect(upper(iv)).toBeCloseTo(0.0315005481, 9);
  });

  it('of constant values is a point; of one value there is none', () => {
    expect(interval([3, 3, 3])).toEqual({ mean: 3, sd: 0, n: 3, ci95: [3, 3] });
    expect(interval([3])).toEqual({ mean: 3, sd: null, n: 1, ci95: null });
    expect(upper(interval([3]))).toBe(Infinity);
    expect(() => interval([])).toThrow(RangeError);
    expect(() => interval([1, Number.NaN])).toThrow(RangeError);
  });
});

describe('welchDifference', () => {
  it('of equal spreads: df = 2n - 2, the pooled half width', () => {
    // se = sqrt(1/3 + 1/3); t(0.975, 4) = 2.7764451052: half = 2.2669579354
    const d = welchDifference([1, 2, 3], [4, 5, 6]);
    expect(d.diff).toBe(-3);
    expect(d.df).toBeCloseTo(4, 12);
    expect(d.ci95![0]).toBeCloseTo(-5.2669579354, 8);
    expect(d.ci95![1]).toBeCloseTo(-0.7330420646, 8);
  });

  it('of unequal spreads: Welch–Satterthwaite degrees of freedom', () => {
    // var/n: 4/3 and 1/3; df = (5/3)^2 / ((4/3)^2 / 2 + (1/3)^2 / 2) = 50/17;
    // t(0.975, 50/17) = 3.2187586145 (scipy), se = sqrt(5/3): half = 4.1553995032
    const d = welchDifference([10, 12, 14], [9, 10, 11]);
    expect(d.diff).toBe(2);
    expect(d.df).toBeCloseTo(50 / 17, 12);
    expect(d.ci95![0]).toBeCloseTo(-2.1553995032, 8);
    expect(d.ci95![1]).toBeCloseTo(6.1553995032, 8);
  });

  it('has no interval from a single value, and a point from constant values', () => {
    expect(welchDifference([5], [3, 4])).toEqual({ diff: 1.5, df: null, ci95: null });
    expect(welchDifference([5, 5], [3, 3])).toEqual({ diff: 2, df: null, ci95: [2, 2] });
  });
});

describe('replicatesToSettle', () => {
  it('finds the least n whose upper bound falls under the target', () => {
    // mean 0.009, sd 0.0005: n = 4 gives 0.009 + 3.182 * 0.0005 / 2 = 0.0097956 < 0.01,
    // n = 3 gives 0.009 + 4.303 * 0.0005 / sqrt 3 = 0.0102421, not under
    const iv = interval([0.009, 0.0095, 0.0085]);
    expect(iv.sd).toBeCloseTo(0.0005, 12);
    expect(0.009 + (t95(3) * 0.0005) / Math.sqrt(3)).toBeGreaterThan(0.01);
    expect(replicatesToSettle(iv, 0.01)).toBe(4);
  });

  it('is null when the mean is over the target, and n when already settled', () => {
    expect(replicatesToSettle(interval([0.02, 0.03]), 0.01)).toBeNull();
    expect(replicatesToSettle(interval([0.001, 0.001, 0.001]), 0.01)).toBe(3);
  });
});
