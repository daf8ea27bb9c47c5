/**
 * The cited figures the presets are built from, each once, with its provenance. Sources:
 * shared/reference/kernel-analogues.md §1d and the facts sheet (mermap-facts.md) §5, §6.1, §9.2,
 * §9.4, §9.5. Cycle counts from times assume the 3 GHz clock below (CPU_GHZ).
 */
import { CLEAR_PAGE_4K_GB_PER_S, ZERO_CYCLES_PER_PAGE } from '../../core/defaults.js';
import { assumed, type CostParam, derived, measured, unknown } from './params.js';

const MOLNAR = 'Ingo Molnar, linux-mm 2015 (kernel-analogues §1d)';
const HANSEN = 'Dave Hansen, "x86: mm: set TLB flush tunable to sane value", 2014 (kernel-analogues §1d)';
const TLB_C = 'arch/x86/mm/tlb.c, comment at tlb_single_page_flush_ceiling (facts §9.2)';
const NOT_STATED = 'not stated in the figures as quoted';
const HASWELL_WALK = 'Haswell L2-TLB miss, prod-news 2013 (facts §9.4)';
const SHI = 'Alex Shi, lkml 1205.0/00700, 2012 (facts §9.5)';

/** cycles per nanosecond used to turn every time figure into cycles */
const GHZ = 3;
export const CPU_GHZ = assumed(
  GHZ,
  'workbench convention',
  'a round server clock; the ns figures are turned into cycles at it',
);

export const FLUSH_CEILING = derived(
  33,
  'arch/x86/mm/tlb.c tlb_single_page_flush_ceiling (kernel-analogues §1d)',
  "the kernel's constant, chosen from Hansen's 2014 kernel-compile distribution of flush sizes",
);

// INVLPG
export const INVLPG_MOLNAR = measured(260, MOLNAR, NOT_STATED);
/** per flush_tlb_mm_range() call, so the call's overhead is included: counted as one INVLPG */
export const INVLPG_HANSEN = measured(
  1276,
  `${HANSEN}: average 1-page flush_tlb_mm_range()`,
  'kernel compile; CPU not stated',
);
export const INVLPG_TLB_C = derived(100 * GHZ, TLB_C, '"each single flush is about 100 ns" x 3 GHz');

// flushing CR3 write
export const CR3_MOLNAR = measured(96, MOLNAR, NOT_STATED);
export const CR3_HANSEN = measured(
  2283,
  `${HANSEN}: average full flush_tlb_mm_range()`,
  'kernel compile; CPU not stated',
);
/** above the ceiling the kernel prefers a full flush: 33 single flushes bound what it may cost */
const CEILING_FLUSH = 33 * 100 * GHZ;
const CEILING_HOW =
  '33-page ceiling x 100 ns x 3 GHz: the break-even the kernel chose, refills included, so an upper bound';
export const CR3_TLB_C = derived(CEILING_FLUSH, TLB_C, CEILING_HOW);

// __flush_tlb_all(): a global flush (INVPCID type 2, or CR4.PGE toggled twice with IRQs saved), facts §5.
// No measured cycle count of either on any core was found (facts §9.5): every figure is derived.
export const FLUSH_ALL_FLOOR = derived(
  CR3_MOLNAR.value,
  MOLNAR,
  "a global flush drops every entry a CR3 write drops and more: Molnar's CR3 write as its floor",
);
export const FLUSH_ALL_MOLNAR = derived(
  2 * CR3_MOLNAR.value,
  `${MOLNAR}; arch/x86/mm/tlb.c native_flush_tlb_global() (facts §9.2)`,
  'a CR4.PGE toggle is two control-register writes, each priced as Molnar\'s CR3 write (2 x 96); INVPCID type 2 is "considerably faster" than that pair, per the kernel comment',
);
export const FLUSH_ALL_HANSEN = derived(
  CR3_HANSEN.value,
  HANSEN,
  "Hansen's measured full flush_tlb_mm_range() (a CR3-write flush plus the call's overhead) priced for the global flush",
);
export const FLUSH_ALL_TLB_C = derived(CEILING_FLUSH, TLB_C, CEILING_HOW);

// INVPCID type 1 (single context; the mermap-invpcid policy). No figure exists; the 2017 commit
// calling INVPCID "slow" is about type 0 (single address). It drops what a flushing CR3 write
// drops (the PCID's non-global entries, facts §9.2), so each preset lets its CR3 figure stand in.
const invpcidAs = (cr3: CostParam, who: string): CostParam =>
  unknown(
    cr3.value,
    cr3.source,
    `no figure found; ${who}'s CR3-write figure stands in (type 1 drops the same entries)`,
  );
export const INVPCID_MOLNAR = invpcidAs(CR3_MOLNAR, 'Molnar');
export const INVPCID_HANSEN = invpcidAs(CR3_HANSEN, 'Hansen');
export const INVPCID_TLB_C = invpcidAs(CR3_TLB_C, 'the tlb.c comment');

