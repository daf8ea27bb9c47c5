import { KM_MAX_IDX } from '../defaults.js';
import type { MermapGeometry } from '../paging/geometry.js';
import { PTE_NONE, Pte } from '../paging/pte.js';
import type { AllocatorOptions, FlushHost, LiveAllocation, MermapAllocator } from '../mermap/allocator.js';
import { AllocatorBase } from '../mermap/allocator-base.js';
import { Reason } from '../mermap/reasons.js';

/**
 * kmap-local: kmap_local_page() / kunmap_local() (mm/highmem.c, __kmap_local_pfn_prot() and
 * kunmap_local_indexed(); include/asm-generic/kmap_size.h), kernel-analogues §1b.
 *
 * A per-CPU stack of K single-page slots (KM_MAX_IDX = 16, the `kmapSlots` option), slot i at
 * page i of the CPU's region (the kernel's fixmap index idx + KM_MAX_IDX * cpu):
 *
 *   slot:   0 1 2 3 4 5 ... K-1
 *           A A A _ _ _ ... _        depth 3: slots 0..2 mapped, the next push takes slot 3
 *
 *   push    slot = depth++          (BUG_ON(idx >= KM_MAX_IDX): here a failure, stack_full)
 *   pop     only the top slot:      depth--, pte_clear(), then arch_kmap_local_post_unmap() =
 *                                   flush_tlb_one_kernel(): ONE local INVLPG, never an IPI
 *
 * So a slot is always flushed before it is pushed again: no flush-pending space, no wrap, and
 * one INVLPG per put where the mermap pays one full flush per wrap of its window.
 *
 * Which kernel this is: x86-64 has no HIGHMEM, so there kmap_local_page() normally maps
 * nothing: __kmap_local_page_prot() returns page_address(), the direct-map address, unless
 * CONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP is set, when it maps through the KMAP_LOCAL fixmap slots
 * (arch/x86/include/asm/fixmap.h, FIX_KMAP_BEGIN..FIX_KMAP_END). An __GFP_UNMAPPED page has no
 * direct-map entry, so only the forced-map path could reach it. What is modelled here is that
 * path (the one 32-bit HIGHMEM kernels always take), with the slots moved into the mm-local
 * region: the cost of the mechanism, not what a stock x86-64 kernel runs.
 *
 * Semantics chosen for the mermap's interface:
 *   - every get maps exactly one page; a get of more is too_large (a kmap_local caller maps a
 *     multi-page range one page at a time, nesting one slot per page)
 *   - a reserved get is an ordinary push (kmap_local works with IRQs off and in IRQ context,
 *     so in_task is not checked); its size must be one page (bad_reserved_size)
 *   - _PAGE_GLOBAL is refused (global_prot): the slots live in the mm-local region
 *   - a put of a live slot that is not the top is refused (not_lifo) and changes nothing
 *
 * Left out: the stack is per task in the kernel (current->kmap_ctrl), unmapped at
 * kmap_local_sched_out() and remapped at sched_in, so preempted holders on one CPU each have a
 * stack; here the tasks of a CPU share one. The kernel's real fixmap slots are in init_mm and
 * mapped with kmap_prot (global unless PTI); here they are in the mm's mermap region. With
 * CONFIG_DEBUG_KMAP_LOCAL every second slot is a guard page (33 indices); not modelled. The
 * kernel WARNs on an out-of-order kunmap_local() and then pops the top slot anyway; the sim
 * refuses the put instead.
 *
 *   flushes[cpu]   always 0
 *   invlpgs[cpu]   one per put
 */
export class KmapLocal extends AllocatorBase implements MermapAllocator {
  /** one line for listings: what this allocator is (the registry's summary) */
  static readonly summary: string =
    'kmap_local_page(): per-CPU LIFO stack of 16 one-page slots, one local INVLPG per unmap';
  readonly name: string = 'kmap-local';
  readonly ptesLocked: boolean = false; // set_pte()/pte_clear() on a preallocated fixmap PTE
  readonly writesExistingOnly: boolean = false;
  readonly unmappedPte: number = PTE_NONE;
  /** K: KM_MAX_IDX, at most the region's pages */
  readonly slotsPerCpu: number;
  /** kmap_ctrl.idx per CPU: slots 0..depth-1 are mapped */
  private readonly depth: Int32Array;
  /** slot (cpu * K + i) was pushed by a reserved caller */
  private readonly reservedSlot: Uint8Array;

