/**
 * The columns of every table besides the run columns (./summary.ts): run labels, the sweep's
 * and the points' lead columns, the sweep's provenance, the run report's extra fields, and the
 * per-CPU, per-mm, time-series, region-timeline and page-table rows. Each list is in the order
 * the rows carry the columns.
 */
import type { Column, ColumnDef } from './column.js';
import { discardClassDefs } from './families.js';
import { SUMMARY_COLUMN_LIST } from './summary.js';

/**
 * Definitions of columns that carry a run column's quantity in another table (per CPU, over
 * time): the same key, unit and kind as the run column, a description of their own.
 */
function likeRunColumns<const K extends string>(keys: readonly K[], describe: (run: Column) => string) {
  return keys.map((key) => {
    const run = SUMMARY_COLUMN_LIST.find((c) => c.key === key);
    if (run === undefined) throw new Error(`no run column '${key}'`);
    return [key, run.unit, run.kind, describe(run)] as const;
  });
}

/** What identifies a run in tables and chart captions (RunLabel's fields, tables.ts). */
export const LABEL_DEFS = [
  ['name', '', 'string', 'run name (preset or sweep point), if any'],
  ['variant', '', 'string', '`mermap.variant`: kernel version or alternative policy'],
  ['regionPages', 'pages', 'int', 'R, pages per CPU region'],
  ['slots', 'slots', 'int', 'slots per CPU per mm (rfc-later: normal slots)'],
  ['cpus', 'CPUs', 'int', 'online CPUs'],
  ['possibleCpus', 'CPUs', 'int', 'possible CPUs'],
  ['pagingLevels', 'levels', 'int', '4 or 5'],
  ['workload', '', 'string', 'workload kind'],
  ['seed', '', 'int', "the run's seed (a whole number, or the string it was given as)"],
  ['tlb', '', 'string', 'TLB preset'],
  ['costModel', '', 'string', 'cost-model preset (also filled from `cost.model` by `summaryToRow`)'],
] as const satisfies readonly ColumnDef[];

/** The sweep results' columns before the grid paths (sweep/results.ts). */
export const SWEEP_LEAD_DEFS = [
  ['point', '', 'int', 'grid point index (replicates of a point have their own index)'],
  ['replicate', '', 'int', "replicate number of the point's config"],
  ['configHash', '', 'string', "hash of the point's canonical run config"],
  ['seed', '', 'int', 'the seed derived for the point from the sweep seed'],
] as const satisfies readonly ColumnDef[];

/** The sweep results' columns after the grid paths (sweep/results.ts). */
export const SWEEP_PROVENANCE_DEFS = [
  ['packageVersion', '', 'string', 'mermap-lab version that ran the sweep'],
  ['gitCommit', '', 'string', 'git commit of the checkout that ran the sweep, if known'],
] as const satisfies readonly ColumnDef[];

/** points.csv's columns before the grid paths (./points.ts: the aggregates after them). */
export const POINT_LEAD_DEFS = [
  ['combination', '', 'int', "the grid combination's number (plan.ts), the same for all its replicates"],
  ['n', 'runs', 'int', 'replicates aggregated (the n of every interval in the row)'],
] as const satisfies readonly ColumnDef[];

/** Fields `mermap-lab run --json` adds to the RunSummary (RunReport, analysis/run-result.ts; filled in by run/run.ts). */
export const REPORT_DEFS = [
  [
    'allocations',
    'requests',
    'int',
    'allocation requests used: `mm_page_alloc` events selected as unmapped (traces) or GET events (generators)',
  ],
  [
    'skippedLines',
    'lines',
    'int',
    'trace lines skipped: header and comment lines, other events, and malformed lines under `--lenient` (0 for generators)',
  ],
  [
    'trace',
    '',
    'json',
    'traces only: the parse counts (lines, allocation and free lines, selected, refused by context, malformed under `--lenient`, lost events, other events), the format read, the possible CPUs its header gave and how mms were assigned (FtraceSummary)',
  ],
  [
    'eventsPerSecond',
    'events / s',
    'float',
    'wall-clock speed of this run, events applied per second (not part of sweep results: it differs between runs)',
  ],
  ['wallSeconds', 's', 'float', 'wall-clock duration of the run'],
  [
    'failureSamples',
    '',
    'json',
    "the first 64 failed gets (`RunMetrics.maxFailureSamples`), each with `op`, `timeNs`, `cpu`, `mm`, `reason`, `requestPages` and its region's state at that moment in pages: `live`, `reclaimable` (flush-pending, usable after a flush), `pinned` (flush-pending below a live allocation), `free`, and `nextOffset` (next_addr from the region base). `failureStates` aggregates every failure; sweep rows carry only the aggregate",
  ],
  ['config', '', 'json', 'the validated run config, defaults filled in'],
] as const satisfies readonly ColumnDef[];

