/**
 * The run columns: every RunSummary field with its unit, kind and meaning, in the order
 * summaryToRow() writes them. The shape is checked against RunSummary by the compiler, so a
 * summary field cannot be added, renamed or dropped without this table following.
 */
import { VIOLATION_KINDS } from '../../core/violations.js';
import { REASON_NAMES } from '../../core/mermap/reasons.js';
import type { RunSummary } from '../metrics/summary.js';
import type { Column } from './column.js';
import { type DocsOf, flattenDocs, UNIT_FRACTION } from './docs-of.js';
import { COST_SECTION_DOCS } from './summary-cost.js';
import { EXPOSURE_DOCS, MACHINE_DOCS, PAGE_TABLES_DOCS, TLB_DOCS } from './summary-machine.js';

const FRAC_R = 'fraction of R';

const SUMMARY_DOCS: DocsOf<RunSummary> = {
  events: ['events', 'int', '`tick()` calls: events the driver applied'],
  ops: ['ops', 'int', "op span: `finish()`'s op − the op at construction"],
  simulatedSeconds: ['s', 'float', '(end ns − start ns) / 1e9'],
  gets: ['gets', 'int', 'get calls (successful, failed, reserved)'],
  getsOk: ['gets', 'int', 'successful gets'],
  reservedGets: ['gets', 'int', 'reserved gets (successful): the slow path and other reserved callers'],
  reservedGetFailures: ['gets', 'int', 'reserved gets that failed'],
  fastPathGets: [
    'gets',
    'int',
    'normal (non-reserved) get calls, successful or failed: gets − reservedGets − reservedGetFailures',
  ],
  reservedGetFraction: [
    UNIT_FRACTION,
    'float',
    '(reservedGets + reservedGetFailures) / gets: the share of gets the slow path made; each order ≥ 9 allocation that misses the fast path makes 512 or more of them',
  ],
  puts: ['puts', 'int', 'successful puts'],
  getFailures: ['gets', 'int', "failed gets (every reason except `not_in_use`, which is a put's)"],
  failureRate: [
    UNIT_FRACTION,
    'float',
    '**get failure rate**: getFailures / gets, per get call (reserved gets included); for the share of allocations that fall back, see fastPathFailuresPerAllocation',
  ],
  allocations: [
    'requests',
    'int',
    '`noteAllocation()` calls (the driver: one per GET event, i.e. per allocation that is zeroed)',
  ],
  workCycles: ['cycles', 'float', '`noteWork()` total (zeroing): the useful work the cost is compared with'],
  zeroedPages: ['pages', 'int', 'pages zeroed, by the fast and the slow path (`noteWork()` pages)'],
  flushes: ['flushes', 'int', 'full flushes on online CPUs (see Conventions)'],
  allocatorFlushes: [
    'flushes',
    'int',
    "flushes the allocators asked for: the sum of `MermapAllocator.flushes`, KUnit's `tlb_flushes`",
  ],
  invlpgs: ['INVLPGs', 'int', "INVLPGs on online CPUs (the allocator's, shootdowns' and the remote ones)"],
  flushesPer1000Gets: [
    'flushes / 1,000 gets',
    'float',
    '1000 · flushes / gets, reserved gets included: not comparable across R once order-9/10 allocations fit the fast path (R > 512), because each then makes one get instead of 512 or more reserved ones; compare flushesPerAllocation, flushesPerSecond or flushesPer1000FastPathGets',
  ],
  invlpgsPer1000Gets: ['INVLPGs / 1,000 gets', 'float', '1000 · invlpgs / gets'],
  flushesPerSecond: ['flushes / s', 'float', 'flushes / simulatedSeconds'],
  flushesPerAllocation: ['flushes / allocation', 'float', 'flushes / allocations'],
  flushesPerZeroedPage: ['flushes / page', 'float', 'flushes / zeroedPages'],
  flushesPer1000FastPathGets: [
    'flushes / 1,000 gets',
    'float',
    '1000 · flushes / fastPathGets (reserved gets left out)',
  ],
  getsBetweenFlushes: {
    count: ['intervals', 'int', 'recorded intervals (= flushes)'],
    mean: ['gets', 'float', 'mean gets between flushes (histogram above)'],
    p50: ['gets', 'float', 'median gets between flushes (nearest rank, histogram resolution)'],
    p99: ['gets', 'float', '99th percentile of gets between flushes (nearest rank, histogram resolution)'],
    min: ['gets', 'int', 'fewest gets between flushes'],
    max: ['gets', 'int', 'most gets between flushes'],
  },
  failures: {
    keys: REASON_NAMES.slice(1),
    unit: 'gets',
    kind: 'int',
    describe: (r) =>
      r === 'not_in_use'
        ? 'failures with reason `not_in_use`: a put of a slot not in use (src/core/mermap/reasons.ts)'
        : `failures with reason \`${r}\` (src/core/mermap/reasons.ts)`,
  },
  fastPathFailures: [
    'allocations',
    'int',
    "**fast-path failures**: zeroing allocations whose fast-path get failed, so clear_page_mermap()'s slow path zeroed them (`noteFallback()` calls)",
  ],
  fallbackPages: ['pages', 'int', "the slow path's pages: one reserved single-page map each, IRQs off"],
  fastPathFailuresPerAllocation: [
    UNIT_FRACTION,
    'float',
    '**fallback rate**: fastPathFailures / allocations, per allocation (not per get: see failureRate)',
  ],
  slowPath: {
    pteWrites: ['PTEs', 'int', "PTEs the slow path's reserved gets and puts wrote"],
    lockAcquisitions: [
      'locks',
      'int',
      'PTE-lock acquisitions of the slow path (rfc-v1: one per reserved get and one per put, facts §8.2; 0 for variants that write PTEs without the lock)',
    ],
    mapFailures: [
      'gets',
      'int',
      "the slow path's reserved gets that failed: that page is not zeroed, a NULL dereference in the kernel",
    ],
    irqsOffNs: {
      mean: ['ns', 'float', 'IRQs-off time per slow-path allocation: pages zeroed × zeroing time per page, mean'],
      p99: ['ns', 'float', 'the same, 99th percentile (nearest rank, whole ns, histogram resolution)'],
      max: ['ns', 'float', 'the same, largest'],
    },
    irqsOffWindowMaxNs: [
      'ns',
      'float',
      'the longest continuous IRQs-off window: one page (IRQs come back on between pages)',
    ],
  },
  wastedVa: {
    meanFraction: [FRAC_R, 'float', 'time- (or op-) weighted wasted fraction, mean over active regions'],
    peakFraction: [FRAC_R, 'float', 'largest wasted fraction any region reached'],
    meanReclaimableFraction: [FRAC_R, 'float', 'the part of meanFraction a wrap flush would recover'],
    meanPinnedFraction: [FRAC_R, 'float', 'the part of meanFraction pinned below live allocations'],
    meanLiveFraction: [FRAC_R, 'float', 'mean share held by live allocations'],
    weighting: ["`'time'` / `'ops'`", 'string', 'which integral the means use'],
    activeRegions: ['regions', 'int', '(mm, CPU) regions with at least one get'],
    regionPages: ['pages', 'int', 'R'],
  },
  failureStates: {
    count: ['gets', 'int', 'failed gets whose region was read (all failed gets on online CPUs)'],
    meanLive: ['pages', 'float', 'mean live pages of the failing region just after the failure'],
    meanPending: ['pages', 'float', 'mean reclaimable flush-pending pages of the failing region'],
    meanPinned: ['pages', 'float', 'mean pinned pages of the failing region'],
    meanFree: ['pages', 'float', 'mean free pages of the failing region (the four means sum to R)'],
    meanRequestPages: ['pages', 'float', 'mean size of the failed requests'],
  },
  tlb: TLB_DOCS,
  cost: COST_SECTION_DOCS,
  pageTables: PAGE_TABLES_DOCS,
  exposure: EXPOSURE_DOCS,
  violations: {
    keys: VIOLATION_KINDS,
    unit: 'reports',
    kind: 'int',
    describe: (k) => `checker violations of kind \`${k}\` (src/core/checker.ts)`,
  },
  violationsTotal: ['reports', 'int', 'the sum of the violations'],
  machine: MACHINE_DOCS,
};

/** Every RunSummary field as a column, in summaryToRow() order. */
export const SUMMARY_COLUMN_LIST: readonly Column[] = flattenDocs(SUMMARY_DOCS, '', []);
