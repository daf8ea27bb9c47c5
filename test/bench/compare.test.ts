/**
 * bench:compare's options, statistics and report (bench/compare-report.ts), and its sweeps' child
 * (bench/compare-child.ts) on stand-in modules: CI never runs the comparison itself (it builds
 * another commit and times both for minutes).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchChild } from './bench-child.js';
import {
  compareReport,
  type PairFigures,
  pairedRatio,
  parseCompareArgs,
  ratioVerdict,
} from '../../bench/compare-report.js';
import { QUIET_REFERENCE } from '../../bench/targets.js';
import { inputErrorMessage } from '../helpers/input-error.js';

describe('bench:compare options', () => {
  it('takes one commit, and 5 pairs by default', () => {
    expect(parseCompareArgs(['a53fcf3'])).toEqual({ ref: 'a53fcf3', pairs: 5, refDir: null, keep: false });
    expect(parseCompareArgs(['HEAD~3', '--pairs', '8', '--ref-dir', 'b', '--keep'])).toEqual({
      ref: 'HEAD~3',
      pairs: 8,
      refDir: 'b',
      keep: true,
    });
  });

  it('refuses what it cannot use, naming the option and what it takes', () => {
    const refused = (args: string[]) => inputErrorMessage(() => parseCompareArgs(args));
    const usage = '(REF [--pairs N] [--ref-dir DIR] [--keep])';
    expect(refused([])).toBe(`bench:compare: give one commit to compare with, e.g. a53fcf3 ${usage}`);
    expect(refused(['a', 'b'])).toBe(`bench:compare: give one commit to compare with, e.g. a53fcf3 ${usage}`);
    expect(refused(['a', '--pairs', '2'])).toBe("bench:compare: --pairs must be a whole number from 3 to 20, got '2'");
    expect(refused(['a', '--pairs=21'])).toBe("bench:compare: --pairs must be a whole number from 3 to 20, got '21'");
    expect(refused(['a', '--pairs', '4.5'])).toBe(
      "bench:compare: --pairs must be a whole number from 3 to 20, got '4.5'",
    );
    expect(refused(['a', '--fast'])).toMatch(/^bench:compare: Unknown option '--fast'.* \(REF \[--pairs N\]/);
  });
});

describe('bench:compare statistics', () => {
  it("is the geometric mean of the pairs' ratios, with Student's t on their logarithms", () => {
    // ratios 2 and 4: logs ln 2 and 2 ln 2, mean 1.5 ln 2 (2^1.5), sd ln 2 / sqrt 2, t(0.975, 1) =
    // 12.7062: the half-width 12.7062 x (ln 2 / sqrt 2) / sqrt 2 = 4.4036 in logs
    const r = pairedRatio([2, 8], [1, 2]);
    expect(r.ratio).toBeCloseTo(2 ** 1.5, 12);
    expect(Math.log(r.lo)).toBeCloseTo(1.5 * Math.LN2 - (12.706204736174705 * Math.LN2) / 2, 9);
    expect(Math.log(r.hi)).toBeCloseTo(1.5 * Math.LN2 + (12.706204736174705 * Math.LN2) / 2, 9);
    expect(pairedRatio([3, 3, 3], [2, 2, 2])).toEqual({ ratio: 1.5, lo: 1.5, hi: 1.5 });
  });

  it("calls a build faster or slower only when the ratio's interval lies on one side of 1", () => {
    expect(ratioVerdict({ lo: 1.01, hi: 1.2 })).toBe('faster');
    expect(ratioVerdict({ lo: 0.8, hi: 0.99 })).toBe('slower');
    expect(ratioVerdict({ lo: 0.9, hi: 1.1 })).toBe('within noise');
    expect(ratioVerdict({ lo: 1, hi: 1 })).toBe('within noise');
  });
});

const pair = (t: number, w: number, ta: number, wa: number, s: number, d: number): PairFigures => ({
  tightMachine: t,
  windowMachine: w,
  tightAllocator: ta,
  windowAllocator: wa,
  sweepSpeedup: s,
  defaultSweep: d,
});
const MINE = [
  pair(12e6, 6e6, 100e6, 40e6, 1.8, 3.3e6),
  pair(10e6, 5e6, 80e6, 32e6, 1.6, 2.64e6),
  pair(11e6, 5.5e6, 90e6, 36e6, 1.7, 2.97e6),
];
const REF = [
  pair(10e6, 6e6, 100e6, 40e6, 1.8, 2.75e6),
  pair(10e6, 5e6, 80e6, 32e6, 1.7, 2.2e6),
  pair(10e6, 5.5e6, 90e6, 36e6, 1.7, 2.475e6),
];

describe('bench:compare report', () => {
  // tight: ratios 1.2, 1.0, 1.1, geometric mean 1.0970, so 18.67 M x 1.0970 = 20.48 M on the quiet
  // machine; the default sweep's shard: 1.2 in every pair, 4.63 M x 1.2 = 5.56 M, under 6 M
  const figures = [
    '  figure                               this tree                      REF____                        this / REF____',
    '  full machine, tight (M pairs/s)      11.00 M (8.52 M to 13.48 M)    10.00 M (10.00 M to 10.00 M)   1.097 (0.875 to 1.376)  within noise',
    '  full machine, window (M pairs/s)     5.50 M (4.26 M to 6.74 M)      5.50 M (4.26 M to 6.74 M)      1.000 (1.000 to 1.000)  within noise',
    '  allocator alone, tight (M pairs/s)   90.00 M (65.16 M to 114.84 M)  90.00 M (65.16 M to 114.84 M)  1.000 (1.000 to 1.000)  within noise',
    '  allocator alone, window (M pairs/s)  36.00 M (26.06 M to 45.94 M)   36.00 M (26.06 M to 45.94 M)   1.000 (1.000 to 1.000)  within noise',
    '  sweep of real runs, 1 -> 2 workers   1.70x (1.45x to 1.95x)         1.73x (1.59x to 1.88x)         0.980 (0.898 to 1.069)  within noise',
    "  default sweep's shard (M events/s)   2.97 M (2.15 M to 3.79 M)      2.48 M (1.79 M to 3.16 M)      1.200 (1.200 to 1.200)  faster",
  ];

  it('gives each build, the ratio and its verdict; against another commit, nothing more', () => {
    const other = '0123456789abcdef0123456789abcdef01234567';
    expect(compareReport(other, MINE, REF)).toBe(
      [
        'this tree against 0123456: 3 pairs, each timing both builds in turn (the first alternating); mean (95 % interval), n = 3',
        ...figures.map((l) => l.replaceAll('REF____', '0123456')),
      ].join('\n'),
    );
  });

  it('against the quiet reference, estimates the quiet figures and judges them as estimates', () => {
    expect(compareReport(QUIET_REFERENCE.commit, MINE, REF)).toBe(
      [
        'this tree against a53fcf3: 3 pairs, each timing both builds in turn (the first alternating); mean (95 % interval), n = 3',
        ...figures.map((l) => l.replaceAll('REF____', 'a53fcf3')),
        "on a quiet machine, estimated: a53fcf3's figures there (bench/targets.ts, QUIET_REFERENCE) times this / a53fcf3;",
        'an estimate, not a measurement (it assumes this machine slows both builds alike):',
        '  figure                              a53fcf3 quiet  this tree, estimated          target',
        '  full machine, tight (M pairs/s)     18.67 M        20.48 M (16.33 M to 25.69 M)  >= 20.00 M  within noise (estimate)',
        '  full machine, window (M pairs/s)    9.79 M         9.79 M (9.79 M to 9.79 M)     >= 8.00 M   met (estimate)',
        '  sweep of real runs, 1 -> 2 workers  1.72x          1.69x (1.55x to 1.84x)        >= 1.80x    within noise (estimate)',
        "  default sweep's shard (M events/s)  4.63 M         5.56 M (5.56 M to 5.56 M)     >= 6.00 M   not met (estimate)",
      ].join('\n'),
    );
  });
});

const dir = mkdtempSync(join(tmpdir(), 'mermap-lab-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const child = benchChild('compare-child');

describe("bench:compare's sweeps child", () => {
  // stand-ins for a build's bench/sweep.js and src/util/v8-inlining.js: the sweeps return what
  // they were asked (quick or not) and whether the V8 flags were widened before they ran
  const v8 = join(dir, 'v8.mjs');
  writeFileSync(v8, 'export function widenV8Inlining() { globalThis.widened = true; }\n');
  const sweep = join(dir, 'sweep.mjs');
  writeFileSync(
    sweep,
    'export async function benchSweepRealRuns(o) { return { speedup: 1.75, quick: o.quick, widened: globalThis.widened === true }; }\n' +
      'export async function benchDefaultSweep(o) { return { eventsPerSecond: 5e6, quick: o.quick }; }\n',
  );

  it("runs the build's two sweeps after its V8 flags, and prints what they return", () => {
    const real = { speedup: 1.75, quick: false, widened: true };
    expect(child(sweep, v8)).toEqual({
      status: 0,
      stdout: `${JSON.stringify({ real, dflt: { eventsPerSecond: 5e6, quick: false } })}\n`,
      stderr: '',
    });
    expect(JSON.parse(child(sweep, v8, 'quick').stdout)).toEqual({
      real: { ...real, quick: true },
      dflt: { eventsPerSecond: 5e6, quick: true },
    });
  });

  it('refuses a build without them, and a wrong call, with exit status 2', () => {
    expect(child(v8, v8)).toEqual({
      status: 2,
      stdout: '',
      stderr: `compare-child: ${v8} does not export benchSweepRealRuns(), benchDefaultSweep()\n`,
    });
    expect(child(sweep, join(dir, 'missing.mjs'))).toEqual({
      status: 2,
      stdout: '',
      stderr: `compare-child: ${join(dir, 'missing.mjs')} does not export widenV8Inlining()\n`,
    });
    const usage = { status: 2, stdout: '', stderr: 'usage: compare-child.js SWEEP_MODULE V8_MODULE [quick]\n' };
    expect(child(sweep)).toEqual(usage);
    expect(child(sweep, v8, 'fast')).toEqual(usage);
  });
});
