import { mapOwnStamp, unmapOwnStamp } from './checker-stamps.js';
import { lockSite } from './violations.js';
import { Table } from './defaults.js';
import { Pte } from './paging/pte.js';
import type { MmRec } from './machine/config.js';
import { MachineMermapPaths } from './machine/mermap-paths.js';

export {
  combineObservers,
  type MachineConfig,
  type MachineObserver,
  TLB_NR_DYN_ASIDS,
} from './machine/config.js';

/**
 * The machine (see MachineConfig in ./machine/config.ts for the whole picture): its state in
 * ./machine/base.ts, its mms from creation to exit in ./machine/mms.ts, translation and flushes
 * in ./machine/translation.ts, the mermap's paths off the common case in
 * ./machine/mermap-paths.ts, and here the mermap's get and put as a caller runs them.
 */
export class Machine extends MachineMermapPaths {
  // ------------------------------------------------------------------ the mermap

  /**
   * __mermap_get(mm, page, size, prot, use_reserve) for `task` on its CPU: returns a handle
   * (>= 0) or -reason. `pfn` is the first of `pages` physically contiguous pages.
   */
  mermapGet(task: number, pages: number, pfn: number, prot: number = Pte.KERNEL_NOGLOBAL, reserved = false): number {
    // (booleans are tested with `=== true` on this path: one comparison, where `if (x)` is
    // V8's generic ToBoolean for a value whose type it does not know; docs/design.md, Habits)
    // the common case (the task already runs on its CPU) without a call
    if (this.currentTask[this.taskCpu[task]] !== task) this.switchTo(task);
    const cpu = this.taskCpu[task];
    const rec = this.mms[this.taskMm[task]];
    const alloc = rec.alloc;
    this.gets++;
    if (reserved === true) this.reservedGets++;
    const h = alloc.get(cpu, pages, reserved, prot, this.inTask[task] === 1);
    if (h < 0) return this.getFailed(cpu, rec.id, task, -h, pages, reserved);
    // migrate_disable() happened before mermap_alloc(); it stays on for the caller.
    this.migrateDepth[task]++;
    // the range as an offset from MERMAP_BASE_ADDR and from this CPU's region (exact: integers < 2^53)
    const off = alloc.lastBase - this.geometry.baseVpn;
    const n = alloc.lastPages;
    const rel = off - cpu * this.geometry.regionPages;
    // (this function and mapOwn() are the hot path, kept small enough for V8 to inline both
    // into the caller: anything rare goes through mapGot())
    if (
      rel < 0 ||
      rel + n > this.geometry.regionPages ||
      this.pteWriteFault !== null ||
      rec.pteIdx.smallOffsets !== true ||
      rec.regionReady[cpu] === 0
    )
      return this.mapGot(rec, cpu, task, h, pages, pfn, prot, reserved);
    // (a reserved get is as common as the fast path's: one per page of every fallback, each
    // with IRQs off, which under rfc-v1 is the PTE lock in atomic context: checkGet()'s case)
    if (reserved === true) this.markReserved(rec, h);
    if (this.lockedInAtomic(alloc, task)) this.lockedGet(cpu, rec.id, task, reserved);
    if (this.mapOwn(rec, cpu, off | 0, n, pfn, prot)) this.reportReuse(cpu, rec.id, task);
    this.liveAllocs[task]++;
    this.getsOk++;
    if (this.observer !== null) this.notifyGet(cpu, rec, task, h, reserved);
    return h;
  }

  /**
   * mapRange() of a range inside `cpu`'s own region, with `off` a small whole number (the
   * common case, pteIdx.smallOffsets): the same writes and checks in 32-bit integer arithmetic.
   * (Larger than V8 inlines, on purpose: inlined into mermapGet() it took the inlining budget the
   * allocator's get() needs, and the bench's tight loop ran at 14 or 16 M pairs/s from run to run.)
   */
  protected mapOwn(rec: MmRec, cpu: number, off: number, pages: number, pfn: number, prot: number): boolean {
    const checking = this.checking === true;
    const stamps = checking ? this.checker.ownStamps(rec.stamps, cpu) : null;
    // the checker without its stamps at hand (a CPU's first get, an mm that left its region)
    if (checking && stamps === null) return this.mapRange(rec, cpu, off, pages, pfn, prot, false);
    const stamp = stamps === null ? 0 : this.checker.stampNow(rec.stamps, cpu);
    let ptes = rec.pt.ptes;
    const existingOnly = rec.alloc.writesExistingOnly === true;
    const rel = off - cpu * this.geometry.regionPages;
    // the value a put leaves (not present): the common old PTE, told apart with one comparison
    const unmapped = rec.unmappedAbsent;
    let reusedAt = -1;
    let idx = -1;
    for (let i = 0; i < pages; i++) {
      const o = off + i;
      // consecutive PTEs of one PTE table are consecutive in ptes: look up at table starts
      if (idx < 0 || (o & (Table.PTRS - 1)) === 0) {
        idx = rec.pteIdx.indexOfSmall(rec.pt, o);
        if (idx < 0) {
          // no PTE table: apply_to_existing_page_range() skips the page, apply_to_page_range()
          // makes the table (PGRANGE_CREATE), which may move ptes
          if (existingOnly) {
            this.ptesSkipped++;
            continue;
          }
          rec.pt.populate(this.geometry.baseVpn + o, 1, 0);
          idx = rec.pteIdx.indexOfSmall(rec.pt, o);
          ptes = rec.pt.ptes;
        }
      } else idx++;
      const old = ptes[idx];
      if (existingOnly && old === 0) {
        this.ptesSkipped++;
        continue;
      }
      if (stamps !== null && mapOwnStamp(stamps, rel + i, stamp) && reusedAt < 0) reusedAt = o;
      // a present PTE changed under a mapping: any TLB's copy of it is stale from now (mapRange)
      if (old !== unmapped && ((old | 0) & Pte.PRESENT) !== 0)
        this.markStaleEverywhere(rec.id, this.geometry.baseVpn + o, -1);
      ptes[idx] = (pfn + i) * Pte.SPAN + prot; // mkPte(), written out (Habits)
      this.pteWrites++;
    }
    if (reusedAt >= 0) this.reusedVpn = this.geometry.baseVpn + reusedAt;
    return reusedAt >= 0;
  }

