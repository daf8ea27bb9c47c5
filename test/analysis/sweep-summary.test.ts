import { describe, expect, it } from 'vitest';
import { formatEstimate } from '../../src/analysis/recommend-format.js';
import type { RegionVerdict } from '../../src/analysis/recommend-verdict.js';
import { fitted, SUMMARY_WIDTH, summaryMarkdown, summaryText, wrap } from '../../src/analysis/sweep-summary.js';

const presets = { low: 512, 'molnar-2015': 512, 'hansen-2014': 2048, 'kernel-tlb-c': null, high: null };
const rec = (cpus: number, verdict: RegionVerdict['verdict'], n: number, mean: number): RegionVerdict => ({
  cpus,
  variant: 'rfc-later',
  regionPages: verdict === 'none' ? null : 2048,
  slots: verdict === 'none' ? null : 8,
  verdict,
  fallbackRate: verdict === 'none' ? null : { mean, ci95: [mean - 0.1056, mean + 0.1056], n },
  flushCostFraction: verdict === 'none' ? null : { mean, ci95: [mean - 0.1056, mean + 0.1056], n },
  pageTableBytesPerMm: 4_210_688,
  replicatesToSettle: verdict === 'within-noise' ? 2223 : null,
  reason:
    verdict === 'meets'
      ? 'under the targets'
      : 'the means are under the targets but fallback rate 0.99 % [-1.17 %, 3.15 %] reaches 1.00 %; about 2223 replicates would settle it',
  byCostModel: presets,
  byZeroingCycles: { 'x0.5': 1024, x2: null },
  byWorkload: null,
});

const input = {
  name: 'a-sweep-with-a-rather-long-name-for-the-title-line',
  grid: {
    'mermap.regionPages': [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072],
    'mermap.variant': ['rfc-v1', 'rfc-later'],
  },
  replicates: { min: 2, max: 6 },
  runs: 812,
  workload: 'unmapped-alloc',
  costModel: 'molnar-2015',
  targets: { maxFallbackRate: 0.01, maxFlushCostFraction: 0.01 },
  // the widest numbers a table can get: two-digit percents and n
  recs: [rec(256, 'meets', 12, 0.1234), rec(1024, 'within-noise', 2, 0.0099), rec(4096, 'none', 2, 0)],
  command:
    'mermap-lab sweep --preset default --ci-width 0.05 --max-replicates 12 --max-fallback 0.02 --max-flush-cost 0.005 --out out',
};

describe('summary.txt', () => {
  const text = summaryText(input);

  it('has no line over 80 columns, even with the widest numbers', () => {
    const lines = text.split('\n');
    expect(lines.filter((l) => l.length > SUMMARY_WIDTH)).toEqual([]);
    expect(Math.max(...lines.map((l) => l.length))).toBeGreaterThan(70);
  });

  it('prints every number as mean ± half interval (n), the verdicts and the command', () => {
    expect(text).toContain('12.34 ± 10.56 (12)');
    expect(text).toContain('within-noise');
    expect(text).toContain('What the recommended region depends on: the cost model preset moves it in 3 of 3');
    expect(text).toContain('  mermap-lab sweep --preset default --ci-width 0.05 --max-replicates 12');
    expect(text).toContain('2 to 6 replicates');
  });

  it('names the case needing the largest region only when it is the only one', () => {
    // one settled case (256 CPUs, 2048 pages): named; two settled at 2048: counted, not named
    expect(text.replace(/\s+/g, ' ')).toContain(
      'Largest region any case needs: 2048 pages (8 MiB) per CPU, in 1 of 1 settled cases (256 possible CPUs, rfc-later).',
    );
    const two = summaryText({ ...input, recs: [rec(1, 'meets', 4, 0.5), rec(4, 'meets', 4, 0.5)] });
    expect(two.replace(/\s+/g, ' ')).toContain(
      'Largest region any case needs: 2048 pages (8 MiB) per CPU, in 2 of 2 settled cases.',
    );
  });

  it('splits a table too wide for one space between columns, repeating its first columns', () => {
    // 3 lead columns of 4, 9 and 11 characters, then five of 20: 4+1+9+1+11 = 26, each more + 21
    const head = ['CPUs', 'variant', 'recommended', ...[1, 2, 3, 4, 5].map((i) => `scenario number ${i}...`)];
    const rows = [['4', 'rfc-later', '2048', '1024', '2048', '2048', '-', '4096']];
    const lines = fitted(head, rows, 3);
    expect(lines.filter((l) => l.length > SUMMARY_WIDTH)).toEqual([]);
    // 26 + 2 x 21 = 68 fits, a third makes 89: tables of 2, 2 and 1 scenarios
    expect(lines.filter((l) => l.startsWith('CPUs'))).toEqual([
      'CPUs variant   recommended scenario number 1... scenario number 2...',
      'CPUs variant   recommended scenario number 3... scenario number 4...',
      'CPUs variant   recommended scenario number 5...',
    ]);
    expect(lines.filter((l) => l.startsWith('4 '))).toEqual([
      '4    rfc-later 2048        1024                 2048',
      '4    rfc-later 2048        2048                 -',
      '4    rfc-later 2048        4096',
    ]);
    expect(lines.filter((l) => l === '')).toHaveLength(2);
    // what fits with two spaces keeps them
    expect(fitted(['a', 'b'], [['1', '2']])).toEqual(['a  b', '-  -', '1  2']);
  });

  it('wraps prose keeping the first line indent', () => {
    expect(wrap('  aaa bbb ccc', 9, '    ')).toEqual(['  aaa bbb', '    ccc']);
  });
});

describe('summary.md', () => {
  it('has the same content as Markdown tables', () => {
    const md = summaryMarkdown(input);
    expect(md).toContain('| CPUs | variant | pages | slots | fallback % | flush cost % | verdict |');
    expect(md).toContain('| 256 | rfc-later | 2048 | 8 | 12.34 ± 10.56 (12) | 12.34 ± 10.56 (12) | meets |');
    expect(md).toContain('| 256 | rfc-later | 512 | 512 | 2048 | - | - | 1024 | - |');
    expect(md).toContain('```sh\nmermap-lab sweep --preset default');
  });
});

describe('formatEstimate', () => {
  it('writes mean ± half the interval (n), or the mean and n without an interval', () => {
    expect(formatEstimate({ mean: 0.0099, ci95: [-0.0117, 0.0315], n: 2 })).toBe('0.99 ± 2.16 % (2)');
    expect(formatEstimate({ mean: 0.0099, ci95: null, n: 1 })).toBe('0.99 % (1)');
    expect(formatEstimate(null)).toBe('-');
  });
});
