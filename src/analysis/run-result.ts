/**
 * What one run produces, as plain data (the run layer, src/run/, fills it in): the report
 * `mermap-lab run --json` prints, the bounded tables behind the charts, and the driver's counts.
 * Types only, so reports and columns can name them without importing the run layer.
 */
import type { Machine } from '../core/machine.js';
import type { RunConfig } from '../config/index.js';
import type { FtraceSummary } from '../workloads/index.js';
import type { RunMetrics } from './metrics/run-metrics.js';
import type { FailureSample, RunSummary } from './metrics/index.js';

/** What the driver counted while it fed the events to the machine (src/run/drive.ts). */
export interface DriveStats {
  events: number;
  lastNs: number;
  /** fast-path gets that failed */
  fastPathFailures: number;
  /** pages mapped one by one by the slow path */
  fallbackPages: number;
  /** reserved gets the driver made that failed (the slow path's and RESERVED events'): RunSummary.reservedGetFailures */
  slowPathFailures: number;
  /** puts of allocations the driver did not know (ignored) */
  unknownPuts: number;
  migrationsRefused: number;
}

/** What `mermap-lab run --json` prints: the metrics plus what only the run knows. */
export type RunReport = RunSummary & {
  /** mm_page_alloc events used (traces) or allocation requests (generators) */
  allocations: number;
  /** trace lines skipped (headers, comments, other events, malformed with --lenient) */
  skippedLines: number;
  /** traces: what the reader read, selected, refused and used (FtraceSummary) */
  trace?: FtraceSummary;
  /** wall-clock speed of this run (not part of sweep results: it differs between runs) */
  eventsPerSecond: number;
  wallSeconds: number;
  /** the first failed gets with their region's state (RunMetrics.failureSamples) */
  failureSamples: FailureSample[];
  config: RunConfig;
};

export interface RunResult {
  report: RunReport;
  summary: RunSummary;
  drive: DriveStats;
  perCpu: Array<Record<string, number>>;
  perMm: Array<Record<string, number>>;
  timeSeries: Array<Record<string, number>>;
  regionTimeline: ReturnType<RunMetrics['regionTimelineRows']>;
  /** CPU 0's region of mm 0 at the end, in the seed diagram's notation */
  regionText: string;
  machine: Machine;
}
