/**
 * `npm run bench:baseline`'s options and its report: the allocator alone, this tree against the
 * project as issue 19 measured it (commit ISSUE_BASELINE), in the same loop and the same V8
 * flags, the two builds timed in turn. Pure functions; bench/baseline.ts does the work.
 */
import { parseArgs } from 'node:util';
import { type Difference, interval, welchDifference } from '../src/analysis/stats.js';
import { InputError } from '../src/util/input-error.js';

/** The commit issue 19 ("Speed") was filed on: its "now" column is that code's (targets.ts). */
export const ISSUE_BASELINE = '6f7d2a5943e12c58694a273a1e427af4cf281330';

export interface BaselineOptions {
  /** timed runs of each build, taken in turn */
  runs: number;
  /** get/put pairs a run */
  pairs: number;
  /** a checkout of ISSUE_BASELINE already built (its dist/): no worktree, no npm ci */
  baselineDir: string | null;
  /** leave the worktree built here in place (its path is printed) */
  keep: boolean;
}

const RUNS = { min: 3, max: 20, default: 5 }; // 2 runs: a t of 12.7, an interval too wide to judge
const PAIRS = { min: 1e6, max: 1e9, default: 1e8 };

function wholeIn(name: string, raw: string | undefined, r: { min: number; max: number; default: number }): number {
  if (raw === undefined) return r.default;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < r.min || v > r.max)
    throw new InputError(`bench:baseline: --${name} must be a whole number from ${r.min} to ${r.max}, got '${raw}'`, {
      field: `--${name}`,
    });
  return v;
}

/** The options from the command line (bad ones: an InputError naming the option and its range). */
export function parseBaselineArgs(args: readonly string[]): BaselineOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        runs: { type: 'string' },
        pairs: { type: 'string' },
        'baseline-dir': { type: 'string' },
        keep: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new InputError(
      `bench:baseline: ${(e as Error).message.split('\n')[0]} (options: --runs N, --pairs N, --baseline-dir DIR, --keep)`,
    );
  }
  const dir = values['baseline-dir'];
  return {
    runs: wholeIn('runs', values.runs as string | undefined, RUNS),
    pairs: wholeIn('pairs', values.pairs as string | undefined, PAIRS),
    baselineDir: typeof dir === 'string' && dir !== '' ? dir : null,
    keep: values.keep === true,
  };
}

export type BaselineVerdict = 'regression' | 'no regression' | 'faster';

/** From this tree's minus the baseline's pairs per second: only an interval wholly below 0 is a regression. */
export function baselineVerdict(d: Difference): BaselineVerdict {
  if (d.ci95 === null) return d.diff < 0 ? 'regression' : 'no regression';
  if (d.ci95[1] < 0) return 'regression';
  if (d.ci95[0] > 0) return 'faster';
  return 'no regression';
}

const m = (v: number) => (v / 1e6).toFixed(1);

function line(label: string, samples: readonly number[]): string {
  const iv = interval(samples);
  const ci = iv.ci95 === null ? 'no interval' : `${m(iv.ci95[0])}-${m(iv.ci95[1])}`;
  return `  ${label.padEnd(22)} ${m(iv.mean).padStart(6)} M pairs/s (${ci}, n = ${iv.n})`;
}

/** The report: each build's mean with its 95 % interval and n, their difference, the verdict. */
export function baselineReport(current: readonly number[], baseline: readonly number[], pairs: number): string {
  const d = welchDifference(current, baseline);
  const base = interval(baseline).mean;
  const ci = d.ci95 === null ? 'no interval' : `${m(d.ci95[0])} to ${m(d.ci95[1])}`;
  const pct = ((100 * d.diff) / base).toFixed(1);
  const v = baselineVerdict(d);
  const why =
    v === 'regression'
      ? 'the 95 % interval of the difference lies below 0'
      : v === 'faster'
        ? 'the 95 % interval of the difference lies above 0'
        : 'the 95 % interval of the difference holds 0';
  return [
    `allocator alone, tight 1-page get/put loop, ${pairs.toExponential(0)} pairs a run, the CLI's V8 flags, runs in turn:`,
    line('this tree', current),
    line(`${ISSUE_BASELINE.slice(0, 7)} (issue 19)`, baseline),
    `  ${'difference'.padEnd(22)} ${m(d.diff).padStart(6)} M pairs/s (${ci}), ${pct} %`,
    `verdict: ${v} (${why})`,
  ].join('\n');
}