  /** __mermap_put(): rewrite the range's PTEs to the unmapped value, free the slot, migrate_enable(). */
  mermapPut(task: number, handle: number): number {
    // the common case (the task already runs on its CPU) without a call
    if (this.currentTask[this.taskCpu[task]] !== task) this.switchTo(task);
    const mm = this.taskMm[task];
    const rec = this.mms[mm];
    const alloc = rec.alloc;
    const r = alloc.put(handle);
    if (r < 0) {
      this.failures[-r]++;
      return r;
    }
    this.puts++;
    const cpu = alloc.handleCpu(handle);
    const base = alloc.lastBase;
    const n = alloc.lastPages;
    const rh = rec.reservedHandle;
    const wasReserved = rh !== null && handle < rh.length && rh[handle] === 1;
    if (wasReserved) (rh as Uint8Array)[handle] = 0;
    if (this.lockedInAtomic(alloc, task))
      this.checker.lockInAtomic(lockSite(true, wasReserved), this.clock.op, cpu, mm, task, base);
    // the range as an offset from MERMAP_BASE_ADDR and from the handle's region
    const off = base - this.geometry.baseVpn;
    const R = this.geometry.regionPages;
    const rel = off - cpu * R;
    if (rel >= 0 && rel + n <= R && rec.pteIdx.smallOffsets === true) this.unmapOwn(rec, cpu, off | 0, n);
    else this.unmapRange(rec, cpu, off, n);
    if (this.observer !== null && this.observer.onPut !== undefined)
      this.observer.onPut(cpu, mm, task, handle, base, n);
    if (alloc.flushAfterPut?.(cpu, base, n)) this.regionChanged(cpu, mm);
    if (this.migrateDepth[task] > 0) this.migrateDepth[task]--;
    if (this.liveAllocs[task] > 0) this.liveAllocs[task]--;
    return 0;
  }

  /**
   * The put's PTE rewrites of a range inside `cpu`'s own region, `off` a small whole number
   * (see mapOwn): the unmapped value, the checker's stamps, stale marks in the TLBs.
   */
  private unmapOwn(rec: MmRec, cpu: number, off: number, n: number): void {
    const ptes = rec.pt.ptes; // (no table is made here: the array stays put)
    const unmapped = rec.alloc.unmappedPte;
    const tlb = this.tlbs[cpu];
    const pcid = this.currentPcidOf[cpu];
    const checking = this.checking === true;
    const ix = rec.pteIdx;
    const baseVpn = this.geometry.baseVpn;
    const rel = off - cpu * this.geometry.regionPages;
    const stamps = checking ? this.checker.ownStamps(rec.stamps, cpu) : null;
    const stamp = stamps === null ? 0 : this.checker.stampNow(rec.stamps, cpu);
    // (markStale has nothing to do while the TLB holds no mermap translation; marking does not
    // change that, nor whether the mm ever left its region)
    const mark = tlb.mermapLive !== 0;
    const crossed = rec.crossedRegion === true;
    let idx = -1;
    let writes = 0;
    for (let i = 0; i < n; i++) {
      const o = off + i;
      idx = idx >= 0 && (o & (Table.PTRS - 1)) !== 0 ? idx + 1 : ix.indexOfSmall(rec.pt, o);
      if (idx >= 0) {
        ptes[idx] = unmapped;
        writes++;
      }
      if (stamps !== null) unmapOwnStamp(stamps, rel + i, stamp);
      else if (checking) this.checker.onUnmapOwn(rec.stamps, cpu, rel + i);
      if (mark) tlb.markStaleOffset(o, pcid); // o: the offset from baseVpn, a small integer
      if (crossed) this.markStaleEverywhere(rec.id, baseVpn + o, cpu);
    }
    this.pteWrites += writes;
  }
}

export { FLUSH_ALL, FLUSH_CR3, FLUSH_INVLPG, FLUSH_INVPCID_SINGLE } from './tlb/index.js';
