import { SHARED_SLOTS } from '../defaults.js';
import { u64AddPages, u64SubPages, type MermapGeometry } from '../paging/geometry.js';
import { PTE_SENTINEL } from '../paging/pte.js';
import type { AllocatorOptions, FlushHost } from './allocator.js';
import { MermapCpuState } from './mermap-cpu.js';
import { Reason } from './reasons.js';

/**
 * The mermap as posted in "[PATCH RFC 04/19] x86/mm: introduce the mermap" (2026-02-25),
 * mm/mermap.c: __mermap_get() and mermap_alloc(), facts sheet §2.1.
 *
 *   region of CPU n:  [base, base + R)          R = MERMAP_CPU_REGION_SIZE (512 pages)
 *   normal callers:   [base, base + R - 1)      cpu_end -= PAGE_SIZE: the top page is kept
 *   reserved callers: [base, base + R)          for mermap_get_reserved()
 *   slots:            allocs[4], shared by normal and reserved callers (bug §8.1)
 *
 * Allocation is strictly in order: from next_addr upwards. Freed space below next_addr is
 * "flush-pending" and comes back only when a get finds no room above next_addr, every
 * allocation above the pending space has gone, and a local __flush_tlb_all() has run:
 *
 *   TttTTtttttttTAA   get 1 fails: new_next = end of the live "AA", no room above it
 *   TttTTtttttttTTT   put the last one
 *   AA_____________   the next get flushes and starts at the base again
 *
 * The arithmetic is the kernel's unsigned long: `next_addr + size > cpu_end` to ask for a
 * flush, then `size > cpu_end - new_next` (a subtraction, which wraps when a live reserved
 * allocation holds the top page: §8.6's remaining hole, reproduced here on purpose).
 */
export class RfcV1Mermap extends MermapCpuState {
  /** one line for listings: what this allocator is (the registry's summary) */
  static readonly summary: string = 'RFC v1 as posted: 4 shared slots, top page kept for reserved callers';
  readonly name: string = 'rfc-v1';
  readonly ptesLocked: boolean = true; // apply_to_existing_page_range() / apply_to_page_range()
  readonly writesExistingOnly: boolean = true;
  readonly unmappedPte: number = PTE_SENTINEL;
  /** the dev snapshots' form of the out-of-space test */
  protected readonly subtractingSizeCheck: boolean = false;

  constructor(geometry: MermapGeometry, host: FlushHost, opts: AllocatorOptions) {
    super(geometry, host, opts.slots ?? SHARED_SLOTS);
  }

  get(cpu: number, pages: number, reserved: boolean, prot: number, inTask: boolean): number {
    // __mermap_get(), mermap_alloc() up to in_task(): the same in every version
    const refused = this.refusal(pages, reserved, prot, inTask);
    if (refused !== 0) return -refused;
    const cpuEnd = this.cpuEndOf(cpu, reserved);
    // guard(preempt)()
    const s0 = cpu * this.slotsPerCpu;
    // Out of already-available space? V1: `next_addr + size > cpu_end`; the dev snapshots:
    // `size > cpu_end - next_addr` (unsigned, wraps: bug 8.6).
    const next = this.nextAddr[cpu];
    if (this.subtractingSizeCheck === true ? pages > u64SubPages(cpuEnd, next) : u64AddPages(next, pages) > cpuEnd) {
      let newNext = this.cpuBase[cpu];
      // (the end is read and compared first, for every slot: a live slot that ends above the
      // base is rare at a wrap, and its first one after V8 compiled the get threw it away)
      for (let i = 0; i < this.slotsPerCpu; i++) {
        const end = this.end[s0 + i];
        if (end > newNext && this.inUse[s0 + i] !== 0) newNext = end;
      }
      if (pages > u64SubPages(cpuEnd, newNext)) return -Reason.NO_SPACE;
      this.flushTlb(cpu);
      this.nextAddr[cpu] = newNext;
    }
    // Find an alloc-tracking structure to use: the first free one, after any flush. (i counts up
    // before each test, the first included, so every get runs the increment and V8 has seen it
    // when it compiles the get. Counted after the test, it ran only past a busy slot 0, and the
    // first such get after V8 compiled the get threw away the get and the Machine's get and
    // event loop that inline it; docs/design.md, Habits.)
    for (let i = -1; ++i < this.slotsPerCpu; ) {
      if (this.inUse[s0 + i] === 0) return this.claim(cpu, i, pages, reserved);
    }
    return -Reason.NO_SLOT;
  }
}
