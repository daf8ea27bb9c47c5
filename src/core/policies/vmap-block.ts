import type { MermapGeometry } from '../paging/geometry.js';
import { PTE_NONE, Pte } from '../paging/pte.js';
import type { AllocatorOptions, FlushHost, LiveAllocation, MermapAllocator } from '../mermap/allocator.js';
import { Reason } from '../mermap/reasons.js';
import { VmapBlockQueue } from './vmap-block-queue.js';
import { pow2Ceil } from './vmap-sizes.js';
import type { StateMeter } from '../util/state-bytes.js';

/**
 * vmap-block: the per-CPU vmap_block allocator behind vm_map_ram() / vm_unmap_ram()
 * (mm/vmalloc.c: vb_alloc(), new_vmap_block(), vb_free(), free_vmap_block(),
 * purge_fragmented_block(), __purge_vmap_area_lazy(); kernel-analogues §1a), placed in the
 * mermap's region so mermap_mm_prepare()'s page tables cover it. Its blocks, their states
 * (unused, active, lazy, with a diagram) and the purge are in ./vmap-block-queue.ts.
 *
 * get (vb_alloc): the size is rounded up to a power of two (get_order()); the first block on
 * the free list with enough free space bumps; else new_vmap_block() takes the lowest unused
 * block; else purge_vmap_area_lazy() (lazy blocks, plus fragmented ones: active, no live
 * allocation, some dirty) and retry once; else no_block.
 *
 * put (vb_free): the range becomes dirty; a block whose pages are all dirty goes lazy and adds
 * blockPages to the lazy count. When the lazy count passes the threshold (lazy_max_pages() =
 * fls(online CPUs) * 8192 pages by default, the `vmapLazyPages` option), the put purges the
 * lazy blocks only, as drain_vmap_work does (fragmented blocks wait for an allocation failure).
 * With the kernel's threshold and 512-page regions the count never gets there: purges happen
 * only when a get finds no room, much as the mermap flushes only when its window wraps.
 *
 * Purge: ONE flush_tlb_kernel_range() over [lowest, highest) of the purged blocks' dirty spans
 * (whole blocks, as the kernel frees whole vmap areas), through host.flushKernelRangeAllCpus():
 * on EVERY online CPU, the others by IPI; INVLPG per page up to the ceiling (33), a full flush
 * past it. That is what vmap really pays, and what the mermap avoids: vmap addresses are global
 * kernel addresses any CPU may have cached, so it shoots down everywhere, where the mermap's
 * per-mm, per-CPU window lets it flush only the local TLB.
 *
 * Semantics chosen for the mermap's interface:
 *   - a reserved get is a one-page vm_map_ram() like any other (bad_reserved_size otherwise);
 *     vmap has no reserve, so mermap_get_reserved()'s promise is not kept (it can fail with
 *     no_block), and a purge from it would be an IPI with IRQs off, which the kernel forbids
 *   - in_task is required (vm_map_ram() may sleep): not_in_task
 *   - _PAGE_GLOBAL is refused (global_prot): the region is mm-local
 *   - a request whose power-of-two size exceeds a block is too_large
 *
 * Left out: requests above VMAP_MAX_ALLOC (64 pages) go to the global vmap_area allocator in
 * the kernel; here every request that fits a block is served from the blocks and the global
 * path does not exist. The kernel's lazy list and threshold are global (vmap_lazy_nr) and a
 * purge flushes every CPU's lazy areas at once, asynchronously (drain_vmap_work); here the
 * lazy count and purge are per CPU and synchronous, run by the CPU that owns the blocks: the
 * region is non-global and per mm, and an INVLPG sent to a CPU running another mm would miss
 * this mm's entries there. vm_unmap_aliases() (flushing active blocks' dirty ranges before
 * page-attribute changes) and VMAP_PURGE_THRESHOLD (sparing usable fragmented blocks outside
 * forced purges) are not modelled.
 *
 *   flushes[cpu]   purges started on cpu (one flush_tlb_kernel_range() each)
 *   invlpgs[cpu]   INVLPGs those purges ran on cpu itself (the remote ones: Machine.remoteInvlpgs)
 *   handle         cpu * R + the allocation's page offset in the region
 */
