/**
 * The run columns of the machine's sections of RunSummary (./summary.ts writes the rest and
 * orders them): the TLBs, the page tables mermap_mm_prepare() adds, the stale-translation
 * exposure and the Machine's own counters.
 */
import type { RunSummary } from '../metrics/summary.js';
import { type DocsOf, UNIT_FRACTION } from './docs-of.js';
import { perDiscardClass } from './families.js';

/** tlb: summed over the online CPUs' TLBs. */
export const TLB_DOCS: DocsOf<RunSummary['tlb']> = {
  hits: ['lookups', 'int', 'TLB hits (either level)'],
  l1Hits: ['lookups', 'int', 'TLB hits in L1'],
  stlbHits: ['lookups', 'int', 'TLB hits in the STLB'],
  misses: ['lookups', 'int', 'misses in both levels'],
  walks: ['walks', 'int', 'page walks (`Machine.pageWalks`: one per miss, plus faulting walks)'],
  fills: ['fills', 'int', 'translations inserted after a walk'],
  evictions: ['copies', 'int', 'valid copies replaced to make room'],
  missRate: [UNIT_FRACTION, 'float', 'misses / (hits + misses)'],
  fullFlushes: ['flushes', 'int', 'full flushes the TLBs executed (FLUSH_ALL + INVPCID single), online CPUs'],
  discarded: {
    mermap: ['translations', 'int', "discarded by full flushes: mermap entries (the flush's purpose)"],
    global: [
      'translations',
      'int',
      'collateral: global kernel entries (kernel text, the direct map: one per leaf of `machine.directMapPageSize`)',
    ],
    otherPcid: ['translations', 'int', 'collateral: non-global entries of other PCIDs (other mms)'],
    user: ['translations', 'int', 'collateral: non-global entries of the current PCID outside the mermap (user pages)'],
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
};

/** pageTables: what mermap_mm_prepare() costs (src/core/paging/cost.ts). */
export const PAGE_TABLES_DOCS: DocsOf<RunSummary['pageTables']> = {
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
};

/** exposure: how long stale translations stayed usable. */
export const EXPOSURE_DOCS: DocsOf<RunSummary['exposure']> = {
  staleDropped: ['translations', 'int', 'stale translations that left a TLB during the run'],
  meanOps: ['ops', 'float', 'mean time they stayed cached after the put'],
  maxOps: ['ops', 'int', 'longest time one stayed cached after the put'],
  meanNs: ['ns', 'float', 'mean time they stayed cached, in simulated time'],
  maxNs: ['ns', 'float', 'longest time one stayed cached, in simulated time'],
  staleLive: ['translations', 'int', 'stale translations still cached at the end'],
  staleHits: ['lookups', 'int', 'TLB hits on a stale translation'],
};

/** machine: the Machine's own counters. */
export const MACHINE_DOCS: DocsOf<RunSummary['machine']> = {
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
};
