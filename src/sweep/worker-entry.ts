/**
 * The code each pool thread runs (piscina's task handler). It loads the point runner named in
 * workerData once and calls it with the warm-up configs there (RunSweepOptions.warmUp), then
 * with each point's config; it checks the result is a flat row, and adds the thread id and the
 * time the call took (for events per second; never written to results).
 *
 * piscina may load this file through require(), so no import.meta here.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { threadId, workerData } from 'node:worker_threads';

export type Cell = number | string | boolean | null;

export interface PointResult {
  row: Record<string, Cell>;
  events: number;
  /** the rows of the task's twins (RunSweepOptions.twinKey), in order; absent without twins */
  twinRows?: Record<string, Cell>[];
}

export interface TaskResult extends PointResult {
  /** Wall time of the call in this thread, in seconds. */
  seconds: number;
  threadId: number;
}

type RunPoint = (
  config: Record<string, unknown>,
  twins?: Record<string, unknown>[],
) => PointResult | Promise<PointResult>;

let runner: Promise<RunPoint> | undefined;

async function loadRunner(): Promise<RunPoint> {
  const {
    module,
    export: name,
    require,
    warmUp,
  } = workerData as {
    module: string;
    export: string;
    require: boolean;
    warmUp: Record<string, unknown>[];
  };
  // TypeScript modules go through require(): tsx's CommonJS hook works in worker threads, its
  // ES module hooks do not on Node 20 (hooks registered by --import stay on the main thread).
  const namespace = (
    require ? createRequire(fileURLToPath(module))(fileURLToPath(module)) : await import(module)
  ) as Record<string, unknown>;
  const fn = namespace[name];
  if (typeof fn !== 'function') {
    throw new Error(`${module} has no exported function '${name}'`);
  }
  const run = fn as RunPoint;
  for (const config of warmUp) {
    try {
      await run(config);
    } catch {
      // discarded like its result: the points it stands for report their own failures
    }
  }
  return run;
}

/**
 * Why `result` is not `{ row: flat record, events: number }` (with `twinRows`, one flat record
 * per twin, when the task had `twins`), or null when it is.
 */
export function checkPointResult(result: unknown, twins = 0): string | null {
  if (result === null || typeof result !== 'object') return 'the run function must return { row, events }';
  const { row, events, twinRows } = result as Partial<PointResult>;
  if (typeof events !== 'number' || !Number.isFinite(events) || events < 0) {
    return 'events must be a finite number >= 0';
  }
  const rows = [row];
  if (twins > 0) {
    if (!Array.isArray(twinRows) || twinRows.length !== twins) {
      return `twinRows must list the rows of the task's ${twins} twin config${twins === 1 ? '' : 's'}`;
    }
    rows.push(...twinRows);
  }
  for (const r of rows) {
    const problem = checkRow(r);
    if (problem !== null) return problem;
  }
  return null;
}

function checkRow(row: unknown): string | null {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return 'row must be a mapping';
  for (const [key, value] of Object.entries(row)) {
    if (key === '' || key === '__proto__') return `row field name '${key}' is not allowed`;
    if (value !== null && !['number', 'string', 'boolean'].includes(typeof value)) {
      return `row field '${key}' is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}; rows are flat (numbers, strings, booleans, null)`;
    }
  }
  return null;
}

/** A point's config, and the configs of its twins when the sweep found any (one run for all). */
export interface Task {
  config: Record<string, unknown>;
  twins?: Record<string, unknown>[];
}

export default async function runTask(task: Task): Promise<TaskResult> {
  runner ??= loadRunner();
  const run = await runner;
  const twins = task.twins ?? [];
  const start = performance.now();
  const result = await (twins.length === 0 ? run(task.config) : run(task.config, twins));
  const seconds = (performance.now() - start) / 1000;
  const problem = checkPointResult(result, twins.length);
  if (problem !== null) throw new Error(problem);
  return {
    row: result.row,
    events: result.events,
    ...(twins.length === 0 ? {} : { twinRows: result.twinRows }),
    seconds,
    threadId,
  };
}
