import type { MermapGeometry } from '../paging/geometry.js';
import type { AllocatorOptions, FlushHost } from '../mermap/allocator.js';
import { RfcLaterMermap } from '../mermap/rfc-later.js';

/**
 * mermap-reuse: the later posting's mermap (rfc-later, mm/mermap.c mermap_alloc()) with the
 * improvement its own diagram comment leaves out "for simplicity":
 *
 *   TttTTtttttttTAA   free the allocation before last
 *   ^^^^^^^^^^^^^     "This could all be reused now but for simplicity it isn't.
 *                      Another allocation at this point will fail."
 *
 * Here it is reused. When a get finds no room above next_addr, the kernel's step comes first
 * (new_next = the highest live end, flush, continue from there). Only when that fails too does
 * this version try the space below the LOWEST live allocation: if the request fits there, flush
 * and restart at the base, with a limit at that allocation:
 *
 *   TttTTtttttttTAA|_    rfc-later: a get of 1 fails (no_space)
 *   A____________AA|_    here: one flush, the get lands at 0; the window is [next, limit=13)
 *   TAa__________AA|_    gets bump up to the limit without a flush ...
 *   TTt__________TT|_    ... and once nothing fits below it, the kernel's step runs again
 *
 *   nextAddr[cpu]   next_addr
 *   limit[cpu]      where bumping stops: the region end, or the lowest live allocation's base
 *                   after a flush that restarted below it. A get that would cross it takes
 *                   the out-of-space path (flush) as one crossing cpu_end does.
 *
 * Why it is safe: both steps flush before handing out anything below next_addr, and the window
 * [base, limit) holds no live allocation when it is opened, so every page handed out from it is
 * clean; space at or above the limit is only reached through another flush.
 *
 * The lowest live allocation is looked for among all slots, the reserve included (a live
 * reserve fails the get after the flush anyway, §8.1, but the window must not cover it). The
 * kernel's step keeps rfc-later's new_next over the normal slots only, quirk included.
 * Reserved gets: rfc-later's 3 normal + 1 reserve slot semantics, unchanged.
 *
 * Left out: gaps between two live allocations are still not reused (that needs a free list,
 * which the kernel's "extremely stupid allocator" avoids); only the space below the lowest one.
 */
export class MermapReuse extends RfcLaterMermap {
  /** one line for listings: what this allocator is (the registry's summary) */
  static override readonly summary: string =
    'rfc-later that also reuses the space below the lowest live allocation after a flush';
  override readonly name: string = 'mermap-reuse';
  private readonly limit: Float64Array;

  constructor(geometry: MermapGeometry, host: FlushHost, opts: AllocatorOptions) {
    super(geometry, host, opts);
    const n = geometry.possibleCpus;
    this.limit = new Float64Array(n);
    for (let c = 0; c < n; c++) this.limit[c] = this.cpuBase[c] + this.regionPages;
  }

  protected override windowEnd(cpu: number, cpuEnd: number): number {
    const l = this.limit[cpu];
    return Math.min(l, cpuEnd);
  }

  protected override makeRoom(cpu: number, pages: number, cpuEnd: number): boolean {
    const regionEnd = this.cpuBase[cpu] + this.regionPages;
    if (super.makeRoom(cpu, pages, cpuEnd)) {
      this.limit[cpu] = regionEnd;
      return true;
    }
    // below the lowest live allocation
    const base = this.cpuBase[cpu];
    const s0 = cpu * this.slotsPerCpu;
    let low = regionEnd;
    for (let i = 0; i < this.slotsPerCpu; i++) {
      if (this.inUse[s0 + i] !== 0 && this.base[s0 + i] < low) low = this.base[s0 + i];
    }
    const end = Math.min(low, cpuEnd);
    if (pages > end - base) return false;
    this.flushTlb(cpu);
    this.nextAddr[cpu] = base;
    this.limit[cpu] = low;
    return true;
  }

  /**
   * As MermapCpuState's, but what a flush makes usable includes the space below the lowest live
   * allocation; only gaps between live allocations stay pinned.
   *   free         [next_addr, limit): usable without a flush
   *   pinned       non-live pages between the lowest and the highest live allocation, outside
   *                that window (after a restart below a live allocation the window is between
   *                live allocations too)
   *   reclaimable  the rest of the non-live pages: a flush takes the space above the highest
   *                or below the lowest live allocation
   */
  override regionUsage(cpu: number, out: Float64Array): void {
    const base = this.cpuBase[cpu];
    const regionEnd = base + this.regionPages;
    const s0 = cpu * this.slotsPerCpu;
    let live = 0;
    let low = regionEnd;
    let top = base;
    for (let i = 0; i < this.slotsPerCpu; i++) {
      const h = s0 + i;
      if (this.inUse[h] === 0) continue;
      live += this.end[h] - this.base[h];
      if (this.base[h] < low) low = this.base[h];
      if (this.end[h] > top) top = this.end[h];
    }
    const lim = Math.min(this.limit[cpu], regionEnd);
    const next = this.nextAddr[cpu];
    const free = Math.max(0, lim - next);
    let pinned = 0;
    if (live > 0) {
      const overlap = Math.max(0, Math.min(lim, top) - Math.max(next, low));
      pinned = Math.max(0, top - low - live - overlap);
    }
    out[0] = live;
    out[1] = this.regionPages - live - free - pinned;
    out[2] = pinned;
    out[3] = free;
  }
}
