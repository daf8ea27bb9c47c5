/**
 * The speed targets of issue 19 ("Speed"), each written once, and the table of figures the bench
 * ends with: measured value, target, the native model's figure and the ratio where there is one,
 * and whether the target is met.
 *
 * The targets are for an idle 2-core machine; on a shared one the absolute figures come out low,
 * so the bench prints the load average next to them, and when the native model says the machine
 * is slow (hostSlow()) it does not judge the figures the machine moves.
 */
import { loadavg } from 'node:os';
import { interval } from '../src/analysis/stats.js';

export const TARGETS = {
  /** full Machine (page tables, TLB, checker), tight 1-page get/put loop, pairs per second */
  machineTightPairsPerSecond: 20e6,
  /** full Machine, FIFO window of 3 allocations of 1..8 pages, pairs per second */
  machineWindowPairsPerSecond: 8e6,
  /** the allocator alone against the native C model of the same loop */
  allocatorOfNative: 0.25,
  /** a sweep of real runs on 2 worker threads against 1 */
  sweepSpeedup: 1.8,
  /** the default sweep's points on 2 workers, events simulated per second of wall time */
  defaultSweepEventsPerSecond: 6e6,
  /** workload generation alone, slowest case, events per second */
  workloadEventsPerSecond: 10e6,
  /** heap growth over 10^8 pairs of the full Machine: memory stays flat (allowance for noise) */
  heapGrowthBytes: 1 << 20,
  /** the whole bench, seconds */
  benchSeconds: 180,
} as const;

/**
 * The native model of the tight loop (bench/native/tight.c, cc -O2) on a quiet machine of the
 * project's kind: the lowest it read in the sessions of November 2026 (433 to 466 M pairs/s, the
 * project's 2-core machine, Node's machine kind), measured. On the same kind of machine, shared
 * with other load, it has read as low as 165 M: everything then runs slower, the simulator too.
 */
export const QUIET_NATIVE_PAIRS_PER_SECOND = 433e6;

/**
 * A machine this much slower than quiet (the native model's mean under this share of
 * QUIET_NATIVE_PAIRS_PER_SECOND) cannot judge the host-bound figures (Figure.hostBound). On quiet
 * machines the model read 433 to 466 M, within 8 % of each other: a reading 10 % under the
 * lowest of them is the machine, not the variation between quiet ones.
 */
export const SLOW_HOST_SHARE = 0.9;

/** Whether the native model's figure (null: not run) says this machine is slow now. */
export function hostSlow(native: number | null): boolean {
  return native !== null && native < SLOW_HOST_SHARE * QUIET_NATIVE_PAIRS_PER_SECOND;
}

/**
 * The last build timed on a quiet machine, and its figures there: `npm run bench` on a fresh
 * clone of a53fcf3, the project's 2-core machine idle (the native model at 450 M pairs/s), n = 3
 * each, the whole bench in 150 s (November 2026), measured. `npm run bench:compare -- a53fcf3`
 * (compare.ts) times this tree and that commit in turn on a machine too busy to judge the
 * targets, and estimates this tree's figures on the quiet machine as these times the ratio.
 */
export const QUIET_REFERENCE = {
  commit: 'a53fcf384ba03fcc22c1a86db7915876228ee3e0',
  figures: {
    machineTightPairsPerSecond: 18.67e6,
    machineWindowPairsPerSecond: 9.79e6,
    sweepSpeedup: 1.72,
    defaultSweepEventsPerSecond: 4.63e6,
  },
} as const;

/*
 * Whether this machine is slower than the issue's: it is not. The targets are absolute figures,
 * and issue 19's "now" column was measured on the project as it was when the issue was filed,
 * commit 6f7d2a5, with that commit's own bench (V8's defaults). That code and bench, run again
 * on the project's 2-core machine (November 2026, two runs, the same figures both times; its
 * main job once):
 *
 *   figure (the code of 6f7d2a5)          in the issue       run again here
 *   full machine, tight                   7.4-7.6 M pairs/s  8.1 M
 *   full machine, window                  3.2-3.3 M pairs/s  3.7 M
 *   allocator alone, tight                142-151 M pairs/s  161-162 M
 *   main job's sweep, events/s overall    2.4 M events/s     2.72 M
 *   sweep of real runs, 1 -> 2 workers    1.57x-1.61x        1.50x-1.52x (its 32 points)
 *
 * The same code runs 7 to 16 % faster here than the issue says; its speed-up is a little lower.
 * The native model does not follow the simulator: the issue gives 623 M pairs/s for its native
 * loop (not in the repository; 6f7d2a5's bench says "about 430 M"), bench/native/tight.c runs
 * 433 to 459 M here. Until this was measured the bench scaled every throughput by 623 M over
 * the native figure, "at the issue machine's speed", and so showed the simulator 40 % faster
 * than measured: that column is gone, and the verdicts compare the measured figures with the
 * targets as they stand.
 *
 * Measured this way, "no regression" of the allocator alone had failed unseen: this bench's
 * loop and V8 flags, in a script, ran the allocator of 6f7d2a5 at 151 to 159 M pairs/s and this
 * project's at 132 to 138 M, until a get's first checks stopped returning a page number
 * (MermapCpuState.refusal()): 152 to 160 M since (four runs each, interleaved). A frozen copy of
 * that allocator inside the bench, to make the check automatic, ran the same loop at 172 to
 * 182 M where the 6f7d2a5 build runs 156 to 159 M: at about 6 ns a pair the loop's speed moves
 * with its code's shape (constants of its own module instead of imported ones, one file instead
 * of three), so the check is not a row of this bench but a command of its own that builds
 * 6f7d2a5 and times one loop on both builds in turn: `npm run bench:baseline` (baseline.ts).
 *
 * The old bench's own figures, as in the table above: its main job is `npm run build`, then
 * `node bin/mermap-lab.js sweep --preset default --out DIR` (it prints events/s overall), and
 *
 *   git worktree add --detach ../baseline 6f7d2a5 && cd ../baseline && npm ci &&
 *   npx tsc -p tsconfig.bench.json && node --expose-gc .build/bench/main.js
 */