/** RunMetrics.perCpuRows() (metrics/rows.ts). */
export const CPU_DEFS = [
  ['cpu', '', 'int', 'online CPU'],
  ['gets', 'gets', 'int', 'gets on this CPU'],
  ['getsOk', 'gets', 'int', 'successful gets on this CPU'],
  ['reservedGets', 'gets', 'int', 'reserved gets on this CPU'],
  ['puts', 'puts', 'int', 'puts on this CPU'],
  ['getFailures', 'gets', 'int', 'failed gets on this CPU'],
  ['failureRate', 'fraction', 'float', 'getFailures / gets'],
  ['flushes', 'flushes', 'int', 'full flushes on this CPU'],
  ['invlpgs', 'INVLPGs', 'int', 'INVLPGs on this CPU'],
  ['flushesPer1000Gets', 'flushes / 1,000 gets', 'float', '1000 · flushes / gets on this CPU'],
  ['getsBetweenFlushesCount', 'intervals', 'int', "this CPU's recorded intervals"],
  ['getsBetweenFlushesMean', 'gets', 'float', "mean of this CPU's intervals (no per-CPU quantiles)"],
  ['getsBetweenFlushesMax', 'gets', 'int', "largest of this CPU's intervals"],
  ['fastPathFailures', 'allocations', 'int', 'fallbacks after a failed get on this CPU'],
  ['fallbackPages', 'pages', 'int', 'reserved single-page maps those fallbacks cost'],
  ['activeRegions', 'regions', 'int', "this CPU's active regions (one per mm that used it)"],
  ['wastedVaMeanFraction', 'fraction of R', 'float', "mean wasted fraction over this CPU's active regions"],
  ['wastedVaPeakFraction', 'fraction of R', 'float', "largest wasted fraction of this CPU's regions"],
  ['tlbHits', 'lookups', 'int', "this CPU's TLB hits"],
  ['tlbMisses', 'lookups', 'int', "this CPU's TLB misses"],
  ['tlbWalks', 'walks', 'int', 'misses on this CPU (each is followed by a walk)'],
  ['tlbFullFlushes', 'flushes', 'int', 'full flushes this TLB executed'],
  ...discardClassDefs('tlbDiscarded', 'translations', 'int', (what) => `full-flush discards: ${what}`),
  ...discardClassDefs('tlbPerFlush', 'translations / flush', 'float', (what) => `${what} per full flush`),
  ['tlbRefillsAfterFlush', 'walks', 'int', 'refills of flushed non-mermap translations'],
  // a maximum is over the TLB's whole life (the means cover what left it during the run)
  ...likeRunColumns(
    [
      'exposureStaleDropped',
      'exposureMeanOps',
      'exposureMaxOps',
      'exposureMeanNs',
      'exposureMaxNs',
      'exposureStaleHits',
    ],
    (run) => `as \`${run.path}\`, this CPU’s TLB${run.key.includes('Max') ? ' (its whole life)' : ''}`,
  ),
] as const satisfies readonly ColumnDef[];

/** RunMetrics.perMmRows() (metrics/rows.ts). */
export const MM_DEFS = [
  ['mm', '', 'int', 'mm index'],
  ['gets', 'gets', 'int', "this mm's gets"],
  ['getsOk', 'gets', 'int', "this mm's successful gets"],
  ['puts', 'puts', 'int', "this mm's puts"],
  ['getFailures', 'gets', 'int', "this mm's failed gets"],
  ['failureRate', 'fraction', 'float', 'getFailures / gets'],
  ['allocatorFlushes', 'flushes', 'int', "flushes this mm's allocator asked for (all its CPUs)"],
  ['flushesPer1000Gets', 'flushes / 1,000 gets', 'float', "allocatorFlushes per 1,000 of this mm's gets"],
  ['activeRegions', 'regions', 'int', "this mm's active regions"],
  ['wastedVaMeanFraction', 'fraction of R', 'float', "mean wasted fraction over this mm's active regions"],
  ['wastedVaPeakFraction', 'fraction of R', 'float', "largest wasted fraction of this mm's regions"],
  ['liveAllocationsAtEnd', 'allocations', 'int', 'still live at the end (online CPUs)'],
  ['prepared', '0/1', 'int', 'mermap prepared'],
  ['pageTableBytes', 'bytes', 'int', 'page-table memory its `mermap_mm_prepare()` added'],
  ['pageTablePages', 'pages', 'int', 'the same in table pages'],
  ['preparePteWrites', 'PTEs', 'int', 'PTEs its prepare wrote'],
] as const satisfies readonly ColumnDef[];

const ONLINE_CUMULATIVE = 'cumulative (online CPUs)';