  constructor(geometry: MermapGeometry, host: FlushHost, opts: AllocatorOptions) {
    super(geometry, host);
    const k = opts.kmapSlots ?? KM_MAX_IDX;
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`kmapSlots must be a whole number >= 1, got ${k}`);
    this.slotsPerCpu = Math.min(k, geometry.regionPages);
    const n = geometry.possibleCpus;
    this.depth = new Int32Array(n);
    this.reservedSlot = new Uint8Array(n * this.slotsPerCpu);
  }

  get(cpu: number, pages: number, reserved: boolean, prot: number, _inTask: boolean): number {
    if (pages > this.regionPages) return -Reason.TOO_LARGE;
    if (!this.prepared) return -Reason.NOT_PREPARED;
    if ((prot & Pte.GLOBAL) !== 0) return -Reason.GLOBAL_PROT;
    if (reserved && pages !== 1) return -Reason.BAD_RESERVED_SIZE;
    if (pages !== 1) return -Reason.TOO_LARGE; // kmap_local_page() maps one page
    const d = this.depth[cpu];
    if (d >= this.slotsPerCpu) return -Reason.STACK_FULL; // BUG_ON(idx >= KM_MAX_IDX)
    this.depth[cpu] = d + 1;
    const h = cpu * this.slotsPerCpu + d;
    this.reservedSlot[h] = reserved ? 1 : 0;
    this.lastBase = this.cpuBase[cpu] + d;
    this.lastPages = 1;
    return h;
  }

  abortGet(handle: number): void {
    // the slot just pushed is the top one
    const cpu = this.handleCpu(handle);
    if (handle - cpu * this.slotsPerCpu === this.depth[cpu] - 1) this.depth[cpu]--;
  }

  put(handle: number): number {
    const cpu = this.handleCpu(handle);
    const slot = handle - cpu * this.slotsPerCpu;
    const d = this.depth[cpu];
    if (slot >= d) return -Reason.NOT_IN_USE;
    if (slot !== d - 1) return -Reason.NOT_LIFO; // WARN_ON_ONCE(addr != __fix_to_virt(FIX_KMAP_BEGIN + idx))
    this.depth[cpu] = d - 1;
    this.lastBase = this.cpuBase[cpu] + slot;
    this.lastPages = 1;
    return 0;
  }

  /** arch_kmap_local_post_unmap(): flush_tlb_one_kernel(vaddr), after pte_clear(). */
  flushAfterPut(cpu: number, base: number, _pages: number): boolean {
    this.host.invlpg(cpu, base);
    this.invlpgs[cpu]++;
    return false; // (the stack's depth alone is the region's usage)
  }

  handleCpu(handle: number): number {
    return Math.floor(handle / this.slotsPerCpu);
  }

  /** The next push's slot. */
  nextOffset(cpu: number): number {
    return this.depth[cpu];
  }

  /**
   * live = mapped slots, free = the other slots; nothing is ever flush-pending. The pages of
   * the region past the K slots are never used and not counted: the four add up to K.
   */
  regionUsage(cpu: number, out: Float64Array): void {
    const d = this.depth[cpu];
    out[0] = d;
    out[1] = 0;
    out[2] = 0;
    out[3] = this.slotsPerCpu - d;
  }

  liveAllocations(cpu: number): LiveAllocation[] {
    const out: LiveAllocation[] = [];
    const s0 = cpu * this.slotsPerCpu;
    for (let i = 0; i < this.depth[cpu]; i++)
      out.push({ handle: s0 + i, offset: i, pages: 1, reserved: this.reservedSlot[s0 + i] === 1 });
    return out;
  }
}