export interface Figure {
  figure: string;
  /** the figure: the mean of `samples` when there are some */
  value: number;
  /** the replicates behind `value` (absent: one measurement) */
  samples?: readonly number[];
  /** the runs behind a figure that is not their mean (the largest heap growth of n runs) */
  runs?: number;
  unit: string;
  /** the target; `atMost` for a ceiling (memory, time), else a floor */
  target: number;
  atMost?: boolean;
  /**
   * A figure the machine's speed and load move: a speed, a time, or the speed-up of 2 workers
   * (a shared machine's second core is not all the sweep's). Not a share of the native model,
   * measured in the same minute, nor memory. On a slow host (hostSlow()) it is met or not judged.
   */
  hostBound?: boolean;
  /** the native model's figure, and value / native */
  native?: number | null;
  ofNative?: number | null;
  /**
   * A target on the share of the native model's figure: then the verdict is on `ofNativeSamples`
   * (each replicate's value over the native figure measured right after it) against this share.
   */
  ofNativeTarget?: number;
  ofNativeSamples?: readonly number[];
}

/**
 * Whether a figure meets its target: 'yes' or 'NO' when its 95 % interval lies on one side of
 * the target (or, measured once, when the measurement does), 'within noise' when the interval
 * holds the target: then the replicates cannot tell, and only a quieter machine or more of them
 * can. A host-bound figure that is not met on a slow host is 'slow host': the machine, not the
 * code, may be what misses it (a figure met there is met).
 */
export type Verdict = 'yes' | 'NO' | 'within noise' | 'slow host';

/** What the verdict is decided on: the samples and target compared (a share of native, or the figure). */
function basis(f: Figure): { samples: readonly number[]; target: number } {
  if (f.ofNativeTarget !== undefined && f.ofNativeSamples !== undefined && f.ofNativeSamples.length > 0)
    return { samples: f.ofNativeSamples, target: f.ofNativeTarget };
  return { samples: f.samples ?? [f.value], target: f.target };
}

export function verdict(f: Figure, slowHost = false): Verdict {
  const { samples, target } = basis(f);
  const iv = interval(samples);
  const [lo, hi] = iv.ci95 ?? [iv.mean, iv.mean];
  const [good, bad] = f.atMost === true ? [hi <= target, lo > target] : [lo >= target, hi < target];
  if (good) return 'yes';
  if (slowHost && f.hostBound === true) return 'slow host';
  return bad ? 'NO' : 'within noise';
}

/** Replicates as a Figure's value (their mean) and samples. */
export function replicated(samples: readonly number[]): { value: number; samples: readonly number[] } {
  return { value: interval(samples).mean, samples };
}

function show(x: number, unit: string): string {
  if (unit === 'pairs/s' || unit === 'events/s') return `${(x / 1e6).toFixed(2)} M ${unit}`;
  if (unit === 'x') return `${x.toFixed(2)}x`;
  if (unit === '%') return `${(100 * x).toFixed(1)} %`;
  if (unit === 'bytes') return `${(x / 1024).toFixed(1)} KiB`;
  return `${x.toFixed(1)} ${unit}`;
}

/** The 95 % interval of the samples, "lo to hi", or '' for one measurement. */
function showInterval(samples: readonly number[] | undefined, unit: string): string {
  const ci = samples === undefined ? null : interval(samples).ci95;
  return ci === null ? '' : `${show(ci[0], unit)} to ${show(ci[1], unit)}`;
}

/** The figures as table rows, for console.table (`slowHost`: hostSlow() of the native figure). */
export function figureRows(figures: Figure[], slowHost = false): Array<Record<string, string>> {
  return figures.map((f) => ({
    figure: f.figure,
    measured: show(f.value, f.unit),
    '95 % interval': showInterval(f.samples, f.unit),
    n: String(f.samples?.length ?? f.runs ?? 1),
    target: `${f.atMost === true ? '<=' : '>='} ${show(f.target, f.unit)}`,
    native: f.native == null ? '' : show(f.native, f.unit),
    'of native': f.ofNative == null ? '' : show(f.ofNative, '%'),
    met: verdict(f, slowHost),
  }));
}

/** The 1-minute load average and the cores: how idle the machine was. */
export function loadNote(): string {
  return `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
}
