import { cpuBaseVpn, type MermapGeometry } from '../paging/geometry.js';
import { Pte } from '../paging/pte.js';
import type { FlushHost, LiveAllocation, MermapAllocator } from './allocator.js';
import { AllocatorBase } from './allocator-base.js';
import { Reason } from './reasons.js';

/**
 * The state every mermap version keeps: for each possible CPU a `struct mermap_cpu`:
 *
 *   nextAddr[cpu]                    next_addr, the bump pointer (a page number)
 *   inUse/base/end[cpu*S + i]        allocs[i]: in_use, base, end (end exclusive), S slots
 *
 * Typed arrays indexed by cpu, so a get or put allocates nothing. Page numbers are absolute
 * (vpn), as the kernel's addresses are; offsets are only computed for output.
 *
 * A version's file subclasses this and writes get() from the point where the versions part:
 * the first checks (refusal(), cpuEndOf()) and put() are the same in every version read (facts
 * sheet §3). put(): warn if the slot is not in use, rewrite the PTEs (done by the machine), clear
 * in_use. No flush, next_addr does not move.
 */
export abstract class MermapCpuState extends AllocatorBase implements MermapAllocator {
  /**
   * Possible CPUs beyond the online ones change only the page tables mermap_mm_prepare() builds,
   * never what a get or put on an online CPU does: each CPU's state is its own, its region sits
   * at an offset fixed by its number, and a region past the last online CPU's exists whenever
   * there are more possible CPUs (the one bug §8.6 overflows into). Runs that differ only in
   * such possible CPUs are one simulation (src/run/twins.ts; test/run/twins.test.ts checks it).
   */
  static readonly possibleCpusLayoutOnly: boolean = true;
  abstract readonly name: string;
  abstract readonly ptesLocked: boolean;
  abstract readonly writesExistingOnly: boolean;
  abstract readonly unmappedPte: number;
  readonly slotsPerCpu: number;
  /** arch_mermap_pgprot_allowed() is checked (every version but the dev snapshots) */
  protected readonly checksPgprot: boolean = true;

  protected readonly nextAddr: Float64Array;
  /** allocs[i].in_use: 0 free, 1 in use by a normal caller, 2 in use by a reserved caller */
  protected readonly inUse: Uint8Array;
  protected readonly base: Float64Array;
  protected readonly end: Float64Array;

  constructor(geometry: MermapGeometry, host: FlushHost, slotsPerCpu: number) {
    super(geometry, host);
    this.slotsPerCpu = slotsPerCpu;
    const n = geometry.possibleCpus;
    this.nextAddr = this.cpuBase.slice(); // next_addr = the CPU's base at prepare
    this.inUse = new Uint8Array(n * slotsPerCpu);
    this.base = new Float64Array(n * slotsPerCpu);
    this.end = new Float64Array(n * slotsPerCpu);
  }

  abstract get(cpu: number, pages: number, reserved: boolean, prot: number, inTask: boolean): number;

  /**
   * What every version checks before it looks for space, in the kernel's order: __mermap_get()
   * (the size, the mm prepared, the pgprot) and the head of mermap_alloc() (a reserved get is one
   * page, in_task()). Returns the reason the get is refused, or 0. (The caller's `-refused` is
   * an operation V8 wants to have seen run, and a refusal is rare: each worker's warm-up gets
   * some, order 8 and up in a 128-page region. Returning -reason from here instead, so that the
   * caller needed no negation, ran the full machine's tight loop at 1,132 instructions a pair
   * against 1,073: a return V8 compiles beside the get's own, where the negation it had never
   * seen run was a deoptimization exit, November 2026.)
   *
   * (A reason, a small integer. It once returned the caller's cpu_end, a page number near 2^52, or
   * -reason, and the bench's allocator-alone loop ran at 131 to 136 M pairs/s, against 148 to
   * 151 M in this form (seven runs of eight; one 139); the project as issue 19 measured it,
   * each version's get() with the checks written out, runs it at 149 to 162 M (November 2026,
   * the same machine; bench/targets.ts).)
   */
  protected refusal(pages: number, reserved: boolean, prot: number, inTask: boolean): number {
    // (`=== true`: where V8 does not inline this call, as in the bench's tight loop, it tests a
    // boolean whose type it does not know with its generic ToBoolean; compared with true, one
    // instruction: docs/design.md, Habits)
    // __mermap_get()
    if (pages > this.regionPages) return Reason.TOO_LARGE; // size > MERMAP_CPU_REGION_SIZE
    if (this.prepared !== true) return Reason.NOT_PREPARED; // WARN_ON_ONCE(!mm || !mm->mermap.cpu)
    if (this.checksPgprot === true && (prot & Pte.GLOBAL) !== 0) return Reason.GLOBAL_PROT;
    // size = PAGE_ALIGN(size); migrate_disable(): the machine tracks that.

    // mermap_alloc()
    if (reserved === true && pages !== 1) return Reason.BAD_RESERVED_SIZE; // WARN_ON_ONCE(size != PAGE_SIZE)
    // (reserved: lockdep_assert_preemption_disabled())
    if (inTask !== true) return Reason.NOT_IN_TASK; // WARN_ON_ONCE(!in_task())
    return 0;
  }

