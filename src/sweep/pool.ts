/**
 * runSweep: plan a sweep, check its output folder, run the missing points of the shard on a
 * piscina worker-thread pool, journal each one as it finishes, and write the canonical results.
 *
 * The engine is generic over how a point is run: `worker` names a module and the export to call
 * with each point's config (plain JSON, with the derived seed in config.seed), returning
 * `{ row, events }` or a promise of it (and with a second argument, the twins' configs, their
 * rows as `twinRows`). The function must depend on nothing but the config, so that results do
 * not depend on which thread runs which point.
 *
 * Points are handed out in canonical order, a task running on each thread and one queued behind
 * it (./lanes.ts); they finish in any order, each journaled at once. A task is one point, or with
 * `twinKey` a point and its twins (./tasks.ts): points that are one simulation, run once, each
 * journaled with its own row. The results files are written from the journal at the end, so they
 * are the same bytes whatever the worker count, the sharding or the interruptions on the way.
 */
import { availableParallelism } from 'node:os';
import { LIMITS, sizeAllowed } from '../config/limits.js';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { PointFailedError, SweepError, SweepInterruptedError } from './errors.js';
import { adaptiveMissing } from './adaptive.js';
import { planSweep, pointLabel, shardSize, type SweepPlan, type SweepPoint } from './plan.js';
import { pointEntry } from './point-entry.js';
import type { RunSweepOptions, SweepSummary, WorkerStats } from './pool-types.js';
import { currentProvenance, type Provenance } from './provenance.js';
import { type JournalEntry, reservedColumns } from './results.js';
import { formatShard, type Shard } from './shard.js';
import { Journal, readJournal } from './journal.js';
import {
  SWEEP_FILE,
  makeRecord,
  prepareOutDir,
  tableContext,
  openFolder,
  writeResults,
  type SweepRecord,
} from './store.js';
import { runLanes, TASKS_IN_FLIGHT_PER_THREAD } from './lanes.js';
import { type SweepTask, TaskQueue } from './tasks.js';
import { resolveModulePath, threadExecArgv, TS_EXTENSION } from './worker-module.js';
import { setWorkerCompileMode } from '../util/v8-compile-mode.js';
import type { Task, TaskResult } from './worker-entry.js';

export type { RunSweepOptions, SweepProgress, SweepSummary, WarmUp, WorkerRef, WorkerStats } from './pool-types.js';

/** The worker count asked for, within LIMITS.workers; by default the cores, as many as that allows. */
function workerCount(asked: number | undefined): number {
  const w = LIMITS.workers;
  if (asked === undefined) return Math.min(availableParallelism(), w.max);
  if (!Number.isSafeInteger(asked) || asked < w.min || asked > w.max) {
    throw new SweepError(`--workers: must be ${sizeAllowed(w)}, got ${asked}`);
  }
  return asked;
}

export async function runSweep(options: RunSweepOptions): Promise<SweepSummary> {
  const started = performance.now();
  const shard = options.shard == null || options.shard.count === 1 ? null : options.shard;
  const plan = planSweep(options.spec, {
    validatePoint: options.validatePoint,
    source: options.source,
    shard,
  });
  const workers = workerCount(options.workers ?? options.spec.workers);
  const entryPath = resolveModulePath(new URL('./worker-entry.js', import.meta.url));
  const modulePath = resolveModulePath(options.worker.module);
  const provenance = currentProvenance();
  const record = makeRecord(plan, shard, provenance);
  const out = options.out;
  const folder = openFolder(out, 'mermap-lab sweep');
  let failed = true;
  try {
    const summary = await runInFolder(options, {
      plan,
      shard,
      workers,
      entryPath,
      modulePath,
      provenance,
      record,
      started,
    });
    failed = false;
    return summary;
  } finally {
    folder.release(failed);
  }
}

/** What runSweep settled before taking the output folder. */
interface Prepared {
  plan: SweepPlan;
  shard: Shard | null;
  workers: number;
  entryPath: string;
  modulePath: string;
  provenance: Provenance;
  record: SweepRecord;
  started: number;
}

function* configsOf(points: Iterable<SweepPoint>): Generator<Record<string, unknown>> {
  for (const p of points) yield p.config;
}

