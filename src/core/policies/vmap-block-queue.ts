import { FLUSH_CEILING_PAGES } from '../defaults.js';
import type { MermapGeometry } from '../paging/geometry.js';
import type { AllocatorOptions, FlushHost } from '../mermap/allocator.js';
import { AllocatorBase } from '../mermap/allocator-base.js';
import { defaultVmapBlockPages, lazyMaxPages } from './vmap-sizes.js';

const UNUSED = 0;
const ACTIVE = 1;
const LAZY = 2;

/**
 * The vmap-block policy's blocks (./vmap-block.ts hands out and takes back ranges with them):
 * each CPU's vmap_block_queue, its blocks' states and counts, and the purge that flushes them.
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
 */
export abstract class VmapBlockQueue extends AllocatorBase {
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
  protected readonly live: Int32Array;
  /** vbq->free: per CPU, block numbers in list order, freeLen[cpu] of them */
  private readonly freeList: Int32Array;
  private readonly freeLen: Int32Array;
  /** pages of this CPU's lazy blocks (the kernel's vmap_lazy_nr, per CPU) */
  protected readonly lazyPages: Float64Array;

  constructor(geometry: MermapGeometry, host: FlushHost, opts: AllocatorOptions) {
    super(geometry, host);
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

  /** vb_alloc() without the purge: an offset in the CPU's region, or -1. */
  protected vbAlloc(cpu: number, size: number): number {
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

  /**
   * vb_free()'s block side: [off, off + size) of the CPU's region becomes dirty; a block whose
   * pages are all dirty goes lazy and adds its pages to the lazy count.
   */
  protected dirtyRange(cpu: number, off: number, size: number): void {
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
  }

  /**
   * purge_fragmented_blocks() (when `fragmented`) then __purge_vmap_area_lazy() for this CPU's
   * blocks: one range flush on all online CPUs, every purged block unused again. False when
   * there was nothing to purge (no flush).
   */
  protected purge(cpu: number, fragmented: boolean): boolean {
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
