/**
 * The run columns: every RunSummary field with its unit, kind and meaning, in the order
 * summaryToRow() writes them. The shape is checked against RunSummary by the compiler, so a
 * summary field cannot be added, renamed or dropped without this table following.
 */
import type { CostParamName } from '../../config/cost-names.js';
import { COST_PARAM_INFO } from '../../config/cost-names.js';
import { VIOLATION_KINDS } from '../../core/checker.js';
import { REASON_NAMES } from '../../core/mermap/reasons.js';
import type { CostBandEnd, CostParams, RunSummary } from '../metrics/summary.js';
import type { Column } from './column.js';
import { type DocsOf, flattenDocs, type Leaf } from './docs-of.js';
import { perDiscardClass } from './families.js';

const RATIO = 'fraction';
const FRAC_R = 'fraction of R';

/** What each cost parameter the summary prints is; its unit comes from the cost vocabulary. */
const COST_PARAM_DOCS: { readonly [K in keyof CostParams]: string } = {
  invlpgCycles: 'cost of one INVLPG used (overrides included)',
  flushAllCycles: 'cost of one `__flush_tlb_all()` used',
  cr3Cycles: 'cost of one flushing CR3 write used',
  invpcidCycles: 'cost of one INVPCID single-context flush used',
  walkCycles: 'cost of one page walk and fill used',
  shootdownBaseCycles: "initiator's fixed cost of one shootdown used",
  ipiCycles: 'cost per IPI receiver used',
  cpuGhz: 'clock used to turn cycles into time',
  flushCeilingPages: '`tlb_single_page_flush_ceiling` used',
  pteWriteCycles: 'cost of one PTE write used (slow path)',
  lockCycles: 'cost of one PTE-lock acquisition and release used (slow path)',
  irqSaveRestoreCycles: 'cost of one `local_irq_save()`/`restore()` pair used (slow path)',
};

/** The printed cost parameters: unit from config/cost-names.ts; a page count is whole, the rest are not. */
function costParamDocs(): DocsOf<CostParams> {
  const leaf = (name: string, description: string): Leaf => {
    const unit = COST_PARAM_INFO[name as CostParamName].unit;
    return [unit, unit === 'pages' ? 'int' : 'float', description];
  };
  return Object.fromEntries(Object.entries(COST_PARAM_DOCS).map(([k, d]) => [k, leaf(k, d)])) as DocsOf<CostParams>;
}

/** cost: the run's figures (written before SUMMARY_DOCS: the band takes their units). */
const COST_DOCS: Omit<DocsOf<RunSummary['cost']>, 'band'> = {
  model: ['name', 'string', 'cost-model preset (src/analysis/cost-models.ts; each cites its source)'],
  source: ['text', 'string', "where the preset's numbers come from"],
  params: costParamDocs(),
  refillWalks: ['walks', 'int', 'walks charged: `tlb.refillsAfterFlush`'],
  flushCycles: [
    'cycles',
    'float',
    'FLUSH_ALL × flushAllCycles + flushing CR3 writes × cr3Cycles + INVPCID single × invpcidCycles',
  ],
  invlpgCycles: ['cycles', 'float', 'INVLPGs × invlpgCycles'],
  walkCycles: ['cycles', 'float', 'refillWalks × walkCycles'],
  shootdownCycles: ['cycles', 'float', 'shootdowns × shootdownBaseCycles + IPIs × ipiCycles'],
  slowPathCycles: [
    'cycles',
    'float',
    'the slow path beyond its zeroing: fallbackPages × irqSaveRestoreCycles + slowPath.pteWrites × pteWriteCycles + slowPath.lockAcquisitions × lockCycles',
  ],
  totalCycles: ['cycles', 'float', 'the five above'],
  perGetCycles: ['cycles / get', 'float', 'totalCycles / gets'],
  overheadFraction: [RATIO, 'float', 'totalCycles / (totalCycles + workCycles); 1 without work'],
  totalNs: ['ns', 'float', 'totalCycles / cpuGhz'],
};

