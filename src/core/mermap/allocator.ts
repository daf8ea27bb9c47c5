import type { StateMeter } from '../util/state-bytes.js';
import type { MermapGeometry } from '../paging/geometry.js';

/**
 * What an allocator may ask of the machine: the arch hooks. On x86 arch_mermap_flush_tlb() is
 * __flush_tlb_all() on the local CPU, nothing remote (facts sheet §5).
 */
export interface FlushHost {
  /** __flush_tlb_all(): the whole local TLB, global entries and every PCID included. */
  flushTlbAll(cpu: number): void;
  /** INVPCID single context (type 1): the current mm's PCID on this CPU, globals survive. */
  flushTlbMm(cpu: number): void;
  /** INVLPG of one page on this CPU (current PCID plus any global entry for the page). */
  invlpg(cpu: number, vpn: number): void;
  /** flush_tlb_kernel_range() style: INVLPG each page (or a full flush past the ceiling) on every online CPU, by IPI. */
  flushKernelRangeAllCpus(cpu: number, startVpn: number, pages: number): void;
}

/** Options every allocator understands; each reads the ones that apply to it. */
export interface AllocatorOptions {
  /** Shared slots (rfc-v1, dev-snapshot; default 4) or normal slots (rfc-later; default 3). */
  slots?: number | undefined;
  /** kmap-local stack depth (KM_MAX_IDX, default 16). */
  kmapSlots?: number | undefined;
  /** vmap-block block size in pages. */
  vmapBlockPages?: number | undefined;
  /** vmap-block lazy purge threshold in pages (default: lazy_max_pages() for the online CPUs). */
  vmapLazyPages?: number | undefined;
  /** tlb_single_page_flush_ceiling (33). */
  flushCeilingPages?: number | undefined;
  /** online CPUs (vmap-block scales its lazy threshold with them). */
  onlineCpus?: number | undefined;
  /** told of per-CPU state made on first use (the machine's StateMeter) */
  meter?: StateMeter | undefined;
}

/**
 * One mm's allocator: the per-CPU state of one `struct mermap` (or of an alternative policy),
 * for every possible CPU of the machine.
 *
 * get() returns a handle >= 0 (unique within this mm) or -reason; on success `lastBase` holds
 * the first page number of the range. put() returns 0 or -reason; on success `lastBase` and
 * `lastPages` describe the range whose PTEs the caller now rewrites to `unmappedPte`.
 * The machine writes the PTEs and tracks migrate-disable; the allocator only hands out ranges
 * and asks for flushes, exactly as mermap_alloc() does in the kernel.
 */
export interface MermapAllocator {
  readonly name: string;
  readonly geometry: MermapGeometry;
  readonly regionPages: number;
  /** get/put write PTEs through apply_to_*_page_range(), which takes the PTE lock. */
  readonly ptesLocked: boolean;
  /** get writes with apply_to_existing_page_range(): PTEs that are pte_none() are skipped. */
  readonly writesExistingOnly: boolean;
  /** PTE value of an unmapped page of the region (written at prepare and at put). */
  readonly unmappedPte: number;
  /** Slots per CPU (for handles: handle = cpu * slotsPerCpu + slot). */
  readonly slotsPerCpu: number;
  /** mermap_mm_prepare() has run: mm->mermap.cpu is set. */
  prepared: boolean;
  lastBase: number;
  lastPages: number;
  /** Local flushes this allocator asked for, per CPU (tlb_flushes in KUnit builds). */
  readonly flushes: Float64Array;
  /** INVLPGs this allocator issued, per CPU. */
  readonly invlpgs: Float64Array;

  get(cpu: number, pages: number, reserved: boolean, prot: number, inTask: boolean): number;
  /** The PTE write of a successful get failed: free the slot as the kernel's error path does. */
  abortGet(handle: number): void;
  put(handle: number): number;
  /**
   * Policies that flush at put (flush-on-put, kmap-local) do it here: the machine calls it after
   * it has cleared the range's PTEs, as kunmap_local() flushes after pte_clear(). Returns whether
   * it changed what regionUsage() reports for the CPU (vmap-block's purge once the lazy pages
   * pass their threshold), which the machine then tells its observer (onRegionChange).
   */
  flushAfterPut?(cpu: number, base: number, pages: number): boolean;

  /** CPU a live handle belongs to. */
  handleCpu(handle: number): number;
  /** Pages of the region and where the bump pointer is, as an offset from the CPU's base. */
  nextOffset(cpu: number): number;
  /**
   * Where the region's pages stand now, counted into out:
   *   [0] live       pages of live allocations
   *   [1] reclaimable flush-pending pages a flush would make usable again
   *   [2] pinned     flush-pending pages below a live allocation: unusable even after a flush
   *   [3] free       usable without a flush
   */
  regionUsage(cpu: number, out: Float64Array): void;
  /** Live allocations of a CPU (allocates; for rendering and tests). */
  liveAllocations(cpu: number): LiveAllocation[];
}

export interface LiveAllocation {
  handle: number;
  /** offset of the first page from the CPU's region base, in pages */
  offset: number;
  pages: number;
  reserved: boolean;
}

export type AllocatorFactory = (geometry: MermapGeometry, host: FlushHost, opts: AllocatorOptions) => MermapAllocator;
