import { describe, expect, it } from 'vitest';
import { type Figure, figureRows, hostSlow, replicated, verdict } from '../../bench/targets.js';

// t(0.975, 2) = 4.302652729911275: three samples with sd 1 have a half-width of 2.484 around the mean
const fig = (f: Partial<Figure> & { samples?: number[] }): Figure => ({
  figure: 'f',
  unit: 'x',
  target: 10,
  ...(f.samples === undefined ? { value: 0 } : replicated(f.samples)),
  ...f,
});

describe('bench verdicts from replicates', () => {
  it('says yes or NO only when the 95 % interval lies on one side of a floor', () => {
    expect(verdict(fig({ samples: [20, 21, 22] }))).toBe('yes'); // 18.52 to 23.48
    expect(verdict(fig({ samples: [5, 6, 7] }))).toBe('NO'); // 3.52 to 8.48
    expect(verdict(fig({ samples: [10, 12, 14] }))).toBe('within noise'); // 7.03 to 16.97
    expect(verdict(fig({ samples: [12.49, 12.5, 12.51] }))).toBe('yes');
  });

  it('turns round for a ceiling (memory, the bench time)', () => {
    expect(verdict(fig({ samples: [1000, 1100, 1200], target: 1024, atMost: true }))).toBe('within noise');
    expect(verdict(fig({ samples: [100, 110, 120], target: 1024, atMost: true }))).toBe('yes');
    expect(verdict(fig({ samples: [2000, 2100, 2200], target: 1024, atMost: true }))).toBe('NO');
  });

  it('takes one measurement as it is, the target itself meeting it', () => {
    expect(verdict(fig({ value: 10 }))).toBe('yes');
    expect(verdict(fig({ value: 9.99 }))).toBe('NO');
    expect(verdict(fig({ value: 1024, target: 1024, atMost: true }))).toBe('yes');
    expect(verdict(fig({ value: 1025, target: 1024, atMost: true }))).toBe('NO');
  });

  it('decides a share-of-native target on the per-run ratios, not on the pairs per second', () => {
    const f = fig({ samples: [130e6, 131e6, 132e6], target: 1e12, ofNativeSamples: [0.3, 0.31, 0.32] });
    expect(verdict({ ...f, ofNativeTarget: 0.25 })).toBe('yes');
    expect(verdict({ ...f, ofNativeTarget: 0.31 })).toBe('within noise');
    expect(verdict({ ...f, ofNativeTarget: 0.4 })).toBe('NO');
  });

  it('prints the mean, the interval and n beside the verdict', () => {
    const [row] = figureRows([fig({ samples: [10, 12, 14] })]);
    expect(row).toEqual({
      figure: 'f',
      measured: '12.00x',
      '95 % interval': '7.03x to 16.97x',
      n: '3',
      target: '>= 10.00x',
      native: '',
      'of native': '',
      met: 'within noise',
    });
    const [once] = figureRows([fig({ value: 2.5e6, unit: 'events/s', target: 6e6 })]);
    expect([once!.measured, once!['95 % interval'], once!.n, once!.met]).toEqual(['2.50 M events/s', '', '1', 'NO']);
    // the largest of 3 runs: no interval, n the runs, the verdict on the figure itself
    const [most] = figureRows([fig({ value: 16 * 1024, unit: 'bytes', target: 1 << 20, atMost: true, runs: 3 })]);
    expect([most!.measured, most!['95 % interval'], most!.n, most!.met]).toEqual(['16.0 KiB', '', '3', 'yes']);
  });

  it('does not judge a host-bound figure it does not meet on a slow host', () => {
    // a slow host: the native model under 90 % of its 433 M on a quiet machine
    expect([hostSlow(null), hostSlow(433e6), hostSlow(389.8e6), hostSlow(389.6e6), hostSlow(190e6)]).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
    const speed = (samples: number[], atMost = false) => fig({ samples, hostBound: true, atMost, target: 10 });
    expect(verdict(speed([5, 6, 7]), true)).toBe('slow host'); // NO on a quiet host
    expect(verdict(speed([10, 12, 14]), true)).toBe('slow host'); // within noise on a quiet host
    expect(verdict(speed([20, 21, 22]), true)).toBe('yes'); // met even on a slow host: met
    expect(verdict(speed([20, 21, 22], true), true)).toBe('slow host'); // a time over its ceiling
    expect(verdict(speed([5, 6, 7]), false)).toBe('NO');
    // a share of native or a memory figure is judged whatever the host
    expect(verdict(fig({ samples: [5, 6, 7] }), true)).toBe('NO');
    const [row] = figureRows([speed([5, 6, 7])], true);
    expect(row!.met).toBe('slow host');
  });
});
