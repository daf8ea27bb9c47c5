import { allocatorInfo, exerciseRefusal } from '../allocators.js';
import { MmStamps } from '../checker-stamps.js';
import type { MermapAllocator } from '../mermap/allocator.js';
import { cpuBasesOf } from '../mermap/allocator-base.js';
import { mermapPrepareCostClosedForm } from '../paging/cost.js';
import { cpuBaseVpn } from '../paging/geometry.js';
import { PageTable } from '../paging/page-table.js';
import { ptePresent } from '../paging/pte.js';
import { typedArrayBytes } from '../util/state-bytes.js';
import { MachineBase } from './base.js';
import type { MmRec } from './config.js';
import { MermapPteIndex } from './pte-index.js';

/**
 * The Machine's mms from mm_alloc() to exit_mmap(): each with its own page tables, its
 * allocator's per-CPU state (for every possible CPU, as mermap_mm_prepare() makes it), the
 * checker's stamps and the PTE index of its mermap. Address translation is in ./translation.ts,
 * the mermap calls in ./mermap-paths.ts and ../machine.ts.
 */
export abstract class MachineMms extends MachineBase {
  /** what every exited mm points at instead of its freed tables (never mapped into; exitMm()) */
  private exitedTables: { pt: PageTable; pteIdx: MermapPteIndex } | undefined;

  /** mm_alloc(): a new mm with its own page tables; prepare its mermap unless told not to. */
  createMm(prepare = true): number {
    const id = this.mms.length;
    const info = allocatorInfo(this.variant)!;
    // (the first machine of a variant in this thread: V8 sees its get refuse before a run needs it)
    if (id === 0) exerciseRefusal(this.variant, this.geometry, this.host, this.allocOptions);
    const rec: MmRec = {
      id,
      pt: new PageTable(this.geometry.levels, undefined, this.stateMeter),
      pteIdx: new MermapPteIndex(this.geometry, this.stateMeter),
      alloc: info.factory(this.geometry, this.host, this.allocOptions),
      unmappedAbsent: -1,
      stamps: new MmStamps(this.possibleCpus),
      prepareTablePages: 0,
      prepareBytes: 0,
      preparePteWrites: 0,
      regionReady: new Uint8Array(this.possibleCpus),
      reservedHandle: null,
      crossedRegion: false,
      exited: false,
    };
    rec.alloc.prepared = false;
    if (!ptePresent(rec.alloc.unmappedPte)) rec.unmappedAbsent = rec.alloc.unmappedPte;
    this.mms.push(rec);
    if (prepare) this.mermapMmPrepare(id);
    return id;
  }

  /**
   * mermap_mm_prepare(): for every possible CPU, walk its whole region with
   * apply_to_page_range(), allocating the PUD/PMD/PTE tables and writing the "unmapped" PTE
   * (the sentinel in rfc-v1 and the dev snapshots, zero in rfc-later), so get never allocates.
   *
   * The cost is what that walk allocates for every possible CPU (the closed form of
   * src/core/paging/cost.ts, checked against a real tree there). The tables themselves are
   * materialised in this mm's PageTable region by region, the first time anything maps into a
   * region: a region nothing has touched holds only unmapped PTEs, so the state every get, put,
   * walk and checker sees is the same as if all were written up front, while 1024 possible CPUs
   * x thousands of mms stay cheap to simulate.
   */
  mermapMmPrepare(mm: number): void {
    const rec = this.mms[mm];
    if (rec.alloc.prepared) return; // idempotent under init_lock
    const c = mermapPrepareCostClosedForm(this.geometry.levels, this.geometry.regionPages, this.possibleCpus);
    rec.prepareTablePages = c.tablePages;
    rec.prepareBytes = c.bytes;
    rec.preparePteWrites = c.pteWrites;
    rec.alloc.prepared = true;
  }

