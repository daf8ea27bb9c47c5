/**
 * RunSummary: every figure of one run as plain JSON data, like a simulator's stats struct.
 * RunMetrics (run-metrics.ts) collects the counters, summarize.ts turns them into this;
 * docs/metrics.md lists every field with its unit (generated from ../columns.ts).
 */
import type { Cost, CostModel } from '../cost-models.js';

export interface GetsBetweenFlushes {
  /** recorded intervals (= flushes on online CPUs) */
  count: number;
  mean: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
}

export interface WastedVaSummary {
  /** mean over active regions of the time- (or op-) weighted wasted fraction of R */
  meanFraction: number;
  /** largest wasted fraction any region reached */
  peakFraction: number;
  /** the part of meanFraction a wrap flush would get back (flush-pending above the highest live allocation) */
  meanReclaimableFraction: number;
  /** the part of meanFraction pinned below a live allocation */
  meanPinnedFraction: number;
  /** mean fraction of R held by live allocations */
  meanLiveFraction: number;
  /** 'time' when simulated time advanced, else 'ops' */
  weighting: 'time' | 'ops';
  /** (mm, CPU) regions with at least one get */
  activeRegions: number;
  regionPages: number;
}

/**
 * One failed get and the state of its region at that moment (pages by state, as
 * MermapAllocator.regionUsage() counts them): the first `maxFailureSamples` failures of a run.
 */
export interface FailureSample {
  op: number;
  timeNs: number;
  cpu: number;
  mm: number;
  /** failure reason (the replay contract's names) */
  reason: string;
  requestPages: number;
  live: number;
  reclaimable: number;
  pinned: number;
  free: number;
  /** next_addr as an offset from the CPU's region base */
  nextOffset: number;
}

export interface FailureStates {
  /** failed gets */
  count: number;
  /** mean pages of the failing region in each state at the failure (they sum to R) */
  meanLive: number;
  meanPending: number;
  meanPinned: number;
  meanFree: number;
  /** mean pages asked for by the failed gets */
  meanRequestPages: number;
}

export interface TlbCategories {
  mermap: number;
  global: number;
  otherPcid: number;
  user: number;
}

export interface TlbSummary {
  hits: number;
  l1Hits: number;
  stlbHits: number;
  misses: number;
  /** page walks after a miss in both levels (Machine.pageWalks) */
  walks: number;
  fills: number;
  evictions: number;
  /** misses / (hits + misses) */
  missRate: number;
  /** full flushes (Flush.ALL + INVPCID single context) counted by the TLBs */
  fullFlushes: number;
  /** translations full flushes discarded, by category */
  discarded: TlbCategories;
  /** all categories / fullFlushes */
  discardedPerFlush: number;
  /** each category / fullFlushes */
  perFlush: TlbCategories;
  /** collateral (global + otherPcid + user) / fullFlushes */
  collateralPerFlush: number;
  /** translations INVLPGs discarded */
  invlpgDiscarded: number;
  /** translations flushing CR3 writes (no PCID) discarded */
  cr3Discarded: number;
  /** fills of a translation a full flush had discarded (non-mermap only): the flush's refill misses */
  refillsAfterFlush: number;
  refillsPerFlush: number;
  /** misses the shadow TLBs had (never flushed by the mermap); null when machine.shadowTlb is off */
  shadowMisses: number | null;
  /** misses the mermap's flushes caused: per CPU misses - shadowMisses, never negative; null when off */
  collateralRefills: number | null;
  /** collateralRefills / fullFlushes; null when off */
  collateralRefillsPerFlush: number | null;
}

/** The cost model's numbers the summary prints, as used for the run (preset plus overrides). */
export type CostParams = Pick<
  CostModel,
  | 'invlpgCycles'
  | 'flushAllCycles'
  | 'cr3Cycles'
  | 'invpcidCycles'
  | 'walkCycles'
  | 'shootdownBaseCycles'
  | 'ipiCycles'
  | 'cpuGhz'
  | 'flushCeilingPages'
  | 'pteWriteCycles'
  | 'lockCycles'
  | 'irqSaveRestoreCycles'
>;

/** One end of the cost band: the run's counts priced under every preset, the least or the most. */
export interface CostBandEnd {
  totalCycles: number;
  slowPathCycles: number;
  perGetCycles: number;
  overheadFraction: number;
}

