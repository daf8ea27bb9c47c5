/**
 * The `sweep` and `merge` commands, taking options already parsed by the CLI (src/cli wires them
 * into commander). They print to stderr and return the exit status; they never call
 * process.exit:
 *   0 done; 1 a point failed; 2 bad input (spec, options, output folder), nothing overwritten;
 *   130 / 143 interrupted by SIGINT / SIGTERM (finish with --resume).
 */
import { InputError } from '../util/input-error.js';
import { PointFailedError, SweepError, SweepInterruptedError } from './errors.js';
import { mergeSweeps, type MergeSummary } from './merge.js';
import type { PointValidator } from './plan.js';
import { runSweep, type SweepSummary, type WarmUp, type WorkerRef } from './pool.js';
import { getPreset } from './presets.js';
import { createProgressReporter, formatDuration, type ProgressStream } from './progress.js';
import { parseShard } from './shard.js';
import type { TwinKey } from './tasks.js';
import { loadSweepSpec, parseSweepSpec, type SweepSpec } from './spec.js';
import { printable } from '../util/printable.js';
import { signalStatus } from '../util/signal-status.js';
import { LIMITS, sizeAllowed } from '../config/limits.js';

export interface SweepCommandOptions {
  /** No progress lines and no closing summary on stderr (errors still print). */
  quiet?: boolean | undefined;
  /** Path of a YAML or JSON sweep spec (give this or `preset`). */
  spec?: string | undefined;
  /** Name of an embedded preset (presets.ts). */
  preset?: string | undefined;
  out?: string | undefined;
  /** --workers, as typed or as a number. */
  workers?: number | string | undefined;
  /** --shard i/N, 0-based. */
  shard?: string | undefined;
  resume?: boolean | undefined;
  /** Overrides of the spec, as typed: --replicates, --ci-width (0: no adaptive mode), --max-replicates, --max-fallback, --max-flush-cost. */
  replicates?: string | undefined;
  ciWidth?: string | undefined;
  maxReplicates?: string | undefined;
  maxFallback?: string | undefined;
  maxFlushCost?: string | undefined;
  /** The point runner. */
  worker: WorkerRef;
  validatePoint?: PointValidator | undefined;
  /** Points that are one simulation (RunSweepOptions.twinKey). */
  twinKey?: TwinKey | undefined;
  /** The warm-up configs of the worker threads (RunSweepOptions.warmUp). */
  warmUp?: WarmUp | undefined;
  /** Where messages, progress and the summary go (default process.stderr). */
  stderr?: ProgressStream | undefined;
  /** Plain progress lines: the longest silence between lines (default 10 s). */
  progressIntervalSeconds?: number | undefined;
  /** Stop cleanly on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean | undefined;
}

export interface MergeCommandOptions {
  dirs: string[];
  out?: string | undefined;
  stderr?: ProgressStream | undefined;
}

/** `950`, `12.3k`, `4.56M` events per second. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k`;
  return perSecond.toFixed(0);
}

export function formatSummary(s: SweepSummary): string {
  const scope = s.shard === null ? '' : ` shard ${s.shard}:`;
  const of = s.shard === null ? `${s.shardPoints} points` : `${s.shardPoints} of ${s.totalPoints} points`;
  const lines = [
    `sweep '${s.name}'${scope} ${of} (${s.ran} run now, ${s.skipped} already done` +
      `${s.derived > 0 ? `; ${s.derived} of them from a twin's run` : ''})` +
      ` in ${s.wallSeconds < 60 ? `${s.wallSeconds.toFixed(1)}s` : formatDuration(s.wallSeconds)} with ${s.workers} worker${s.workers === 1 ? '' : 's'}`,
  ];
  if (s.ran > 0) {
    lines.push(
      `events: ${s.events} run now; ${formatRate(s.eventsPerSecond)} events/s overall,` +
        ` ${formatRate(s.eventsPerSecondPerWorker)} events/s per worker`,
    );
    for (const w of s.perWorker) {
      lines.push(
        `  worker ${w.worker}: ${w.points} point${w.points === 1 ? '' : 's'}, ${w.events} events,` +
          ` ${formatRate(w.eventsPerSecond)} events/s`,
      );
    }
  }
  lines.push(`results: ${s.files.csv}, ${s.files.arrow}`);
  return `${lines.join('\n')}\n`;
}

function parseWorkers(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < LIMITS.workers.min || n > LIMITS.workers.max) {
    throw new SweepError(`--workers: must be ${sizeAllowed(LIMITS.workers)}, got '${value}'`);
  }
  return n;
}

function loadSpec(options: SweepCommandOptions): { spec: SweepSpec; source: string } {
  if (options.spec !== undefined && options.preset !== undefined) {
    throw new SweepError('give a spec file or --preset NAME, not both');
  }
  let loaded: { spec: SweepSpec; source: string };
  if (options.preset !== undefined) loaded = { spec: getPreset(options.preset), source: `preset '${options.preset}'` };
  else if (options.spec !== undefined) loaded = { spec: loadSweepSpec(options.spec), source: options.spec };
  else throw new SweepError('give a spec file or --preset NAME');
  return { spec: withOverrides(loaded.spec, options), source: loaded.source };
}

/** A number typed for `flag`, or a SweepError naming the flag and what it takes. */
function numberFlag(flag: string, text: string, ok: (n: number) => boolean, what: string): number {
  const n = /^\s*[0-9]*\.?[0-9]+(e-?[0-9]+)?\s*$/i.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n) || !ok(n)) throw new SweepError(`${flag}: must be ${what}, got '${text}'`);
  return n;
}

