/**
 * `npm run bench:compare`'s options and its report: this tree against another commit, the two
 * builds timed in turn, pair after pair. Pure functions; bench/compare.ts does the work.
 *
 * On a busy machine one build's figures move by a third from minute to minute, but two builds
 * timed in the same minute move together: the ratio of each pair's figures (this tree over the
 * other) is what the comparison reports, as the geometric mean of the pairs' ratios with its
 * 95 % interval (Student's t on the ratios' logarithms). Against QUIET_REFERENCE, the last build
 * timed on a quiet machine, it also estimates this tree's figures there: the reference's quiet
 * figure times the ratio, interval and all. That is an estimate, not a measurement: it assumes
 * the busy machine slows both builds alike.
 */
import { parseArgs } from 'node:util';
import { interval } from '../src/analysis/stats.js';
import { InputError } from '../src/util/input-error.js';
import { QUIET_REFERENCE, TARGETS } from './targets.js';

const TOOL = 'bench:compare';

export interface CompareOptions {
  /** the commit to time this tree against (anything git rev-parse takes) */
  ref: string;
  /** pairs of runs: each runs both builds, in turn, the first build alternating */
  pairs: number;
  /** a checkout of ref already built (its .build/): no worktree, no npm ci */
  refDir: string | null;
  /** leave the worktree built here in place (its path is printed) */
  keep: boolean;
}

const PAIRS = { min: 3, max: 20, default: 5 }; // 2 pairs: a t of 12.7, an interval too wide to judge

/** The options from the command line (bad ones: an InputError naming the option and what it takes). */
export function parseCompareArgs(args: readonly string[]): CompareOptions {
  const options = '(REF [--pairs N] [--ref-dir DIR] [--keep])';
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...args],
      options: { pairs: { type: 'string' }, 'ref-dir': { type: 'string' }, keep: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    }));
  } catch (e) {
    throw new InputError(`${TOOL}: ${(e as Error).message.split('\n')[0]} ${options}`);
  }
  if (positionals.length !== 1 || positionals[0] === '')
    throw new InputError(
      `${TOOL}: give one commit to compare with, e.g. ${QUIET_REFERENCE.commit.slice(0, 7)} ${options}`,
    );
  const raw = values.pairs as string | undefined;
  const pairs = raw === undefined ? PAIRS.default : Number(raw);
  if (!Number.isSafeInteger(pairs) || pairs < PAIRS.min || pairs > PAIRS.max)
    throw new InputError(`${TOOL}: --pairs must be a whole number from ${PAIRS.min} to ${PAIRS.max}, got '${raw}'`, {
      field: '--pairs',
    });
  const dir = values['ref-dir'];
  return {
    ref: positionals[0]!,
    pairs,
    refDir: typeof dir === 'string' && dir !== '' ? dir : null,
    keep: values.keep === true,
  };
}

/** A figure both builds give in each pair; `target` names its entry in TARGETS and QUIET_REFERENCE, if any. */
interface FigureSpec {
  name: string;
  unit: 'M pairs/s' | 'M events/s' | 'x';
  target?: keyof typeof QUIET_REFERENCE.figures;
}

export const COMPARED_FIGURES = {
  tightMachine: { name: 'full machine, tight', unit: 'M pairs/s', target: 'machineTightPairsPerSecond' },
  windowMachine: { name: 'full machine, window', unit: 'M pairs/s', target: 'machineWindowPairsPerSecond' },
  tightAllocator: { name: 'allocator alone, tight', unit: 'M pairs/s' },
  windowAllocator: { name: 'allocator alone, window', unit: 'M pairs/s' },
  sweepSpeedup: { name: 'sweep of real runs, 1 -> 2 workers', unit: 'x', target: 'sweepSpeedup' },
  defaultSweep: { name: "default sweep's shard", unit: 'M events/s', target: 'defaultSweepEventsPerSecond' },
} as const satisfies Record<string, FigureSpec>;

export type ComparedFigure = keyof typeof COMPARED_FIGURES;

/** One pair's figures of each build. */
export type PairFigures = Record<ComparedFigure, number>;

function show(v: number, unit: FigureSpec['unit']): string {
  return unit === 'x' ? `${v.toFixed(2)}x` : `${(v / 1e6).toFixed(2)} M`;
}

