import { describe, expect, it } from 'vitest';
import { baselineReport, baselineVerdict, parseBaselineArgs } from '../../bench/baseline-report.js';
import { inputErrorMessage } from '../helpers/input-error.js';

describe('bench:baseline options', () => {
  it('has defaults, and takes whole numbers in range', () => {
    expect(parseBaselineArgs([])).toEqual({ runs: 5, pairs: 1e8, baselineDir: null, keep: false });
    expect(parseBaselineArgs(['--runs', '7', '--pairs=2000000', '--baseline-dir', 'b', '--keep'])).toEqual({
      runs: 7,
      pairs: 2e6,
      baselineDir: 'b',
      keep: true,
    });
  });

  it('refuses what is out of range or unknown, naming the option and what it allows', () => {
    const refused = (args: string[]) => inputErrorMessage(() => parseBaselineArgs(args));
    expect(refused(['--runs', '2'])).toBe("bench:baseline: --runs must be a whole number from 3 to 20, got '2'");
    expect(refused(['--runs', '3.5'])).toBe("bench:baseline: --runs must be a whole number from 3 to 20, got '3.5'");
    expect(refused(['--pairs', '1e12'])).toBe(
      "bench:baseline: --pairs must be a whole number from 1000000 to 1000000000, got '1e12'",
    );
    expect(refused(['--fast'])).toMatch(
      /^bench:baseline: Unknown option '--fast'.* \(options: --runs N, --pairs N, --baseline-dir DIR, --keep\)$/,
    );
  });
});

describe('bench:baseline verdict and report', () => {
  it('is a regression only when the whole interval of the difference lies below 0', () => {
    expect(baselineVerdict({ diff: -3, df: 4, ci95: [-5.27, -0.73] })).toBe('regression');
    expect(baselineVerdict({ diff: -1, df: 4, ci95: [-3, 1] })).toBe('no regression');
    expect(baselineVerdict({ diff: 2, df: 4, ci95: [0.5, 3.5] })).toBe('faster');
    expect(baselineVerdict({ diff: -1, df: null, ci95: null })).toBe('regression');
    expect(baselineVerdict({ diff: 0, df: null, ci95: null })).toBe('no regression');
  });

  it('prints each build with its interval and n, the difference and the verdict', () => {
    // this tree 150, 152, 154 M (sd 2); the baseline 157, 158, 159 M (sd 1): difference -6 M,
    // Welch df 50/17, half width t(0.975, 50/17) * sqrt(4/3 + 1/3) = 4.155 M: -10.2 to -1.8
    const text = baselineReport([150e6, 152e6, 154e6], [157e6, 158e6, 159e6], 1e8);
    expect(text).toBe(
      [
        "allocator alone, tight 1-page get/put loop, 1e+8 pairs a run, the CLI's V8 flags, runs in turn:",
        '  this tree               152.0 M pairs/s (147.0-157.0, n = 3)',
        '  6f7d2a5 (issue 19)      158.0 M pairs/s (155.5-160.5, n = 3)',
        '  difference               -6.0 M pairs/s (-10.2 to -1.8), -3.8 %',
        'verdict: regression (the 95 % interval of the difference lies below 0)',
      ].join('\n'),
    );
  });
});