const FRACTION = 'a number in (0, 1]';
const isFraction = (n: number) => n > 0 && n <= 1;
const isCount = (n: number) => Number.isSafeInteger(n) && n >= 1;

/** The spec with the command line's overrides, validated again as a whole. */
export function withOverrides(spec: SweepSpec, o: SweepCommandOptions): SweepSpec {
  const next: SweepSpec = structuredClone(spec);
  if (o.replicates !== undefined)
    next.replicates = numberFlag('--replicates', o.replicates, isCount, 'an integer >= 1');
  if (o.maxFallback !== undefined || o.maxFlushCost !== undefined) {
    const t = next.targets ?? { maxFallbackRate: 0.01, maxFlushCostFraction: 0.01 };
    next.targets = {
      maxFallbackRate:
        o.maxFallback === undefined
          ? t.maxFallbackRate
          : numberFlag('--max-fallback', o.maxFallback, isFraction, FRACTION),
      maxFlushCostFraction:
        o.maxFlushCost === undefined
          ? t.maxFlushCostFraction
          : numberFlag('--max-flush-cost', o.maxFlushCost, isFraction, FRACTION),
    };
  }
  if (o.ciWidth !== undefined) {
    const w = numberFlag(
      '--ci-width',
      o.ciWidth,
      (n) => n >= 0 && n <= 1,
      'a number in [0, 1] (0 turns the adaptive mode off)',
    );
    if (w === 0) delete next.adaptive;
    else next.adaptive = { maxReplicates: next.adaptive?.maxReplicates ?? 3 * next.replicates, ciWidth: w };
  }
  if (o.maxReplicates !== undefined) {
    const cap = numberFlag('--max-replicates', o.maxReplicates, isCount, 'an integer >= 1');
    if (next.adaptive === undefined) throw new SweepError('--max-replicates: needs the adaptive mode (--ci-width W)');
    next.adaptive.maxReplicates = cap;
  } else if (next.adaptive !== undefined && next.adaptive.maxReplicates < next.replicates) {
    next.adaptive.maxReplicates = next.replicates;
  }
  return parseSweepSpec(next, 'the spec with the command-line options');
}

function report(stderr: ProgressStream, command: string, err: unknown): number {
  if (err instanceof InputError || err instanceof PointFailedError || err instanceof SweepInterruptedError) {
    stderr.write(`mermap-lab: ${command}: ${printable(err.message)}\n`);
    return err.exitCode;
  }
  stderr.write(
    `mermap-lab: ${command}: ${printable(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`,
  );
  return 1;
}

export async function sweepCommand(options: SweepCommandOptions): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const controller = new AbortController();
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled !== null) process.exit(signalStatus(signal));
    signalled = signal;
    controller.abort();
  };
  const handle = options.handleSignals !== false;
  if (handle) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const progress = createProgressReporter({ stream: stderr, intervalSeconds: options.progressIntervalSeconds });
  try {
    const { spec, source } = loadSpec(options);
    if (options.out === undefined || options.out === '') throw new SweepError('--out DIR is required');
    const workers = parseWorkers(options.workers);
    const shard = options.shard === undefined ? null : parseShard(options.shard);
    const summary = await runSweep({
      spec,
      source,
      out: options.out,
      worker: options.worker,
      workers,
      shard,
      resume: options.resume === true,
      validatePoint: options.validatePoint,
      twinKey: options.twinKey,
      warmUp: options.warmUp,
      onProgress: options.quiet === true ? undefined : (p) => progress.update(p),
      signal: controller.signal,
    });
    progress.stop();
    if (options.quiet !== true) stderr.write(printable(formatSummary(summary)));
    return 0;
  } catch (err) {
    progress.stop();
    const code = report(stderr, 'sweep', err);
    return err instanceof SweepInterruptedError && signalled !== null ? signalStatus(signalled) : code;
  } finally {
    if (handle) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

export function formatMergeSummary(s: MergeSummary): string {
  return (
    `merged ${s.dirs.length} folder${s.dirs.length === 1 ? '' : 's'} of sweep '${s.name}': ${s.points} points\n` +
    `results: ${s.files.csv}, ${s.files.arrow}\n`
  );
}

export async function mergeCommand(options: MergeCommandOptions): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  try {
    if (options.out === undefined || options.out === '') throw new SweepError('--out DIR is required');
    const summary = mergeSweeps(options.dirs, options.out);
    stderr.write(printable(formatMergeSummary(summary)));
    return 0;
  } catch (err) {
    return report(stderr, 'merge', err);
  }
}