/** The sweep proper, holding the output folder's lock. */
async function runInFolder(options: RunSweepOptions, prepared: Prepared): Promise<SweepSummary> {
  const { plan, shard, workers, entryPath, modulePath, provenance, record, started } = prepared;
  const out = options.out;
  prepareOutDir(out, record, options.resume === true);

  const before = readJournal(out, plan, shard, { repair: true }).entries;
  // every journaled run, and for an adaptive sweep this run's as they finish (its decisions read them)
  const have = new Map<number, JournalEntry>(before);
  const adaptive = plan.spec.adaptive !== undefined;
  /** The points left to run now; for an adaptive sweep, those of the current round. */
  const nextRound = (): { todo: Iterator<SweepPoint>; count: number } => {
    if (adaptive) {
      const { missing } = adaptiveMissing(plan, shard, (i) => have.get(i));
      return { todo: missing.map((i) => plan.point(i))[Symbol.iterator](), count: missing.length };
    }
    const size = shardSize(plan.size, shard);
    const todo = (function* () {
      for (const p of plan.shardPoints(shard)) if (!have.has(p.index)) yield p;
    })();
    return { todo, count: size - have.size };
  };
  let round = nextRound();
  // an adaptive sweep's later rounds may be larger than its first: keep a thread for each point
  // it may still run (every thread, before, took 717 MiB for --workers 64 and 4 points)
  const mayRun = adaptive ? shardSize(plan.size, shard, plan.shardUnit) - have.size : round.count;
  const threads = round.count === 0 ? 0 : Math.min(workers, mayRun);
  const reserved = reservedColumns(plan.gridPaths);
  const stats = new Map<number, WorkerStats>();
  let ran = 0;
  let derived = 0;
  /** events simulated by this run's points */
  let simulated = 0;
  let roundRan = 0;

  const progress = (): void => {
    if (options.onProgress === undefined) return;
    const elapsedSeconds = (performance.now() - started) / 1000;
    const left = round.count - roundRan;
    options.onProgress({
      done: before.size + ran,
      total: before.size + ran + left,
      skipped: before.size,
      ran,
      workers: threads,
      elapsedSeconds,
      etaSeconds: ran === 0 ? (left === 0 ? 0 : null) : (elapsedSeconds / ran) * left,
    });
  };
  progress();

  if (round.count > 0) {
    const journal = new Journal(out);
    const execArgv = threadExecArgv([entryPath, modulePath]);
    let queue = new TaskQueue(round.todo, options.twinKey);
    setWorkerCompileMode(threads); // before the threads start: see src/util/v8-compile-mode.ts
    const pool = new Piscina<Task, TaskResult>({
      filename: pathToFileURL(entryPath).href,
      name: 'default',
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: 1,
      ...(execArgv === undefined ? {} : { execArgv }),
      workerData: {
        module: pathToFileURL(modulePath).href,
        export: options.worker.export,
        require: TS_EXTENSION.test(modulePath),
        warmUp: options.warmUp?.(configsOf(plan.shardPoints(shard))) ?? [],
      },
    });
    const aborter = new AbortController();
    const onAbort = () => aborter.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let failure: Error | null = null;

    /** Journal one point's row and the events of the run behind it (a twin's: the shared run's). */
    const finish = (point: SweepPoint, row: TaskResult['row'], events: number): void => {
      const entry = pointEntry(point, row, events, reserved);
      journal.append(entry);
      if (adaptive) have.set(point.index, entry);
      ran++;
      roundRan++;
    };

    /** A task's points journaled, and its worker's figures. */
    const finishTask = (point: SweepPoint, twins: SweepPoint[], result: TaskResult): void => {
      finish(point, result.row, result.events);
      twins.forEach((t, i) => finish(t, result.twinRows![i]!, result.events));
      derived += twins.length;
      simulated += result.events;
      let s = stats.get(result.threadId);
      if (s === undefined) {
        s = { worker: stats.size + 1, points: 0, events: 0, busySeconds: 0, eventsPerSecond: 0 };
        stats.set(result.threadId, s);
      }
      s.points += 1 + twins.length;
      s.events += result.events;
      s.busySeconds += result.seconds;
      progress();
    };

    const feed = (): Promise<void> =>
      runLanes<SweepTask, TaskResult>({
        lanes: threads * TASKS_IN_FLIGHT_PER_THREAD,
        next: () => queue.next(),
        run: ({ point, twins }) =>
          pool.run(
            twins.length === 0 ? { config: point.config } : { config: point.config, twins: twins.map((t) => t.config) },
            { signal: aborter.signal },
          ),
        done: ({ point, twins }, result) => finishTask(point, twins, result),
        failed: (task, err) => {
          if (task === null) failure ??= err as Error;
          else if (!aborter.signal.aborted)
            failure ??= new PointFailedError(task.point.index, pointLabel(task.point), err);
        },
        stopped: () => failure !== null || aborter.signal.aborted,
      });

    try {
      if (options.signal?.aborted) aborter.abort();
      // one round for a plain sweep; an adaptive sweep runs rounds until no combination asks for more
      while (round.count > 0 && failure === null && !aborter.signal.aborted) {
        await feed();
        if (failure !== null || aborter.signal.aborted || !adaptive) break;
        round = nextRound();
        queue = new TaskQueue(round.todo, options.twinKey);
        roundRan = 0;
        progress();
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      journal.close();
      await pool.destroy();
    }
    if (failure !== null) throw failure;
    if (aborter.signal.aborted) {
      throw new SweepInterruptedError(
        `interrupted: ${before.size + ran}${adaptive ? '' : ` of ${shardSize(plan.size, shard)}`} points are in ${journal.path};` +
          ` run again with --resume to finish`,
      );
    }
  }

  const entries = readJournal(out, plan, shard).entries;
  const left = adaptive
    ? adaptiveMissing(plan, shard, (i) => entries.get(i)).missing.length
    : shardSize(plan.size, shard) - entries.size;
  if (left !== 0) {
    throw new Error(`internal: ${left} points of the shard are not journaled`);
  }
  const shardPoints = entries.size;
  const files = writeResults(out, entries.values(), tableContext(plan, provenance));
  const wallSeconds = (performance.now() - started) / 1000;
  const perWorker = [...stats.values()].map((s) => ({
    ...s,
    eventsPerSecond: s.busySeconds > 0 ? s.events / s.busySeconds : 0,
  }));
  const busy = perWorker.reduce((sum, s) => sum + s.busySeconds, 0);
  return {
    name: plan.spec.name,
    specHash: plan.specHash,
    out,
    shard: formatShard(shard),
    totalPoints: plan.size,
    shardPoints,
    skipped: before.size,
    ran,
    derived,
    workers: threads,
    wallSeconds,
    events: simulated,
    eventsPerSecond: wallSeconds > 0 ? simulated / wallSeconds : 0,
    eventsPerSecondPerWorker: busy > 0 ? simulated / busy : 0,
    perWorker,
    files: { sweep: join(out, SWEEP_FILE), ...files },
  };
}