// Page walk after a miss in both TLB levels. With a paging-structure-cache hit only the PTE is read.
export const WALK_PSC_HIT = measured(20, HASWELL_WALK, 'Intel Haswell');
/** a miss in every paging-structure cache reads 4 levels (4-level paging, facts §9.3) */
export const WALK_NO_PSC = derived(
  4 * WALK_PSC_HIT.value,
  HASWELL_WALK,
  '4 dependent page-table reads (PGD, PUD, PMD, PTE), each priced as the PSC-hit walk (4 x 20)',
);
export const WALK_NO_PSC_SHI = assumed(
  100 * GHZ,
  SHI,
  'Shi\'s model refill of 100 ns ("assumed TLB refill cost", Sandy Bridge) x 3 GHz: a walk missing caches too',
);
/**
 * A global flush also empties the paging-structure caches (INVPCID "invalidates mappings in the
 * TLBs and paging-structure caches", SDM), so the first walks
 * after it miss them; later ones into the same 2 MiB / 1 GiB region hit. Until the machine counts
 * PSC misses (CostCounters.walksNoPsc), the named presets price every walk as the cited figure
 * does (a PSC hit) and the band's high prices every walk as a miss.
 */
const PSC_SOURCE =
  'Intel SDM, INVPCID (namazso.github.io/x86/html/INVPCID.html): type 2 invalidates TLB and paging-structure-cache mappings of every PCID';
export const PSC_HIT_ALL = assumed(
  1,
  PSC_SOURCE,
  'every walk hits, as in the measured 20-cycle walk; no miss count yet',
);
export const PSC_HIT_NONE = assumed(0, PSC_SOURCE, 'the dearest case: every walk misses');

// Remote flush (what the mermap avoids). Only one figure was found: the band is a point.
const UNSEEL = 'unseel.com "TLB Shootdown" (third-party estimate; no kernel measurement found)';
export const SHOOTDOWN_BASE = assumed(1000 * GHZ, UNSEEL, '~1 us initiator cost x 3 GHz');
export const IPI = assumed(200 * GHZ, UNSEEL, '~200 ns per receiving CPU x 3 GHz');

// The slow path of clear_page_mermap() (facts §6.1): per page, local_irq_save, mermap_get_reserved
// (a PTE write), clear_page, mermap_put (a PTE clear), local_irq_restore.
const VLASENKO =
  'Denys Vlasenko, "RFC: Petition Intel/AMD to add POPF_IF insn", lkml 1608.2/01364, 2016: push+popf loop, 4,929,012,093 cycles / 200M iterations (about 1 cycle per iteration without the popf), on a 3.4 GHz x86';
export const IRQ_PAIR = derived(
  Math.round(4929012093 / 200e6),
  VLASENKO,
  "local_irq_restore()'s POPF, 24.6 cycles per loop iteration; the save's PUSHF/CLI are not measured and left out",
);
export const IRQ_PAIR_HIGH = derived(
  Math.round((2 * 4929012093) / 200e6),
  VLASENKO,
  'the save priced as the restore: 2 x 24.6',
);
const NO_FIGURE = 'no measured figure in the references';
export const PTE_WRITE = assumed(5, NO_FIGURE, "an 8-byte store to the CPU's own PTE page, hot in L1/L2");
export const PTE_WRITE_LOW = assumed(1, NO_FIGURE, 'one store retiring at one per cycle');
export const PTE_WRITE_HIGH = assumed(40, NO_FIGURE, "the PTE page's line fetched from L3 first");
export const LOCK = assumed(
  20,
  NO_FIGURE,
  'one locked read-modify-write on an owned line; the unlock is a plain release store',
);
export const LOCK_HIGH = assumed(100, NO_FIGURE, "the lock's line fetched from another core first");

// clear_page, facts §9.5: commit cb431accb36e ("x86/clear_page: introduce clear_pages()"), AMD Milan.
const CLEAR_PAGES = 'commit cb431accb36e "x86/clear_page: introduce clear_pages()" (facts §9.5)';
/** 4096 bytes at r GB/s take 4096 / r ns */
const zeroCycles = (gbPerSecond: number) => Math.round((4096 / gbPerSecond) * GHZ);
export const ZERO_4K = derived(
  ZERO_CYCLES_PER_PAGE,
  CLEAR_PAGES,
  `rep stos in 4 KiB chunks at ${CLEAR_PAGE_4K_GB_PER_S} GB/s measured on AMD Milan: 4096 B / ${CLEAR_PAGE_4K_GB_PER_S} GB/s = 299 ns x 3 GHz`,
);
export const ZERO_2M = derived(
  zeroCycles(15.1),
  CLEAR_PAGES,
  'rep stos in 2 MiB chunks at 15.1 GB/s measured on AMD Milan (multi-page clears): 271 ns x 3 GHz',
);
export const ZERO_OLD = assumed(
  1200,
  "the workbench's earlier default zeroCyclesPerPage",
  'a cache-cold allowance above the measured 4 KiB rate',
);