  /**
   * mermap_alloc()'s cpu_end for a get that refusal() let through: the region's end, one page
   * short for a normal caller (cpu_end -= PAGE_SIZE: the top page is kept for
   * mermap_get_reserved()).
   */
  protected cpuEndOf(cpu: number, reserved: boolean): number {
    return this.cpuBase[cpu] + this.regionPages - (reserved === true ? 0 : 1);
  }

  /** mermap_flush_tlb(): arch_mermap_flush_tlb() plus the KUnit tlb_flushes count. */
  protected flushTlb(cpu: number): void {
    this.flushes[cpu]++;
    this.host.flushTlbAll(cpu);
  }

  /** Take slot `slot` of `cpu` for [next_addr, next_addr + pages) and bump next_addr. */
  protected claim(cpu: number, slot: number, pages: number, reserved: boolean): number {
    const h = cpu * this.slotsPerCpu + slot;
    const b = this.nextAddr[cpu];
    this.inUse[h] = reserved === true ? 2 : 1;
    this.base[h] = b;
    this.end[h] = b + pages;
    this.nextAddr[cpu] = b + pages;
    this.lastBase = b;
    this.lastPages = pages;
    return h;
  }

  abortGet(handle: number): void {
    // __mermap_get() error path: WRITE_ONCE(alloc->in_use, false); next_addr is not rolled back.
    this.inUse[handle] = 0;
  }

  put(handle: number): number {
    if (this.inUse[handle] === 0) return -Reason.NOT_IN_USE; // WARN_ON_ONCE(!alloc->in_use)
    this.lastBase = this.base[handle];
    this.lastPages = this.end[handle] - this.base[handle];
    this.inUse[handle] = 0;
    return 0;
  }

  handleCpu(handle: number): number {
    // handles are small whole numbers >= 0: `| 0` lets V8 divide in 32-bit integers
    return (handle / this.slotsPerCpu) | 0;
  }

  nextOffset(cpu: number): number {
    return this.nextAddr[cpu] - cpuBaseVpn(this.geometry, cpu);
  }

  regionUsage(cpu: number, out: Float64Array): void {
    const base = cpuBaseVpn(this.geometry, cpu);
    const regionEnd = base + this.regionPages;
    let live = 0;
    let top = base; // new_next: the highest live end, or the base
    const s0 = cpu * this.slotsPerCpu;
    for (let i = 0; i < this.slotsPerCpu; i++) {
      const h = s0 + i;
      if (this.inUse[h] === 0) continue;
      const b = Math.max(base, Math.min(regionEnd, this.base[h]));
      const e = Math.max(base, Math.min(regionEnd, this.end[h]));
      live += e - b;
      if (e > top) top = e;
    }
    const next = Math.max(base, Math.min(regionEnd, this.nextAddr[cpu]));
    const pinned = Math.max(0, top - base - live);
    const reclaimable = Math.max(0, next - Math.max(top, base));
    out[0] = live;
    out[1] = reclaimable;
    out[2] = pinned;
    out[3] = regionEnd - Math.max(next, top);
  }

  liveAllocations(cpu: number): LiveAllocation[] {
    const base = cpuBaseVpn(this.geometry, cpu);
    const out: LiveAllocation[] = [];
    const s0 = cpu * this.slotsPerCpu;
    for (let i = 0; i < this.slotsPerCpu; i++) {
      const h = s0 + i;
      if (this.inUse[h] === 0) continue;
      out.push({
        handle: h,
        offset: this.base[h] - base,
        pages: this.end[h] - this.base[h],
        reserved: this.inUse[h] === 2,
      });
    }
    out.sort((a, b) => a.offset - b.offset);
    return out;
  }

  /** Slots in use on a CPU (mermap_mm_teardown()'s check). */
  slotsInUse(cpu: number): number {
    let n = 0;
    const s0 = cpu * this.slotsPerCpu;
    for (let i = 0; i < this.slotsPerCpu; i++) if (this.inUse[s0 + i] !== 0) n++;
    return n;
  }
}