/**
 * RunMetrics.timeSeriesRows() (metrics/rows.ts): the columns the collector samples, in the
 * order of its fixed-step buffer (they are the storage layout).
 */
export const TIME_SERIES_SAMPLED_DEFS = [
  ['op', 'ops', 'int', 'op index of the sample (ops mode: the sample point)'],
  ['timeNs', 'ns', 'float', 'simulated time of the sample (time mode: the sample point)'],
  ...likeRunColumns(
    ['gets', 'getFailures', 'flushes', 'invlpgs', 'fastPathFailures', 'fallbackPages'],
    () => 'cumulative since the start',
  ),
  ['wastedPages', 'pages', 'int', 'current wasted pages over all regions'],
  ['pinnedPages', 'pages', 'int', 'current pinned pages over all regions'],
  ['livePages', 'pages', 'int', 'current live pages over all regions'],
  ['activeRegions', 'regions', 'int', 'active regions so far'],
  ['wastedIntNs', 'page·ns', 'float', 'cumulative integral of wastedPages over simulated time'],
  ['wastedIntOps', 'page·ops', 'int', 'cumulative integral of wastedPages over ops'],
  ...likeRunColumns(['tlbHits', 'tlbMisses'], () => ONLINE_CUMULATIVE),
  ['refillsAfterFlush', 'walks', 'int', ONLINE_CUMULATIVE],
  ['staleDropped', 'translations', 'int', ONLINE_CUMULATIVE],
  ['violations', 'reports', 'int', 'cumulative checker violations'],
] as const satisfies readonly ColumnDef[];

/** The time series' columns computed from the sampled ones, after them in each row. */
export const TIME_SERIES_DERIVED_DEFS = [
  ['timeMs', 'ms', 'float', 'timeNs / 1e6'],
  ['wastedFraction', 'fraction of R', 'float', 'wastedPages / (activeRegions × R)'],
  ['pinnedFraction', 'fraction of R', 'float', 'pinnedPages / (activeRegions × R)'],
  ['liveFraction', 'fraction of R', 'float', 'livePages / (activeRegions × R)'],
  ['intervalGets', 'gets', 'int', 'gets in the interval since the previous row'],
  ['intervalFlushes', 'flushes', 'int', 'flushes in the interval since the previous row'],
  ['flushesPer1000Gets', 'flushes / 1,000 gets', 'float', 'in the interval'],
  ['failureRate', 'fraction', 'float', 'failed gets / gets in the interval'],
  ['tlbMissRate', 'fraction', 'float', 'TLB misses / lookups in the interval'],
  [
    'wastedMeanFraction',
    'fraction of R',
    'float',
    'time- (or op-) weighted mean over the interval since the previous row: Δintegral / (Δt × activeRegions × R)',
  ],
  ['sampleStep', 'ns or ops', 'float', 'the final step of the series'],
] as const satisfies readonly ColumnDef[];

/** RunMetrics.regionTimelineRows() (metrics/region-timeline.ts). */
export const REGION_TIMELINE_DEFS = [
  ['step', '', 'int', '0, 1, 2, …: the events that touched the region'],
  ['op', 'ops', 'int', 'op index of that event'],
  ['timeNs', 'ns', 'float', 'its time'],
  ['page', 'pages', 'int', "first page of the run, offset from the CPU's region base"],
  ['pageEnd', 'pages', 'int', 'end of the run [page, pageEnd)'],
  [
    'state',
    '',
    'string',
    '`allocated` (live), `flush-pending` (below next_addr and not live: freed, unusable until a wrap flush), `free` (at or above next_addr and not live)',
  ],
] as const satisfies readonly ColumnDef[];

/** pageTableRows() (metrics/page-tables.ts). */
export const PAGE_TABLE_DEFS = [
  ['pagingLevels', 'levels', 'int', 'the point: paging levels'],
  ['possibleCpus', 'CPUs', 'int', 'the point: possible CPUs'],
  ['regionPages', 'pages', 'int', 'the point: R'],
  ['pageTablesBytesPerMm', 'bytes', 'int', 'page tables `mermap_mm_prepare()` adds to one mm'],
  ['pageTablesKibPerMm', 'KiB', 'float', 'the same in KiB'],
  ['pageTablesTablePagesPerMm', 'pages', 'int', 'the same in table pages'],
  ['pageTablesPteTables', 'pages', 'int', 'PTE tables'],
  ['pageTablesPmdTables', 'pages', 'int', 'PMD tables'],
  ['pageTablesPudTables', 'pages', 'int', 'PUD tables'],
  ['pageTablesP4dTables', 'pages', 'int', 'P4D tables'],
  ['pageTablesSetupPteWrites', 'PTEs', 'int', 'possibleCpus × R'],
] as const satisfies readonly ColumnDef[];