/** [lo, hi] of the 95 % interval, or the mean twice when there is no spread to go on (n < 2). */
function bounds(values: readonly number[]): { mean: number; lo: number; hi: number } {
  const iv = interval(values);
  const [lo, hi] = iv.ci95 ?? [iv.mean, iv.mean];
  return { mean: iv.mean, lo, hi };
}

/** The pairs' ratios this / ref: geometric mean and 95 % interval. */
export function pairedRatio(
  mine: readonly number[],
  ref: readonly number[],
): { ratio: number; lo: number; hi: number } {
  const logs = mine.map((v, i) => Math.log(v / ref[i]!));
  const b = bounds(logs);
  return { ratio: Math.exp(b.mean), lo: Math.exp(b.lo), hi: Math.exp(b.hi) };
}

/** 'faster' or 'slower' when the ratio's interval lies on one side of 1, else 'within noise'. */
export function ratioVerdict(r: { lo: number; hi: number }): 'faster' | 'slower' | 'within noise' {
  return r.lo > 1 ? 'faster' : r.hi < 1 ? 'slower' : 'within noise';
}

/** An estimate against a floor: 'met' or 'not met' when its interval lies on one side, else 'within noise'. */
function estimateVerdict(lo: number, hi: number, target: number): string {
  return lo >= target ? 'met' : hi < target ? 'not met' : 'within noise';
}

/** The figure's name, with its unit where the values do not carry it: "full machine, tight (M pairs/s)". */
function label(spec: FigureSpec): string {
  return spec.unit === 'x' ? spec.name : `${spec.name} (${spec.unit})`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => `  ${r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}`.trimEnd());
}

/**
 * The report: per figure, each build's mean with its 95 % interval, the paired ratio with its
 * interval and verdict; against QUIET_REFERENCE, the estimate on the quiet machine and whether
 * it meets issue 19's target.
 */
export function compareReport(refCommit: string, mine: readonly PairFigures[], ref: readonly PairFigures[]): string {
  const short = refCommit.slice(0, 7);
  const n = mine.length;
  const out = [
    `this tree against ${short}: ${n} pairs, each timing both builds in turn (the first alternating); mean (95 % interval), n = ${n}`,
  ];
  const rows = [['figure', 'this tree', short, `this / ${short}`, '']];
  const ratios = new Map<ComparedFigure, { ratio: number; lo: number; hi: number }>();
  for (const key of Object.keys(COMPARED_FIGURES) as ComparedFigure[]) {
    const spec: FigureSpec = COMPARED_FIGURES[key];
    const a = mine.map((p) => p[key]);
    const b = ref.map((p) => p[key]);
    const cell = (v: readonly number[]) => {
      const x = bounds(v);
      return `${show(x.mean, spec.unit)} (${show(x.lo, spec.unit)} to ${show(x.hi, spec.unit)})`;
    };
    const r = pairedRatio(a, b);
    ratios.set(key, r);
    rows.push([
      label(spec),
      cell(a),
      cell(b),
      `${r.ratio.toFixed(3)} (${r.lo.toFixed(3)} to ${r.hi.toFixed(3)})`,
      ratioVerdict(r),
    ]);
  }
  out.push(...table(rows));
  if (refCommit !== QUIET_REFERENCE.commit) return out.join('\n');
  out.push(
    `on a quiet machine, estimated: ${short}'s figures there (bench/targets.ts, QUIET_REFERENCE) times this / ${short};`,
    'an estimate, not a measurement (it assumes this machine slows both builds alike):',
  );
  const est = [['figure', `${short} quiet`, 'this tree, estimated', 'target', '']];
  for (const key of Object.keys(COMPARED_FIGURES) as ComparedFigure[]) {
    const spec: FigureSpec = COMPARED_FIGURES[key];
    if (spec.target === undefined) continue;
    const quiet = QUIET_REFERENCE.figures[spec.target];
    const target = TARGETS[spec.target];
    const r = ratios.get(key)!;
    const [e, lo, hi] = [quiet * r.ratio, quiet * r.lo, quiet * r.hi];
    est.push([
      label(spec),
      show(quiet, spec.unit),
      `${show(e, spec.unit)} (${show(lo, spec.unit)} to ${show(hi, spec.unit)})`,
      `>= ${show(target, spec.unit)}`,
      `${estimateVerdict(lo, hi, target)} (estimate)`,
    ]);
  }
  out.push(...table(est));
  return out.join('\n');
}