export interface CostSummary extends Cost {
  /** preset name */
  model: string;
  /** where the preset's numbers come from */
  source: string;
  /** the numbers used (preset plus any overrides) */
  params: CostParams;
  /** the walks charged: refill walks after full flushes (tlb.refillsAfterFlush) */
  refillWalks: number;
  /** the slow path beyond the zeroing itself: IRQ save/restore pairs, PTE writes, PTE locks */
  slowPathCycles: number;
  /** the same counts under every preset (low, the named ones, high): the smallest and largest */
  band: { low: CostBandEnd; high: CostBandEnd };
}

/** What clear_page_mermap()'s slow path cost (its allocations and pages: fastPathFailures, fallbackPages). */
export interface SlowPathSummary {
  /** PTEs the slow path's reserved gets and puts wrote */
  pteWrites: number;
  /** PTE-lock acquisitions (rfc-v1: one per reserved get and one per put; facts §8.2) */
  lockAcquisitions: number;
  /** reserved gets of the slow path that failed (the page is not zeroed) */
  mapFailures: number;
  /** IRQs-off time per slow-path allocation: pages zeroed x zeroing time per page */
  irqsOffNs: { mean: number; p99: number; max: number };
  /** the longest continuous IRQs-off window: one page's zeroing (IRQs come back on between pages) */
  irqsOffWindowMaxNs: number;
}

export interface PageTableSummary {
  bytesPerMm: number;
  tablePagesPerMm: number;
  pteTables: number;
  pmdTables: number;
  pudTables: number;
  p4dTables: number;
  /** PTEs written by one mm's mermap_mm_prepare() */
  setupPteWrites: number;
  possibleCpus: number;
  regionPages: number;
  pagingLevels: number;
  /** mms whose mermap was prepared */
  preparedMms: number;
  /** bytes over all prepared mms */
  totalBytes: number;
}

export interface ExposureSummary {
  /** stale translations (to a put mermap page) that left a TLB during the run */
  staleDropped: number;
  meanOps: number;
  maxOps: number;
  meanNs: number;
  maxNs: number;
  /** stale translations still cached at the end (their exposure is not in the means) */
  staleLive: number;
  /** TLB hits on a stale translation */
  staleHits: number;
}

export interface MachineSummary {
  accesses: number;
  pageWalks: number;
  walkReads: number;
  pageFaults: number;
  mermapFaults: number;
  cr3Writes: number;
  /** CR3 writes that flushed: a dynamic ASID reused for another mm, or no PCID */
  cr3Flushes: number;
  migrations: number;
  migrationsRefused: number;
  shootdowns: number;
  ipis: number;
  remoteInvlpgs: number;
  pteWrites: number;
  ptesSkipped: number;
}

export interface RunSummary {
  /** tick() calls: events the driver applied */
  events: number;
  /** op span: finish's op - the op at construction */
  ops: number;
  simulatedSeconds: number;
  gets: number;
  getsOk: number;
  reservedGets: number;
  /** reserved gets that failed */
  reservedGetFailures: number;
  /** normal (non-reserved) get calls, successful or failed */
  fastPathGets: number;
  /** reserved get calls / gets */
  reservedGetFraction: number;
  puts: number;
  getFailures: number;
  /** getFailures / gets */
  failureRate: number;
  /** noteAllocation() calls */
  allocations: number;
  /** noteWork() cycles */
  workCycles: number;
  /** pages zeroed (fast and slow path) */
  zeroedPages: number;
  flushes: number;
  /** flushes the allocators asked for (sum of MermapAllocator.flushes: KUnit's tlb_flushes) */
  allocatorFlushes: number;
  invlpgs: number;
  flushesPer1000Gets: number;
  invlpgsPer1000Gets: number;
  flushesPerSecond: number;
  flushesPerAllocation: number;
  flushesPerZeroedPage: number;
  flushesPer1000FastPathGets: number;
  getsBetweenFlushes: GetsBetweenFlushes;
  /** by reason name (every reason present, 'ok' excluded); put failures (not_in_use) included */
  failures: Record<string, number>;
  fastPathFailures: number;
  fallbackPages: number;
  /** fastPathFailures / allocations (0 without allocations) */
  fastPathFailuresPerAllocation: number;
  slowPath: SlowPathSummary;
  wastedVa: WastedVaSummary;
  failureStates: FailureStates;
  tlb: TlbSummary;
  cost: CostSummary;
  pageTables: PageTableSummary;
  exposure: ExposureSummary;
  /** by checker kind (every kind present) */
  violations: Record<string, number>;
  violationsTotal: number;
  machine: MachineSummary;
}
