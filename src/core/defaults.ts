/**
 * Kernel constants and the simulator's defaults, written once. The config schema, the machine and
 * the allocators import them; nothing re-defaults further down.
 *
 * Sources: mm/mermap.c and arch/x86 of the RFC "mm: Add __GFP_UNMAPPED" (the facts sheet's
 * sections are cited per constant) and, for the alternatives, the kernel code they mirror.
 */

/**
 * PTRS_PER_PTE = PTRS_PER_PMD = ... = 512 entries per x86-64 page-table page, and its log2 (the
 * bits of a virtual address each level indexes with), read in the PTE loops of every get and
 * put: a const enum (docs/design.md, Habits). PTRS_PER_TABLE and INDEX_BITS (paging/geometry.ts)
 * are its public names.
 */
// biome-ignore lint/suspicious/noConstEnum: tsc writes the values out; vitest compiles file by file and makes an object
export const enum Table {
  PTRS = 512,
  SHIFT = 9,
}
export const PTRS_PER_TABLE = Table.PTRS;

/** LDT_REMAP_SIZE = PMD_SIZE: the mermap starts 512 pages into the mm-local PGD slot (facts §4.1). */
export const LDT_REMAP_PAGES = 512;

/** MERMAP_CPU_REGION_SIZE = PMD_SIZE = 512 pages in rfc-v1 and later (facts §4.2). */
export const DEFAULT_REGION_PAGES = 512;

/** MAX_PAGE_ORDER = 10 on x86: unmapped allocations use orders 0..10 (facts §6.1). */
export const MAX_ORDER = 10;

/** KM_MAX_IDX without CONFIG_DEBUG_KMAP_LOCAL: kmap_local slots per CPU (kernel-analogues §1b). */
export const KM_MAX_IDX = 16;

/** tlb_single_page_flush_ceiling = 33 pages (arch/x86/mm/tlb.c; facts §9.2). */
export const FLUSH_CEILING_PAGES = 33;

/** x86 NR_CPUS upper bound with CONFIG_MAXSMP (arch/x86/Kconfig). */
export const MAX_CPUS = 8192;

/**
 * Largest region the simulator takes, in pages (1 GiB of VA per CPU), and so the most pages one
 * get can ask for. A bound of this simulator, not of the kernel: per-region state (checker
 * chunks, region timelines) is sized by it.
 */
export const MAX_REGION_PAGES = 2 ** 18;

/** rfc-v1, dev-snapshot and the policies built on them: 4 slots shared by normal and reserved gets (facts §1.2). */
export const SHARED_SLOTS = 4;

/** rfc-later: 3 normal slots beside its dedicated reserve slot (facts §1.2). */
export const RFC_LATER_NORMAL_SLOTS = 3;

/** The allocator a machine runs when none is named. */
export const DEFAULT_VARIANT = 'rfc-v1';

/** x86-64 paging levels when none are named. */
export const DEFAULT_PAGING_LEVELS = 4 as const;

/** The TLB geometry preset when none is named (src/core/tlb/config.ts). */
export const DEFAULT_TLB_PRESET = 'golden-cove';

/**
 * The direct map's page size when none is named: 1 GiB (PUD leaves), what a machine without
 * unmapped pageblocks has. probe_page_size_mask() (arch/x86/mm/init.c) enables "1 GB linear
 * kernel mappings" when direct_gbpages (CONFIG_X86_DIRECT_GBPAGES, default y) and the CPU has
 * X86_FEATURE_GBPAGES (pdpe1gb: Haswell, Golden Cove, Zen 2 and later all do), else 2 MiB with
 * PSE; the direct map is then split only where something changes a part of it. Flipping a
 * pageblock (2 MiB) to unmapped with set_direct_map_valid_noflush() (facts §6.1) is such a
 * change: it splits the 1 GiB leaf around it, so a machine with unmapped pageblocks has '2m'
 * (or '4k') leaves there.
 */
export const DEFAULT_DIRECT_MAP_PAGE_SIZE = '1g' as const;

/**
 * The variants laid out like rfc-later: `normal_allocs[3]` plus a separate `reserve_alloc`
 * (facts §1.2). flush-on-put (the ephmap before it), mermap-reuse and mermap-invpcid are
 * rfc-later with another flush or reuse step: their constructors take rfc-later's slots and
 * reserve, so their callers see the same slots and only the flushing differs.
 */
const RFC_LATER_LAYOUT: ReadonlySet<string> = new Set(['rfc-later', 'flush-on-put', 'mermap-reuse', 'mermap-invpcid']);

/**
 * Slots per CPU per mm for a variant that names none (facts §1.2), for a run config and a machine
 * built in code alike: 3 normal slots beside the reserve for rfc-later's layout, 4 shared slots
 * for every other variant. (Until 2026-11 a run config gave flush-on-put, mermap-reuse and
 * mermap-invpcid 4 normal slots, 5 in all, a layout no kernel version has.)
 */
export function defaultSlots(variant: string): number {
  return RFC_LATER_LAYOUT.has(variant) ? RFC_LATER_NORMAL_SLOTS : SHARED_SLOTS;
}

/**
 * clear_page() of one 4 KiB page, in cycles: the default zeroing cost of every workload and of
 * the named cost presets. DERIVED (facts §9.5) from commit cb431accb36e ("x86/clear_page:
 * introduce clear_pages()"): rep stos in 4 KiB chunks at 13.7 GB/s, measured on AMD Milan;
 * 4096 B / 13.7 GB/s = 299 ns, x 3 GHz (the workbench's clock convention) = 897 cycles.
 */
export const CLEAR_PAGE_4K_GB_PER_S = 13.7;
export const ZERO_CYCLES_PER_PAGE = Math.round((4096 / CLEAR_PAGE_4K_GB_PER_S) * 3);