export class VmapBlock extends VmapBlockQueue implements MermapAllocator {
  /** one line for listings: what this allocator is (the registry's summary) */
  static readonly summary: string =
    'vm_map_ram() per-CPU vmap blocks: dirty until a lazy purge flushes on all CPUs by IPI';
  readonly name: string = 'vmap-block';
  readonly ptesLocked: boolean = false; // vmap_pages_range() takes no PTE lock
  readonly writesExistingOnly: boolean = false;
  readonly unmappedPte: number = PTE_NONE; // vunmap_range_noflush() clears
  readonly slotsPerCpu: number;

  /** per CPU, made at its first get: at an allocation's offset, pages * 2 + reserved; 0 = none */
  private readonly info: (Int32Array | undefined)[];
  /** told of each CPU's info array as it is made */
  private readonly meter: StateMeter | null;

  constructor(geometry: MermapGeometry, host: FlushHost, opts: AllocatorOptions) {
    super(geometry, host, opts);
    this.slotsPerCpu = geometry.regionPages;
    this.meter = opts.meter ?? null;
    this.info = new Array<Int32Array | undefined>(geometry.possibleCpus).fill(undefined);
  }

  get(cpu: number, pages: number, reserved: boolean, prot: number, inTask: boolean): number {
    if (pages > this.regionPages) return -Reason.TOO_LARGE;
    if (!this.prepared) return -Reason.NOT_PREPARED;
    if ((prot & Pte.GLOBAL) !== 0) return -Reason.GLOBAL_PROT;
    if (reserved && pages !== 1) return -Reason.BAD_RESERVED_SIZE;
    if (!inTask) return -Reason.NOT_IN_TASK; // might_sleep()
    const size = pow2Ceil(pages);
    if (size > this.blockPages) return -Reason.TOO_LARGE;
    let off = this.vbAlloc(cpu, size);
    if (off < 0) {
      // alloc_vmap_area() failed: purge_vmap_area_lazy() and retry once
      if (this.purge(cpu, true)) off = this.vbAlloc(cpu, size);
      if (off < 0) return -Reason.NO_BLOCK;
    }
    let info = this.info[cpu];
    if (info === undefined) {
      info = new Int32Array(this.regionPages);
      this.info[cpu] = info;
      this.meter?.add(info.byteLength);
    }
    info[off] = pages * 2 + (reserved ? 1 : 0);
    this.live[cpu * this.blocksPerCpu + Math.floor(off / this.blockPages)]++;
    this.lastBase = this.cpuBase[cpu] + off;
    this.lastPages = pages;
    return cpu * this.regionPages + off;
  }

  abortGet(handle: number): void {
    // vm_map_ram()'s error path: vm_unmap_ram(), i.e. vb_free() without a flush
    this.free(handle);
  }

  put(handle: number): number {
    return this.free(handle) ? 0 : -Reason.NOT_IN_USE;
  }

  /**
   * The lazy threshold is checked once the PTEs are cleared (free_vmap_area_noflush()): past
   * lazy_max_pages() the put purges. Returns whether a purge ran (it changed the region).
   */
  flushAfterPut(cpu: number, _base: number, _pages: number): boolean {
    return this.lazyPages[cpu] > this.lazyMaxPages && this.purge(cpu, false);
  }

  handleCpu(handle: number): number {
    return Math.floor(handle / this.regionPages);
  }

  liveAllocations(cpu: number): LiveAllocation[] {
    const out: LiveAllocation[] = [];
    const info = this.info[cpu];
    if (info === undefined) return out;
    for (let off = 0; off < this.regionPages; off++) {
      const v = info[off];
      if (v !== 0)
        out.push({ handle: cpu * this.regionPages + off, offset: off, pages: v >> 1, reserved: (v & 1) === 1 });
    }
    return out;
  }

  /** Lazy pages of a CPU (vmap_lazy_nr's share), for tests and metrics. */
  lazyPagesOf(cpu: number): number {
    return this.lazyPages[cpu];
  }

  /** vb_free(); false if the handle is not a live allocation. */
  private free(handle: number): boolean {
    const cpu = this.handleCpu(handle);
    const off = handle - cpu * this.regionPages;
    const info = this.info[cpu];
    if (info === undefined || info[off] === 0) return false; // WARN: not mapped
    const pages = info[off] >> 1;
    info[off] = 0;
    this.dirtyRange(cpu, off, pow2Ceil(pages));
    this.lastBase = this.cpuBase[cpu] + off;
    this.lastPages = pages;
    return true;
  }
}
