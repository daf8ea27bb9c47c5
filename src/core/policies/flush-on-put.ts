import { FLUSH_CEILING_PAGES } from '../defaults.js';
import type { MermapGeometry } from '../paging/geometry.js';
import type { AllocatorOptions, FlushHost } from '../mermap/allocator.js';
import { Reason } from '../mermap/reasons.js';
import { RfcLaterMermap } from '../mermap/rfc-later.js';

/**
 * flush-on-put: the mermap's predecessor, the "ephmap" (bjackman/linux mm/ephmap.c, facts sheet
 * §3 "EPH"): every put flushes what it unmapped, on the local CPU, at once:
 *
 *   ephmap_put():  pages <  33   INVLPG each page          (current PCID + any global entry)
 *                  pages >= 33   invpcid_flush_all()       (INVPCID type 2 = __flush_tlb_all)
 *
 * EPH compares `size >> PAGE_SHIFT < 33`, so a 33-page range is a full flush here, while
 * flush_tlb_kernel_range() (tlb_single_page_flush_ceiling, `> 33`) would INVLPG it. The 33 is
 * the `flushCeilingPages` option.
 *
 * Because nothing freed is ever left in a TLB, there is no flush-pending space and no bump
 * pointer to wrap: a get takes the lowest gap between the CPU's live allocations where it fits
 * (first fit). The slots, the reserve and the PTEs are rfc-later's (this class extends it, and
 * its get() never takes rfc-later's out-of-space path), so the mermap's callers see the same
 * contract:
 *
 *   region of CPU n:  [base, base + R)
 *   normal callers:   [base, base + R - 1)        the top page is kept for reserved callers
 *   slots:            normal_allocs[0..S-1] (S = 3) | reserve_alloc (index S)
 *
 *   AaaA_AaaaA______|_    two live allocations; a get of 1 lands at offset 4, a get of 6 at 10
 *   _____AaaaA______|_    the first one put: INVLPG of its 4 pages, its space free at once
 *
 * Order of checks (rfc-later's): size > R, not prepared, _PAGE_GLOBAL, a reserved size other
 * than one page, not in task context; no room anywhere (no_space, nothing flushed: a get never
 * flushes); the reserve slot busy fails every caller; then a free slot.
 *
 * Left out: EPH had one mapping per CPU (a per-CPU in_use flag) and always mapped at the
 * region's base; with at most one live allocation first fit is exactly that. EPH allocated page
 * tables on first use (pte_alloc_map) and took no PTE lock; here the PTEs are rfc-later's (zero
 * when unmapped, no lock). EPH flushed only the current ASI domain's PCID, which the sim does
 * not have.
 *
 *   flushes[cpu]   full flushes (puts of >= ceiling pages)
 *   invlpgs[cpu]   INVLPGs (one per page of every smaller put)
 */
export class FlushOnPut extends RfcLaterMermap {
  /** one line for listings: what this allocator is (the registry's summary) */
  static override readonly summary: string =
    'the ephmap (predecessor): INVLPG per page at every put under 33 pages, else a full flush';
  override readonly name: string = 'flush-on-put';
  /** EPH's 33: ranges of fewer pages are INVLPGed page by page */
  readonly flushCeilingPages: number;

  constructor(geometry: MermapGeometry, host: FlushHost, opts: AllocatorOptions) {
    super(geometry, host, opts);
    this.flushCeilingPages = opts.flushCeilingPages ?? FLUSH_CEILING_PAGES;
  }

  override get(cpu: number, pages: number, reserved: boolean, prot: number, inTask: boolean): number {
    // as every mermap's
    const refused = this.refusal(pages, reserved, prot, inTask);
    if (refused !== 0) return -refused;
    const cpuEnd = this.cpuEndOf(cpu, reserved);
    const at = this.firstFit(cpu, pages, cpuEnd);
    if (at < 0) return -Reason.NO_SPACE;
    const s0 = cpu * this.slotsPerCpu;
    const reserve = this.normalSlots;
    if (this.inUse[s0 + reserve] !== 0) return -Reason.RESERVE_BUSY;
    // claim() allocates at next_addr: point it at the gap (it then means "end of the last get")
    this.nextAddr[cpu] = at;
    if (reserved) return this.claim(cpu, reserve, pages, true);
    // (i counts up before each test, the first included: see RfcV1Mermap.get())
    for (let i = -1; ++i < this.normalSlots; ) {
      if (this.inUse[s0 + i] === 0) return this.claim(cpu, i, pages, false);
    }
    return -Reason.NO_SLOT;
  }

  /**
   * Lowest start in [base, cpuEnd - pages] not overlapping a live allocation, or -1. The
   * candidates are the base and the end of every live allocation (a lowest gap starts at one).
   */
  private firstFit(cpu: number, pages: number, cpuEnd: number): number {
    const s0 = cpu * this.slotsPerCpu;
    const S = this.slotsPerCpu;
    let best = -1;
    for (let c = -1; c < S; c++) {
      let start: number;
      if (c < 0) start = this.cpuBase[cpu];
      else if (this.inUse[s0 + c] !== 0) start = this.end[s0 + c];
      else continue;
      if (start + pages > cpuEnd || (best >= 0 && start >= best)) continue;
      let clear = true;
      for (let i = 0; i < S; i++) {
        const h = s0 + i;
        if (this.inUse[h] !== 0 && this.base[h] < start + pages && this.end[h] > start) {
          clear = false;
          break;
        }
      }
      if (clear) best = start;
    }
    return best;
  }

  /** ephmap_put(): the machine has cleared the PTEs; flush them from this CPU's TLB now. */
  flushAfterPut(cpu: number, base: number, pages: number): boolean {
    if (pages < this.flushCeilingPages) {
      for (let i = 0; i < pages; i++) this.host.invlpg(cpu, base + i);
      this.invlpgs[cpu] += pages;
    } else {
      this.flushTlb(cpu); // invpcid_flush_all()
    }
    return false; // (nothing was flush-pending: the region reads the same)
  }

  /** Nothing is ever flush-pending: every page is live or free. */
  override regionUsage(cpu: number, out: Float64Array): void {
    let live = 0;
    const s0 = cpu * this.slotsPerCpu;
    for (let i = 0; i < this.slotsPerCpu; i++) {
      if (this.inUse[s0 + i] !== 0) live += this.end[s0 + i] - this.base[s0 + i];
    }
    out[0] = live;
    out[1] = 0;
    out[2] = 0;
    out[3] = this.regionPages - live;
  }
}
