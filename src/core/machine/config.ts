import type { AllocatorOptions, MermapAllocator } from '../mermap/allocator.js';
import type { MmStamps } from '../checker-stamps.js';
import type { PageSizeName, PagingLevels } from '../paging/geometry.js';
import type { PageTable } from '../paging/page-table.js';
import type { TlbConfig } from '../tlb/index.js';
import type { MermapPteIndex } from './pte-index.js';

/**
 * A machine of N possible CPUs (the first `onlineCpus` of them online), any number of mms and
 * tasks, each mm with its own x86-64 page tables and its own mermap, each CPU with its own TLB.
 *
 *   CPU c:  tlb[c]   currentTask[c] -> task -> mm -> { PageTable, MermapAllocator, PCID }
 *
 * mermapGet()/mermapPut() are __mermap_get()/__mermap_put(): the allocator picks the range (and
 * may flush this CPU's TLB through the FlushHost below, a real __flush_tlb_all() on the TLB
 * model), then the machine writes the PTEs of that mm's tables and keeps the task's
 * migrate-disable depth. The checker watches all of it.
 *
 * Kernel addresses outside the mm-local PGD slot are shared by every mm (one kernel PageTable);
 * user addresses and the mm-local slot (the mermap) belong to each mm.
 */
export interface MachineConfig {
  possibleCpus: number;
  onlineCpus?: number | undefined;
  pagingLevels?: PagingLevels | undefined;
  regionPages?: number | undefined;
  /** the allocator registry's name (src/core/allocators.ts): a kernel version of the mermap or an alternative policy */
  variant?: string | undefined;
  allocatorOptions?: AllocatorOptions | undefined;
  tlb?: string | TlbConfig | undefined;
  /**
   * The leaves the kernel page tables map the direct map with (default
   * DEFAULT_DIRECT_MAP_PAGE_SIZE): '4k' PTEs, '2m' PMD leaves or '1g' PUD leaves. A global
   * access to the direct map walks to that leaf and fills one TLB entry of that size.
   */
  directMapPageSize?: PageSizeName | undefined;
  /**
   * PCID on (default): each CPU tags TLB entries with one of TLB_NR_DYN_ASIDS = 6 dynamic ASIDs
   * (arch/x86/include/asm/tlbflush.h), handed to mms round robin as in choose_new_asid(); a CR3
   * write keeps the entries of mms that still hold an ASID there. PCID off: every CR3 write
   * flushes the non-global entries.
   */
  pcid?: boolean | undefined;
  /**
   * A shadow TLB per online CPU (default off): fed the same accesses, flushed by CR3 writes but
   * never by the mermap, for tlb.shadowMisses and tlb.collateralRefills (issue 12 §3). It
   * doubles the TLB work of every access.
   */
  shadowTlb?: boolean | undefined;
  /** the checker (default on) */
  checker?: boolean | undefined;
  /**
   * A PREEMPT_RT kernel (default false): the PTE spinlock sleeps, so the checker reports
   * lock_in_atomic (facts §8.2), once per call site.
   */
  preemptRt?: boolean | undefined;
}

export interface MachineObserver {
  onGet?(
    cpu: number,
    mm: number,
    task: number,
    handle: number,
    baseVpn: number,
    pages: number,
    reserved: boolean,
  ): void;
  onGetFail?(cpu: number, mm: number, task: number, reason: number, pages: number, reserved: boolean): void;
  onPut?(cpu: number, mm: number, task: number, handle: number, baseVpn: number, pages: number): void;
  /** a flush on `cpu` (kind: FLUSH_* of src/core/tlb); for INVLPG, vpn is the page, else -1 */
  onFlush?(cpu: number, kind: number, pages: number, vpn: number): void;
  /**
   * mm's region of `cpu` changed after the put told of above (its onPut): the allocator's
   * flushAfterPut() freed space (vmap-block's purge), so a region read at onPut is out of date
   */
  onRegionChange?(cpu: number, mm: number): void;
}

/**
 * One observer that forwards to several (the machine holds a single observer so that an absent
 * one costs a null check per event).
 */
export function combineObservers(list: MachineObserver[]): MachineObserver | null {
  if (list.length === 0) return null;
  if (list.length === 1) return list[0];
  const has = (k: keyof MachineObserver) => list.filter((o) => o[k] !== undefined);
  const gets = has('onGet');
  const fails = has('onGetFail');
  const puts = has('onPut');
  const flushes = has('onFlush');
  const changes = has('onRegionChange');
  const out: MachineObserver = {};
  if (gets.length) out.onGet = (...a) => gets.forEach((o) => o.onGet!(...a));
  if (fails.length) out.onGetFail = (...a) => fails.forEach((o) => o.onGetFail!(...a));
  if (puts.length) out.onPut = (...a) => puts.forEach((o) => o.onPut!(...a));
  if (flushes.length) out.onFlush = (...a) => flushes.forEach((o) => o.onFlush!(...a));
  if (changes.length) out.onRegionChange = (...a) => changes.forEach((o) => o.onRegionChange!(...a));
  return out;
}

/** TLB_NR_DYN_ASIDS (arch/x86/include/asm/tlbflush.h): dynamic ASIDs per CPU. */
export const TLB_NR_DYN_ASIDS = 6;

export interface MmRec {
  id: number;
  pt: PageTable;
  /** where the mermap's PTEs are in pt.ptes */
  pteIdx: MermapPteIndex;
  alloc: MermapAllocator;
  /** alloc.unmappedPte when that value is not present (the common old PTE of a get), else -1 */
  unmappedAbsent: number;
  stamps: MmStamps;
  prepareTablePages: number;
  prepareBytes: number;
  preparePteWrites: number;
  /** 1 once a CPU's region has its tables and unmapped PTEs in `pt` (see mermapMmPrepare) */
  regionReady: Uint8Array;
  /** 1 for a handle taken by a reserved get (made on the mm's first reserved get) */
  reservedHandle: Uint8Array | null;
  /** some get of this mm reached outside its CPU's region: other CPUs' TLBs may hold its pages */
  crossedRegion: boolean;
  /** the process exited (Machine.exitMm()): its tables and stamps are gone */
  exited: boolean;
}

/** user half: below 2^47 (4-level) or 2^56 (5-level), in pages */
export function userTopVpn(levels: PagingLevels): number {
  return levels === 5 ? 2 ** 44 : 2 ** 35;
}