  /** Materialise the prepared regions that [vpn, vpn + pages) falls in (see mermapMmPrepare). */
  protected ensureRegions(rec: MmRec, vpn: number, pages: number): void {
    if (!rec.alloc.prepared) return;
    const R = this.geometry.regionPages;
    const first = Math.max(0, Math.floor((vpn - this.geometry.baseVpn) / R));
    const last = Math.min(this.possibleCpus - 1, Math.floor((vpn + pages - 1 - this.geometry.baseVpn) / R));
    for (let c = first; c <= last; c++) {
      if (rec.regionReady[c] === 0) {
        rec.regionReady[c] = 1;
        const base = cpuBaseVpn(this.geometry, c);
        rec.pt.populate(base, R, rec.alloc.unmappedPte);
        rec.pteIdx.noteTables(rec.pt, base - this.geometry.baseVpn, R);
      }
    }
  }

  /**
   * exit_mmap() of process mm, whose tasks have done their last (a trace's process after its
   * last line): mermap_mm_teardown() frees its per-CPU mermap state and mm_local_region_free()
   * its mm-local page tables (facts §4.3). The model frees what grows with the CPUs the mm
   * mapped on: its page tables, its PTE index, the checker's stamps and its reserved-handle
   * marks (the meter is told). It keeps what the run reports of the mm: the allocator's per-CPU
   * state (flush counts, slots held at the end), the prepare cost, the flush epochs.
   *
   * Nothing reads the freed state again, as no task of the mm runs after its exit: a CPU that
   * still has the mm loaded (lazy TLB, until its next switch) only bumps its epochs when it
   * flushes, and TLB entries tagged with its PCID stay until flushed or evicted, as on the
   * hardware. So a run's memory follows its live processes, and its results are the same.
   */
  exitMm(mm: number): void {
    const rec = this.mms[mm];
    if (rec.exited) return;
    rec.exited = true;
    const freed = rec.pt.ownBytes() + rec.pteIdx.bytes() + rec.stamps.release() + (rec.reservedHandle?.byteLength ?? 0);
    rec.reservedHandle = null;
    this.exitedTables ??= {
      pt: new PageTable(this.geometry.levels, 0, null),
      pteIdx: new MermapPteIndex(this.geometry, null),
    };
    rec.pt = this.exitedTables.pt;
    rec.pteIdx = this.exitedTables.pteIdx;
    this.stateMeter.add(-freed);
  }

  mmCount(): number {
    return this.mms.length;
  }
  /**
   * Bytes of typed arrays mm holds now: its page tables, PTE index, allocator state for every
   * possible CPU and the checker's stamps (src/run/state-size.ts sizes a run from this).
   */
  mmStateBytes(mm: number): number {
    const rec = this.mms[mm];
    // the page tables by their own count: the walk order they read is every mm's, and an exited
    // mm's tables are the machine's one empty set
    const shared = new Set<object>([this, this.geometry, cpuBasesOf(this.geometry), rec.pt]);
    return typedArrayBytes(rec, 3, shared) + (rec.exited ? 0 : rec.pt.ownBytes());
  }
  allocator(mm: number): MermapAllocator {
    return this.mms[mm].alloc;
  }
  pageTable(mm: number): PageTable {
    return this.mms[mm].pt;
  }
  /** Page-table pages and bytes mermap_mm_prepare() added to this mm, and its PTE writes. */
  prepareCost(mm: number): { tablePages: number; bytes: number; pteWrites: number } {
    const r = this.mms[mm];
    return { tablePages: r.prepareTablePages, bytes: r.prepareBytes, pteWrites: r.preparePteWrites };
  }

  /**
   * mermap_mm_teardown() as written in every version read (§8.7): the loop runs over every
   * possible CPU but looks at this_cpu_ptr(): the tearing-down CPU's slots, each time.
   * Returns what it warns about and what it misses.
   */
  mermapMmTeardown(mm: number, currentCpu: number): { warned: boolean; slotsSeen: number; slotsMissed: number } {
    const alloc = this.mms[mm].alloc;
    let seen = 0;
    let missed = 0;
    for (let c = 0; c < this.possibleCpus; c++) {
      const live = alloc.liveAllocations(c).length;
      if (c === currentCpu) seen = live;
      else missed += live;
    }
    return { warned: seen > 0, slotsSeen: seen, slotsMissed: missed };
  }

  /** Allocator-requested local flushes on a CPU, summed over mms (what replay reports). */
  flushCount(cpu: number): number {
    let n = 0;
    for (let i = 0; i < this.mms.length; i++) n += this.mms[i].alloc.flushes[cpu];
    return n;
  }
}
