import { FLUSH_CEILING_PAGES } from '../defaults.js';
import type { MermapGeometry } from '../paging/geometry.js';
import { PTE_NONE, Pte } from '../paging/pte.js';
import type { AllocatorOptions, FlushHost, LiveAllocation, MermapAllocator } from '../mermap/allocator.js';
import { AllocatorBase } from '../mermap/allocator-base.js';
import { Reason } from '../mermap/reasons.js';
import { defaultVmapBlockPages, lazyMaxPages, pow2Ceil } from './vmap-sizes.js';
import type { StateMeter } from '../util/state-bytes.js';

const UNUSED = 0;
const ACTIVE = 1;
const LAZY = 2;

/**
 * vmap-block: the per-CPU vmap_block allocator behind vm_map_ram() / vm_unmap_ram()
 * (mm/vmalloc.c: vb_alloc(), new_vmap_block(), vb_free(), free_vmap_block(),
 * purge_fragmented_block(), __purge_vmap_area_lazy(); kernel-analogues §1a), placed in the
 * mermap's region so mermap_mm_prepare()'s page tables cover it:
 *
 *   CPU n's region, B = floor(R / blockPages) blocks at fixed places (pages past B blocks unused)
 *
 *   | block 0          | block 1          | block 2          | block 3          |
 *   | AaAaaAttT_______ | TttttttttttttttT | ________________ | AA______________ |
 *     active             lazy               unused             active
 *
 *   unused   no vmap_block: the VA is free and flushed (new_vmap_block() takes the lowest)
 *   active   a vmap_block of this CPU. Bump pointer at blockPages - free; below it every page
 *            is live or dirty (freed: PTEs cleared, NOT flushed); dirty counts them and
 *            [dirtyMin, dirtyMax) spans them. Freed space is never reused inside a block.
 *   lazy     dirty == blockPages: free_vmap_block() queued the whole block on the lazy list;
 *            its VA comes back only after a purge has flushed it
 *
 *   free list   this CPU's active blocks with free > 0, oldest first; new blocks go to the tail
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
export class VmapBlock extends AllocatorBase implements MermapAllocator {
  /** one line for listings: what this allocator is (the registry's summary) */
  static readonly summary: string =
    'vm_map_ram() per-CPU vmap blocks: dirty until a lazy purge flushes on all CPUs by IPI';
  readonly name: string = 'vmap-block';
  readonly ptesLocked: boolean = false; // vmap_pages_range() takes no PTE lock
  readonly writesExistingOnly: boolean = false;
  readonly unmappedPte: number = PTE_NONE; // vunmap_range_noflush() clears
  readonly slotsPerCpu: number;

  /** VMAP_BBMAP_BITS: pages per block */
  readonly blockPages: number;
  /** blocks per CPU */
  readonly blocksPerCpu: number;
  /** lazy_max_pages(): a put that leaves more lazy pages than this purges */
  readonly lazyMaxPages: number;
  readonly flushCeilingPages: number;

  // per block, index cpu * B + k
  private readonly state: Uint8Array;
  /** vb->free: pages not handed out yet */
  private readonly vbFree: Int32Array;
  /** vb->dirty */
  private readonly dirty: Int32Array;
  /** vb->dirty_min / dirty_max, block-relative; empty as (blockPages, 0) */
  private readonly dirtyMin: Int32Array;
  private readonly dirtyMax: Int32Array;
  /** live allocations in the block */
  private readonly live: Int32Array;
  /** vbq->free: per CPU, block numbers in list order, freeLen[cpu] of them */
  private readonly freeList: Int32Array;
  private readonly freeLen: Int32Array;
  /** pages of this CPU's lazy blocks (the kernel's vmap_lazy_nr, per CPU) */
  private readonly lazyPages: Float64Array;
  /** per CPU, made at its first get: at an allocation's offset, pages * 2 + reserved; 0 = none */
  private readonly info: (Int32Array | undefined)[];
  /** told of each CPU's info array as it is made */
  private readonly meter: StateMeter | null;

  constructor(geometry: MermapGeometry, host: FlushHost, opts: AllocatorOptions) {
    super(geometry, host);
    this.slotsPerCpu = geometry.regionPages;
    const bp = opts.vmapBlockPages ?? defaultVmapBlockPages(geometry.possibleCpus, geometry.regionPages);
    if (!Number.isInteger(bp) || bp < 1 || bp > geometry.regionPages) {
      throw new RangeError(
        `vmapBlockPages must be a whole number in 1..${geometry.regionPages} (the region), got ${bp}`,
      );
    }
    this.blockPages = bp;
    this.blocksPerCpu = Math.floor(geometry.regionPages / bp);
    const lazy = opts.vmapLazyPages ?? lazyMaxPages(opts.onlineCpus ?? geometry.possibleCpus);
    if (!(lazy >= 0)) throw new RangeError(`vmapLazyPages must be >= 0, got ${lazy}`);
    this.lazyMaxPages = lazy;
    this.meter = opts.meter ?? null;
    this.flushCeilingPages = opts.flushCeilingPages ?? FLUSH_CEILING_PAGES;
    const n = geometry.possibleCpus;
    const nb = n * this.blocksPerCpu;
    this.state = new Uint8Array(nb);
    this.vbFree = new Int32Array(nb);
    this.dirty = new Int32Array(nb);
    this.dirtyMin = new Int32Array(nb);
    this.dirtyMax = new Int32Array(nb);
    this.live = new Int32Array(nb);
    this.freeList = new Int32Array(nb);
    this.freeLen = new Int32Array(n);
    this.lazyPages = new Float64Array(n);
    this.info = new Array<Int32Array | undefined>(n).fill(undefined);
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

  /** Where the next get of one page would land: the first listed block's bump pointer, else the lowest unused block; R if neither. */
  nextOffset(cpu: number): number {
    const B = this.blocksPerCpu;
    if (this.freeLen[cpu] > 0) {
      const k = this.freeList[cpu * B];
      return k * this.blockPages + this.blockPages - this.vbFree[cpu * B + k];
    }
    for (let k = 0; k < B; k++) if (this.state[cpu * B + k] === UNUSED) return k * this.blockPages;
    return this.regionPages;
  }

  /**
   * Per block: unused -> free; lazy -> reclaimable; active -> its un-bumped pages free, its live
   * allocations (power-of-two sizes) live, its dirty pages reclaimable when nothing in the block
   * is live (a purge takes the block) and pinned otherwise. Pages past the last block are not
   * counted: the four add up to B * blockPages.
   */
  regionUsage(cpu: number, out: Float64Array): void {
    const B = this.blocksPerCpu;
    const bp = this.blockPages;
    let live = 0;
    let reclaimable = 0;
    let pinned = 0;
    let free = 0;
    for (let k = 0; k < B; k++) {
      const j = cpu * B + k;
      const st = this.state[j];
      if (st === UNUSED) free += bp;
      else if (st === LAZY) reclaimable += bp;
      else {
        free += this.vbFree[j];
        live += bp - this.vbFree[j] - this.dirty[j];
        if (this.live[j] === 0) reclaimable += this.dirty[j];
        else pinned += this.dirty[j];
      }
    }
    out[0] = live;
    out[1] = reclaimable;
    out[2] = pinned;
    out[3] = free;
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

  // ---- internals -------------------------------------------------------------------------

  /** vb_alloc() without the purge: an offset in the CPU's region, or -1. */
  private vbAlloc(cpu: number, size: number): number {
    const B = this.blocksPerCpu;
    const bp = this.blockPages;
    const b0 = cpu * B;
    const len = this.freeLen[cpu];
    for (let i = 0; i < len; i++) {
      const k = this.freeList[b0 + i];
      const j = b0 + k;
      if (this.vbFree[j] < size) continue;
      const off = bp - this.vbFree[j];
      this.vbFree[j] -= size;
      if (this.vbFree[j] === 0) this.unlist(cpu, i);
      return k * bp + off;
    }
    // new_vmap_block(): the lowest free VA
    for (let k = 0; k < B; k++) {
      const j = b0 + k;
      if (this.state[j] !== UNUSED) continue;
      this.state[j] = ACTIVE;
      this.vbFree[j] = bp - size;
      this.dirty[j] = 0;
      this.dirtyMin[j] = bp;
      this.dirtyMax[j] = 0;
      this.live[j] = 0;
      if (this.vbFree[j] > 0) this.freeList[b0 + this.freeLen[cpu]++] = k;
      return k * bp;
    }
    return -1;
  }

  /** vb_free(); false if the handle is not a live allocation. */
  private free(handle: number): boolean {
    const cpu = this.handleCpu(handle);
    const off = handle - cpu * this.regionPages;
    const info = this.info[cpu];
    if (info === undefined || info[off] === 0) return false; // WARN: not mapped
    const pages = info[off] >> 1;
    info[off] = 0;
    const size = pow2Ceil(pages);
    const bp = this.blockPages;
    const k = Math.floor(off / bp);
    const j = cpu * this.blocksPerCpu + k;
    const s = off - k * bp;
    this.live[j]--;
    if (s < this.dirtyMin[j]) this.dirtyMin[j] = s;
    if (s + size > this.dirtyMax[j]) this.dirtyMax[j] = s + size;
    this.dirty[j] += size;
    if (this.dirty[j] === bp) {
      // free_vmap_block(): the whole block to the lazy list (free is 0: it is off the free list)
      this.state[j] = LAZY;
      this.dirtyMin[j] = 0;
      this.dirtyMax[j] = bp;
      this.lazyPages[cpu] += bp;
    }
    this.lastBase = this.cpuBase[cpu] + off;
    this.lastPages = pages;
    return true;
  }

  /**
   * purge_fragmented_blocks() (when `fragmented`) then __purge_vmap_area_lazy() for this CPU's
   * blocks: one range flush on all online CPUs, every purged block unused again. False when
   * there was nothing to purge (no flush).
   */
  private purge(cpu: number, fragmented: boolean): boolean {
    const B = this.blocksPerCpu;
    const bp = this.blockPages;
    const b0 = cpu * B;
    let lo = this.regionPages;
    let hi = 0;
    for (let k = 0; k < B; k++) {
      const j = b0 + k;
      if (fragmented && this.state[j] === ACTIVE && this.live[j] === 0 && this.dirty[j] > 0) {
        // purge_fragmented_block(): no more allocations, "prevent purging it again"
        for (let i = 0; i < this.freeLen[cpu]; i++) {
          if (this.freeList[b0 + i] === k) {
            this.unlist(cpu, i);
            break;
          }
        }
        this.vbFree[j] = 0;
        this.dirty[j] = bp;
        this.dirtyMin[j] = 0;
        this.dirtyMax[j] = bp;
        this.state[j] = LAZY;
        this.lazyPages[cpu] += bp;
      }
      if (this.state[j] !== LAZY) continue;
      // a freed block's whole VA is flushed: its dirty range is [0, blockPages)
      const s = k * bp + this.dirtyMin[j];
      const e = k * bp + this.dirtyMax[j];
      if (s < lo) lo = s;
      if (e > hi) hi = e;
      this.state[j] = UNUSED;
    }
    if (hi <= lo) return false;
    this.lazyPages[cpu] = 0;
    this.flushes[cpu]++;
    const span = hi - lo;
    if (span <= this.flushCeilingPages) this.invlpgs[cpu] += span;
    this.host.flushKernelRangeAllCpus(cpu, this.cpuBase[cpu] + lo, span);
    return true;
  }

  /** Remove entry i of cpu's free list, keeping the order. */
  private unlist(cpu: number, i: number): void {
    const b0 = cpu * this.blocksPerCpu;
    const len = --this.freeLen[cpu];
    for (let x = i; x < len; x++) this.freeList[b0 + x] = this.freeList[b0 + x + 1];
  }
}
