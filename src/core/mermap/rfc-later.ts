import { RFC_LATER_NORMAL_SLOTS } from '../defaults.js';
import { cpuBaseVpn, u64AddPages, u64SubPages, type MermapGeometry } from '../paging/geometry.js';
import { PTE_NONE } from '../paging/pte.js';
import type { AllocatorOptions, FlushHost } from './allocator.js';
import { MermapCpuState } from './mermap-cpu.js';
import { Reason } from './reasons.js';

/**
 * The later posting of the series (facts sheet source VL, v2..v4): bug §8.1 fixed by giving
 * reserved callers a slot of their own.
 *
 *   slots per CPU:  normal_allocs[0..S-1] (S = 3)  |  reserve_alloc (index S)
 *
 * Order of checks as in VL's mermap_alloc(): reserved size / cpu_end; in_task; out of space
 * (new_next from the NORMAL slots only: a live reserve's range is ignored); flush; then
 * "reserve slot busy" fails every caller, normal or reserved, with a warning. That check comes
 * after the flush, so a failing normal get can still flush and move next_addr down to a
 * new_next below the live reserve (the derived quirk of §8.1).
 *
 * PTEs are written with __apply_to_page_range(CREATE | NOLOCK): no PTE lock (§8.2 fixed), and
 * missing tables would be created; put writes plain zero (none) PTEs instead of a sentinel.
 *
 * Two protected hooks let the policies built on this version (src/core/policies: mermap-reuse,
 * mermap-invpcid) change one step each without a second copy of mermap_alloc(): windowEnd()
 * (where bumping must stop without a flush) and makeRoom() (the "out of space" path). The
 * flush itself is MermapCpuState.flushTlb().
 */
export class RfcLaterMermap extends MermapCpuState {
  /** one line for listings: what this allocator is (the registry's summary) */
  static readonly summary: string = 'later posting: 3 normal slots + 1 reserve slot, no PTE lock';
  readonly name: string = 'rfc-later';
  readonly ptesLocked: boolean = false;
  readonly writesExistingOnly: boolean = false;
  readonly unmappedPte: number = PTE_NONE;
  protected readonly normalSlots: number;

  constructor(geometry: MermapGeometry, host: FlushHost, opts: AllocatorOptions) {
    const normal = opts.slots ?? RFC_LATER_NORMAL_SLOTS;
    super(geometry, host, normal + 1);
    this.normalSlots = normal;
  }

  get(cpu: number, pages: number, reserved: boolean, prot: number, inTask: boolean): number {
    // as rfc-v1's
    const refused = this.refusal(pages, reserved, prot, inTask);
    if (refused !== 0) return -refused;
    const cpuEnd = this.cpuEndOf(cpu, reserved);
    const s0 = cpu * this.slotsPerCpu;
    if (u64AddPages(this.nextAddr[cpu], pages) > this.windowEnd(cpu, cpuEnd)) {
      if (!this.makeRoom(cpu, pages, cpuEnd)) return -Reason.NO_SPACE;
    }
    const reserve = this.normalSlots;
    if (this.inUse[s0 + reserve] !== 0) return -Reason.RESERVE_BUSY; // WARN_ON_ONCE(reserve_alloc.in_use)
    if (reserved === true) return this.claim(cpu, reserve, pages, true);
    // (i counts up before each test, the first included: see RfcV1Mermap.get())
    for (let i = -1; ++i < this.normalSlots; ) {
      if (this.inUse[s0 + i] === 0) return this.claim(cpu, i, pages, false);
    }
    return -Reason.NO_SLOT;
  }

  /** The end of the space a get may bump into without a flush: the caller's cpu_end. */
  protected windowEnd(_cpu: number, cpuEnd: number): number {
    return cpuEnd;
  }

  /**
   * Out of already-available space: new_next = the highest end among the normal slots (a live
   * reserve is ignored), and if the request fits between new_next and cpu_end, flush and move
   * next_addr down to new_next. False (nothing changed, no flush) when it does not fit.
   */
  protected makeRoom(cpu: number, pages: number, cpuEnd: number): boolean {
    const s0 = cpu * this.slotsPerCpu;
    let newNext = cpuBaseVpn(this.geometry, cpu);
    for (let i = 0; i < this.normalSlots; i++) {
      if (this.inUse[s0 + i] !== 0 && this.end[s0 + i] > newNext) newNext = this.end[s0 + i];
    }
    if (pages > u64SubPages(cpuEnd, newNext)) return false;
    this.flushTlb(cpu);
    this.nextAddr[cpu] = newNext;
    return true;
  }
}
