import { describe, expect, it } from 'vitest';
import { POINT_SET } from '../../src/analysis/columns/index.js';
import { pointRows } from '../../src/analysis/points.js';

describe('pointRows', () => {
  const run = (point: number, R: number, fb: number) => ({
    point,
    'mermap.regionPages': R,
    fastPathFailuresPerAllocation: fb,
    pageTablesBytesPerMm: 4096,
  });
  const rows = [run(0, 64, 0.01), run(1, 64, 0.02), run(2, 64, 0.03), run(3, 128, 0.005)];
  const points = pointRows(rows, ['mermap.regionPages'], (r) => Math.floor(Number(r.point) / 3));

  it('one row per point, in first-seen order, with n, mean, sd and the t interval', () => {
    expect(points).toHaveLength(2);
    const p = points[0]!;
    expect(p).toMatchObject({ combination: 0, n: 3, 'mermap.regionPages': 64 });
    expect(p.fastPathFailuresPerAllocationMean).toBeCloseTo(0.02, 15);
    expect(p.fastPathFailuresPerAllocationSd).toBeCloseTo(0.01, 15);
    // 0.02 ± 4.30265 · 0.01 / √3 = 0.02 ± 0.0248414
    expect(p.fastPathFailuresPerAllocationCi95Lo).toBeCloseTo(-0.0048414, 7);
    expect(p.fastPathFailuresPerAllocationCi95Hi).toBeCloseTo(0.0448414, 7);
    expect(p.pageTablesBytesPerMmSd).toBe(0);
  });

  it('n = 1 has a mean and no spread; a metric the rows lack is empty', () => {
    expect(points[1]).toMatchObject({
      combination: 1,
      n: 1,
      fastPathFailuresPerAllocationMean: 0.005,
      fastPathFailuresPerAllocationSd: null,
      fastPathFailuresPerAllocationCi95Hi: null,
      costOverheadFractionMean: null,
    });
  });

  it('the columns are the vocabulary of points.csv', () => {
    const names = Object.keys(points[0]!).filter((k) => k !== 'mermap.regionPages');
    expect(names).toEqual(POINT_SET.names);
  });
});
