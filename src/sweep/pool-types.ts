/**
 * What runSweep (./pool.ts) takes and returns: the point runner it is given, its options, the
 * progress it reports as points finish and the summary of a run.
 */
import type { PointValidator } from './plan.js';
import type { Shard } from './shard.js';
import type { SweepSpec } from './spec.js';
import type { TwinKey } from './tasks.js';

/** The point runner: a module (file URL, URL or path) and the name of its exported function. */
export interface WorkerRef {
  module: URL | string;
  export: string;
}

export interface SweepProgress {
  /** Points of the shard finished, including those already in the journal at the start. */
  done: number;
  /** Points in the shard. */
  total: number;
  /** Points found already finished in the journal at the start. */
  skipped: number;
  /** Points finished by this run. */
  ran: number;
  workers: number;
  elapsedSeconds: number;
  /** Estimated seconds left, from this run's pace; null before its first point finishes. */
  etaSeconds: number | null;
}

export interface RunSweepOptions {
  spec: SweepSpec;
  /** The output folder. */
  out: string;
  worker: WorkerRef;
  /** Worker threads; defaults to spec.workers, then to the number of cores. */
  workers?: number | undefined;
  shard?: Shard | null | undefined;
  /** Continue the sweep already in `out` (or start it, if `out` holds none). */
  resume?: boolean | undefined;
  validatePoint?: PointValidator | undefined;
  /** Names the spec in errors (a file path, `preset 'smoke'`). */
  source?: string | undefined;
  onProgress?: ((progress: SweepProgress) => void) | undefined;
  /** Aborting stops the sweep: finished points stay journaled; throws SweepInterruptedError. */
  signal?: AbortSignal | undefined;
  /**
   * Points with the same non-null key are one simulation (./tasks.ts): one worker runs the first
   * and gets the others' rows from the same run (the point runner's second argument, `twins`).
   */
  twinKey?: TwinKey | undefined;
  /**
   * Picks, from the configs of the shard's points, the configs each worker thread runs once
   * before its first point, results discarded: a warm-up for the point runner (its JIT). The
   * points' results do not depend on it.
   */
  warmUp?: WarmUp | undefined;
}

/** RunSweepOptions.warmUp: the warm-up configs for a sweep of these point configs. */
export type WarmUp = (configs: Iterable<Record<string, unknown>>) => Record<string, unknown>[];

export interface WorkerStats {
  /** 1-based, in the order the threads first returned a point. */
  worker: number;
  points: number;
  events: number;
  busySeconds: number;
  eventsPerSecond: number;
}

export interface SweepSummary {
  name: string;
  specHash: string;
  out: string;
  shard: string | null;
  /** Points in the whole sweep. */
  totalPoints: number;
  /** Points in this shard (all of them without --shard). */
  shardPoints: number;
  /** Points already journaled when the run started (resume). */
  skipped: number;
  /** Points run now. */
  ran: number;
  /** Of those, the points whose rows came from a twin's run (no simulation of their own). */
  derived: number;
  /** Threads used (0 when nothing was left to run). */
  workers: number;
  wallSeconds: number;
  /** Events simulated by the points run now (a derived point's run is its twin's). */
  events: number;
  /** events / wallSeconds. */
  eventsPerSecond: number;
  /** events / the summed busy time of the threads: the pace of one worker. */
  eventsPerSecondPerWorker: number;
  perWorker: WorkerStats[];
  files: { sweep: string; journal: string; csv: string; arrow: string };
}