/**
 * One end of the cost band: each figure's least (or most) over every preset, in the unit of the
 * run's own figure (COST_DOCS); `totalNote` follows totalCycles' description.
 */
function costBandEndDocs(extreme: 'least' | 'most', totalNote: string): DocsOf<CostBandEnd> {
  const of = (key: keyof CostBandEnd, note = ''): Leaf => {
    const [unit, kind] = COST_DOCS[key];
    return [unit, kind, `${key}, the ${extreme} over every preset${note}`];
  };
  return {
    totalCycles: of('totalCycles', totalNote),
    slowPathCycles: of('slowPathCycles'),
    perGetCycles: of('perGetCycles'),
    overheadFraction: of('overheadFraction'),
  };
}

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
    RATIO,
    'float',
    '(reservedGets + reservedGetFailures) / gets: the share of gets the slow path made; each order ≥ 9 allocation that misses the fast path makes 512 or more of them',
  ],
  puts: ['puts', 'int', 'successful puts'],
  getFailures: ['gets', 'int', "failed gets (every reason except `not_in_use`, which is a put's)"],
  failureRate: [
    RATIO,
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
    RATIO,
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
  tlb: {
    hits: ['lookups', 'int', 'TLB hits (either level)'],
    l1Hits: ['lookups', 'int', 'TLB hits in L1'],
    stlbHits: ['lookups', 'int', 'TLB hits in the STLB'],
    misses: ['lookups', 'int', 'misses in both levels'],
    walks: ['walks', 'int', 'page walks (`Machine.pageWalks`: one per miss, plus faulting walks)'],
    fills: ['fills', 'int', 'translations inserted after a walk'],
    evictions: ['copies', 'int', 'valid copies replaced to make room'],
    missRate: [RATIO, 'float', 'misses / (hits + misses)'],
    fullFlushes: ['flushes', 'int', 'full flushes the TLBs executed (FLUSH_ALL + INVPCID single), online CPUs'],
    discarded: {
      mermap: ['translations', 'int', "discarded by full flushes: mermap entries (the flush's purpose)"],
      global: [
        'translations',
        'int',
        'collateral: global kernel entries (kernel text, the direct map: one per leaf of `machine.directMapPageSize`)',
      ],
      otherPcid: ['translations', 'int', 'collateral: non-global entries of other PCIDs (other mms)'],
      user: [
        'translations',
        'int',
        'collateral: non-global entries of the current PCID outside the mermap (user pages)',
      ],
    },
    discardedPerFlush: ['translations / flush', 'float', 'all four / fullFlushes'],
    perFlush: perDiscardClass((what) => ['translations / flush', 'float', `${what} discarded / fullFlushes`]),
    collateralPerFlush: ['translations / flush', 'float', '(global + otherPcid + user) / fullFlushes'],
    invlpgDiscarded: ['translations', 'int', 'discarded by INVLPGs'],
    cr3Discarded: ['translations', 'int', 'discarded by flushing CR3 writes (PCID off)'],
    refillsAfterFlush: [
      'walks',
      'int',
      'fills of a non-mermap translation a full flush had discarded: the refill misses attributable to flushes',
    ],
    refillsPerFlush: ['walks / flush', 'float', 'refillsAfterFlush / fullFlushes'],
    shadowMisses: [
      'lookups',
      'int',
      'misses of the shadow TLBs (fed the same accesses, never flushed by the mermap): the misses there would have been anyway; null when `machine.shadowTlb` is off',
    ],
    collateralRefills: [
      'walks',
      'int',
      "misses the mermap's flushes caused: each CPU's misses − shadowMisses, never negative, summed; null when `machine.shadowTlb` is off",
    ],
    collateralRefillsPerFlush: [
      'walks / flush',
      'float',
      'collateralRefills / fullFlushes; null when `machine.shadowTlb` is off',
    ],
  },
  cost: {
    ...COST_DOCS,
    band: {
      low: costBandEndDocs('least', " (the presets' own figures: `cost.overrides` do not apply)"),
      high: costBandEndDocs('most', ''),
    },
  },
  pageTables: {
    bytesPerMm: [
      'bytes',
      'int',
      'page-table memory `mermap_mm_prepare()` added to one mm, as measured on the first prepared mm (else the closed form)',
    ],
    tablePagesPerMm: ['pages', 'int', 'the same in 4 KiB table pages'],
    pteTables: ['pages', 'int', 'PTE tables (closed form, src/core/paging/cost.ts)'],
    pmdTables: ['pages', 'int', 'PMD tables (closed form)'],
    pudTables: ['pages', 'int', 'PUD tables (closed form)'],
    p4dTables: ['pages', 'int', 'P4D tables (closed form)'],
    setupPteWrites: ['PTEs', 'int', 'PTEs one prepare writes: possibleCpus × R'],
    possibleCpus: ['CPUs', 'int', 'possible CPUs the cost depends on'],
    regionPages: ['pages', 'int', 'R the cost depends on'],
    pagingLevels: ['levels', 'int', 'paging levels the cost depends on'],
    preparedMms: ['mms', 'int', 'mms whose mermap was prepared'],
    totalBytes: ['bytes', 'int', 'the sum over prepared mms'],
  },
  exposure: {
    staleDropped: ['translations', 'int', 'stale translations that left a TLB during the run'],
    meanOps: ['ops', 'float', 'mean time they stayed cached after the put'],
    maxOps: ['ops', 'int', 'longest time one stayed cached after the put'],
    meanNs: ['ns', 'float', 'mean time they stayed cached, in simulated time'],
    maxNs: ['ns', 'float', 'longest time one stayed cached, in simulated time'],
    staleLive: ['translations', 'int', 'stale translations still cached at the end'],
    staleHits: ['lookups', 'int', 'TLB hits on a stale translation'],
  },
  violations: {
    keys: VIOLATION_KINDS,
    unit: 'reports',
    kind: 'int',
    describe: (k) => `checker violations of kind \`${k}\` (src/core/checker.ts)`,
  },
  violationsTotal: ['reports', 'int', 'the sum of the violations'],
  machine: {
    accesses: ['accesses', 'int', '`Machine.access()` calls'],
    pageWalks: ['walks', 'int', 'page walks'],
    walkReads: [
      'reads',
      'int',
      'table entries the page walks read (4-level: 4 to a 4 KiB page, 3 to a 2 MiB leaf, 2 to a 1 GiB leaf)',
    ],
    pageFaults: [
      'faults',
      'int',
      'pages and leaves mapped on first use: user pages, kernel pages, direct-map leaves (one per 2 MiB / 1 GiB with larger leaves)',
    ],
    mermapFaults: ['faults', 'int', 'accesses to a not-present mermap page'],
    cr3Writes: ['writes', 'int', 'CR3 writes (mm switches)'],
    cr3Flushes: [
      'writes',
      'int',
      "CR3 writes that flushed: one of the CPU's 6 dynamic ASIDs (TLB_NR_DYN_ASIDS) reused for another mm, or PCID off",
    ],
    migrations: ['migrations', 'int', 'task migrations done'],
    migrationsRefused: ['migrations', 'int', 'task migrations refused (migrate-disabled)'],
    shootdowns: ['count', 'int', '`flush_tlb_kernel_range()` calls'],
    ipis: ['count', 'int', 'IPIs sent'],
    remoteInvlpgs: ['count', 'int', 'INVLPGs on other CPUs'],
    pteWrites: ['PTEs', 'int', 'PTEs written by get/put'],
    ptesSkipped: ['PTEs', 'int', 'PTEs `apply_to_existing_page_range()` skipped'],
  },
};

/** Every RunSummary field as a column, in summaryToRow() order. */
export const SUMMARY_COLUMN_LIST: readonly Column[] = flattenDocs(SUMMARY_DOCS, '', []);
