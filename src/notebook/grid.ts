/**
 * In-process grids of runs (small sweeps inside a notebook), with a progress callback.
 */
import { from as tableFrom, type ColumnTable } from 'arquero';
import { runConfig, runRow, type RunResult } from '../run/run.js';
import type { RunSummary } from '../analysis/metrics/run-metrics.js';
import type { RunRow } from '../analysis/tables.js';
import { planSweep } from '../sweep/plan.js';
import { parseRunConfig, type RunConfig, type RunConfigInput } from '../config/index.js';

export type GridValue = string | number | boolean;

/** One point of an in-process grid: the grid values (by dotted config path) and its full config. */
export interface GridPoint {
  params: Record<string, GridValue>;
  config: RunConfig;
}

/**
 * The cartesian product of `grid` (dotted config path -> values) over `base`, expanded by the
 * sweep's own plan (sweep/plan.ts: same order, first key the outermost loop, same path checks),
 * with one seed rule of its own: every point keeps base's seed, or the grid's `seed` value where
 * the grid has one (common random numbers: the points differ only in the grid values, which is
 * what a notebook comparing variants wants), where a sweep derives a seed per point. Each config
 * is validated; a bad value throws a ConfigError naming the point.
 */
export function gridPoints(base: RunConfigInput, grid: Record<string, ReadonlyArray<GridValue>>): GridPoint[] {
  const baseSeed = (base as { seed?: unknown }).seed;
  const plan = planSweep({
    name: 'notebook grid',
    seed: 0,
    replicates: 1,
    base: base as Record<string, unknown>,
    grid: grid as Record<string, unknown[]>,
  });
  return plan.points.map((point) => {
    const params = point.grid as Record<string, GridValue>;
    const input = point.config;
    if ('seed' in params) input.seed = params.seed;
    else if (baseSeed === undefined) delete input.seed;
    else input.seed = baseSeed;
    return { params: { ...params }, config: parseRunConfig(input, `grid point ${gridLabel(params)}`) };
  });
}

/** "mermap.variant=rfc-v1 mermap.regionPages=64" */
export function gridLabel(params: Record<string, GridValue>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

export interface GridProgress {
  done: number;
  total: number;
  elapsedSeconds: number;
  /** estimated seconds left (null before the first run finished) */
  etaSeconds: number | null;
  /** events simulated so far */
  events: number;
  /** the point that just finished (null at the start) */
  last: GridPoint | null;
}

export interface GridRun {
  params: Record<string, GridValue>;
  config: RunConfig;
  /** runRow() of the run plus each grid value under its last path segment (when not a column already) */
  row: RunRow;
  summary: RunSummary;
  /** the whole RunResult, only when options.keepResults is set */
  result?: RunResult;
}

export interface GridRunOptions {
  onProgress?: (p: GridProgress) => void;
  /** keep each run's RunResult (machine included: memory grows with the grid) */
  keepResults?: boolean;
  /** record the region timeline of (mm 0, CPU 0) in each run */
  regionTimeline?: boolean;
}

/** A run's row with the grid values added under their last path segment ('workload.threadsPerMm' -> threadsPerMm). */
export function gridRow(params: Record<string, GridValue>, config: RunConfig, summary: RunSummary): RunRow {
  const row = runRow(config, summary);
  for (const [k, v] of Object.entries(params)) {
    const short = k.split('.').pop()!;
    if (!(short in row)) row[short] = v;
  }
  return row;
}

/**
 * Run every point in this process, one after another, yielding to the event loop between runs
 * so that a notebook's progress display is sent while the grid runs. Deterministic: each run
 * depends only on its config.
 */
export async function runGrid(points: ReadonlyArray<GridPoint>, opts: GridRunOptions = {}): Promise<GridRun[]> {
  const t0 = performance.now();
  const out: GridRun[] = [];
  let events = 0;
  const report = (last: GridPoint | null): void => {
    if (opts.onProgress === undefined) return;
    const elapsed = (performance.now() - t0) / 1000;
    const done = out.length;
    opts.onProgress({
      done,
      total: points.length,
      elapsedSeconds: elapsed,
      etaSeconds: done > 0 ? (elapsed / done) * (points.length - done) : null,
      events,
      last,
    });
  };
  report(null);
  for (const p of points) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const result = runConfig(p.config, { regionTimeline: opts.regionTimeline });
    events += result.drive.events;
    const run: GridRun = {
      params: p.params,
      config: p.config,
      row: gridRow(p.params, p.config, result.summary),
      summary: result.summary,
    };
    if (opts.keepResults) run.result = result;
    out.push(run);
    report(p);
  }
  return out;
}

/** The runs' rows (gridRow) as an arquero table, to group, join and show (table.toHTML()). */
export function gridTable(runs: ReadonlyArray<GridRun>): ColumnTable {
  return tableFrom(runs.map((r) => r.row));
}

/** One progress line: "sweep: 12/56 runs (21 %), 1.4 s elapsed, about 5.1 s left; last: ..." */
export function formatGridProgress(p: GridProgress, label = 'runs'): string {
  const pct = p.total > 0 ? Math.round((p.done / p.total) * 100) : 100;
  let s = `${label}: ${p.done}/${p.total} runs (${pct} %), ${p.events.toLocaleString('en-US')} events, ${p.elapsedSeconds.toFixed(1)} s elapsed`;
  if (p.done < p.total && p.etaSeconds !== null) s += `, about ${p.etaSeconds.toFixed(1)} s left`;
  if (p.done === p.total) s += ', done';
  if (p.last !== null && p.done < p.total) s += `; last: ${gridLabel(p.last.params)}`;
  return s;
}

/**
 * A progress callback for runGrid that writes formatGridProgress() lines to `show` (e.g. a tslab
 * display handle's text()), at most every `everyMs` milliseconds, plus the first and the last.
 */
export function progressPrinter(
  show: (text: string) => void,
  label = 'runs',
  everyMs = 250,
): (p: GridProgress) => void {
  let lastShown = -Infinity;
  return (p) => {
    const now = performance.now();
    if (p.done === 0 || p.done === p.total || now - lastShown >= everyMs) {
      lastShown = now;
      show(formatGridProgress(p, label));
    }
  };
}
