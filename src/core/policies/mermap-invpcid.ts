import type { MermapGeometry } from '../paging/geometry.js';
import type { AllocatorOptions, FlushHost } from '../mermap/allocator.js';
import { RfcLaterMermap } from '../mermap/rfc-later.js';

/**
 * mermap-invpcid: the later posting's mermap (rfc-later) with arch_mermap_flush_tlb() as an
 * INVPCID single-context flush (type 1, the kernel's invpcid_flush_single_context()) of the
 * current mm's PCID, instead of __flush_tlb_all():
 *
 *   what a wrap drops            current PCID   other PCIDs   global
 *   __flush_tlb_all (rfc-*)      all            all           all
 *   INVPCID type 1 (this)        all non-global kept          kept
 *
 * Enough because everything the mermap maps is non-global (arch_mermap_pgprot_allowed()) and
 * belongs to the current mm (per-mm region, the mm is current while a get runs), so its stale
 * entries are all tagged with the current PCID. What survives is the collateral damage the
 * facts sheet (§5, §9.1) points out: kernel text and direct-map entries (global) and other
 * processes' entries (other PCIDs) no longer need page walks to come back.
 *
 * Allocation, slots and reserved gets: rfc-later's, unchanged; flushes[cpu] counts these
 * context flushes where rfc-later counts full ones.
 *
 * PCIDs are the machine's: each CPU hands its TLB_NR_DYN_ASIDS = 6 dynamic ASIDs to mms round
 * robin (choose_new_asid()), and the CR3 write that gives an ASID to a new mm flushes what the
 * previous holder left under it. So when a get runs, every entry of the current mm on this CPU
 * is under the ASID it holds now (entries under an ASID it held before went when that ASID was
 * reassigned), and flushing that one PCID drops all of them. Left out: under PTI each mm has a
 * kernel and a user PCID and the mm-local region is also in the user page tables, so both would
 * need flushing (invalidate_user_asid()); the sim has the kernel PCID only. Without PCID
 * (pcid: false) INVPCID type 1 on PCID 0 drops every non-global entry, like a CR3 write.
 */
export class MermapInvpcid extends RfcLaterMermap {
  /** one line for listings: what this allocator is (the registry's summary) */
  static override readonly summary: string =
    'rfc-later flushing with INVPCID single context: globals and other PCIDs survive a wrap';
  override readonly name: string = 'mermap-invpcid';

  constructor(geometry: MermapGeometry, host: FlushHost, opts: AllocatorOptions) {
    super(geometry, host, opts);
  }

  /** mermap_flush_tlb() with arch_mermap_flush_tlb() = invpcid_flush_single_context(current PCID). */
  protected override flushTlb(cpu: number): void {
    this.flushes[cpu]++;
    this.host.flushTlbMm(cpu);
  }
}
