import {
  lockSite,
  mapOwnStamp,
  unmapOwnStamp,
  V_MIGRATE_DISABLE_LEAK,
  V_OUT_OF_REGION,
  V_REUSE_WITHOUT_FLUSH,
} from './checker.js';
import { PTRS_PER_TABLE } from './defaults.js';
import { R_PTE_WRITE } from './mermap/reasons.js';
import { cpuBaseVpn } from './paging/geometry.js';
import { mkPte, ptePresent, PROT_KERNEL_NOGLOBAL } from './paging/pte.js';
import { FLUSH_ALL, FLUSH_CR3, FLUSH_INVLPG, FLUSH_INVPCID_SINGLE } from './tlb/index.js';
import type { MmRec } from './machine/config.js';
import type { MermapAllocator } from './mermap/allocator.js';
import { MachineTranslation } from './machine/translation.js';

export {
  combineObservers,
  type MachineConfig,
  type MachineObserver,
  TLB_NR_DYN_ASIDS,
} from './machine/config.js';

/**
 * The machine (see MachineConfig in ./machine/config.ts for the whole picture): its state in
 * ./machine/base.ts, translation and flushes in ./machine/translation.ts, and here the mermap
 * calls that write the page tables.
 */
export class Machine extends MachineTranslation {
  /** the page mapRange() found a reuse without flush on */
  private reusedVpn = 0;

  // ------------------------------------------------------------------ the mermap

  /**
   * __mermap_get(mm, page, size, prot, use_reserve) for `task` on its CPU: returns a handle
   * (>= 0) or -reason. `pfn` is the first of `pages` physically contiguous pages.
   */
  mermapGet(task: number, pages: number, pfn: number, prot: number = PROT_KERNEL_NOGLOBAL, reserved = false): number {
    // the common case (the task already runs on its CPU) without a call
    if (this.currentTask[this.taskCpu[task]] !== task) this.switchTo(task);
    const cpu = this.taskCpu[task];
    const rec = this.mms[this.taskMm[task]];
    const alloc = rec.alloc;
    this.gets++;
    if (reserved) this.reservedGets++;
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
      !rec.pteIdx.smallOffsets ||
      rec.regionReady[cpu] === 0
    )
      return this.mapGot(rec, cpu, task, h, pages, pfn, prot, reserved);
    // (a reserved get is as common as the fast path's: one per page of every fallback, each
    // with IRQs off, which under rfc-v1 is the PTE lock in atomic context: checkGet()'s case)
    if (reserved) this.markReserved(rec, h);
    if (this.lockedInAtomic(alloc, task)) this.lockedGet(cpu, rec.id, task, reserved);
    if (this.mapOwn(rec, cpu, off | 0, n, pfn, prot)) this.reportReuse(cpu, rec.id, task);
    this.liveAllocs[task]++;
    this.getsOk++;
    if (this.observer !== null) this.notifyGet(cpu, rec, task, h, reserved);
    return h;
  }

  /** The checker's case of the PTE lock taken with preemption or IRQs off (facts §8.2). */
  private lockedInAtomic(alloc: MermapAllocator, task: number): boolean {
    return this.checking && alloc.ptesLocked && (this.preemptCount[task] > 0 || this.irqsOff[task] > 0);
  }

  /** observer.onGet() of the range the allocator just handed out. */
  private notifyGet(cpu: number, rec: MmRec, task: number, h: number, reserved: boolean): void {
    const o = this.observer;
    if (o !== null && o.onGet !== undefined)
      o.onGet(cpu, rec.id, task, h, rec.alloc.lastBase, rec.alloc.lastPages, reserved);
  }

  /** The rest of any get the allocator granted (handle h): mermapGet() without its shortcuts. */
  private mapGot(
    rec: MmRec,
    cpu: number,
    task: number,
    h: number,
    pages: number,
    pfn: number,
    prot: number,
    reserved: boolean,
  ): number {
    const mm = rec.id;
    const alloc = rec.alloc;
    const base = alloc.lastBase;
    const n = alloc.lastPages;
    if (reserved) this.markReserved(rec, h);
    const off = base - this.geometry.baseVpn;
    const R = this.geometry.regionPages;
    const rel = off - cpu * R;
    const outside = rel < 0 || rel + n > R;
    if (outside) rec.crossedRegion = true;
    if ((this.checking && outside) || this.lockedInAtomic(alloc, task)) this.checkGet(cpu, mm, task, reserved, outside);
    if (this.pteWriteFault !== null) return this.getWithFault(rec, cpu, task, h, pages, pfn, prot, reserved, outside);
    if (!outside && rec.regionReady[cpu] === 0) this.ensureRegions(rec, base, n); // (mapOwn() expects it)
    if (
      !outside && rec.pteIdx.smallOffsets
        ? this.mapOwn(rec, cpu, off | 0, n, pfn, prot)
        : this.mapRange(rec, cpu, off, n, pfn, prot, outside)
    )
      this.reportReuse(cpu, mm, task);
    return this.granted(cpu, rec, task, h, reserved);
  }

  /** The tail of a get whose PTEs are written (the rare paths; mermapGet() inlines it). */
  private granted(cpu: number, rec: MmRec, task: number, h: number, reserved: boolean): number {
    this.liveAllocs[task]++;
    this.getsOk++;
    if (this.observer !== null) this.notifyGet(cpu, rec, task, h, reserved);
    return h;
  }

  /** The allocator refused a get (reason > 0). */
  private getFailed(cpu: number, mm: number, task: number, reason: number, pages: number, reserved: boolean): number {
    this.failures[reason]++;
    if (this.observer !== null && this.observer.onGetFail !== undefined)
      this.observer.onGetFail(cpu, mm, task, reason, pages, reserved);
    return -reason;
  }

  /** The checker's look at a get that took the PTE lock in atomic context or reached outside its region. */
  private checkGet(cpu: number, mm: number, task: number, reserved: boolean, outside: boolean): void {
    const alloc = this.mms[mm].alloc;
    const base = alloc.lastBase;
    const n = alloc.lastPages;
    if (this.lockedInAtomic(alloc, task)) this.lockedGet(cpu, mm, task, reserved);
    if (outside) {
      const cpuBase = cpuBaseVpn(this.geometry, cpu);
      this.violation(
        V_OUT_OF_REGION,
        cpu,
        mm,
        task,
        base,
        -1,
        () => `allocation at offset ${base - cpuBase} + ${n} pages, region is ${this.geometry.regionPages} pages`,
      );
    }
  }

  /** The checker's note of a get that took the PTE lock in atomic context (facts §8.2). */
  private lockedGet(cpu: number, mm: number, task: number, reserved: boolean): void {
    const base = this.mms[mm].alloc.lastBase;
    this.checker.lockInAtomic(lockSite(false, reserved), this.clock.op, cpu, mm, task, base);
  }

  private reportReuse(cpu: number, mm: number, task: number): void {
    this.violation(
      V_REUSE_WITHOUT_FLUSH,
      cpu,
      mm,
      task,
      this.reusedVpn,
      -1,
      () => 'page mapped again before its CPU flushed the old translation',
    );
  }

  /** The rest of a get while fault injection (pteWriteFault) is set: §8.3. */
  private getWithFault(
    rec: MmRec,
    cpu: number,
    task: number,
    h: number,
    pages: number,
    pfn: number,
    prot: number,
    reserved: boolean,
    outside: boolean,
  ): number {
    const alloc = rec.alloc;
    const mm = rec.id;
    const base = alloc.lastBase;
    const n = alloc.lastPages;
    const fault = this.pteWriteFault === null ? false : this.pteWriteFault(task, n);
    // apply_to_page_range() stops at a failing PTE: the ones before it stay written
    const written = fault === false ? n : fault === true ? Math.floor(n / 2) : Math.max(0, Math.min(n, fault));
    if (this.mapRange(rec, cpu, base - this.geometry.baseVpn, written, pfn, prot, outside))
      this.reportReuse(cpu, mm, task);
    if (fault !== false) {
      // the slot is freed, migrate_enable() is forgotten, the PTEs written so far stay present
      alloc.abortGet(h);
      if (this.checking) {
        this.violation(
          V_MIGRATE_DISABLE_LEAK,
          cpu,
          mm,
          task,
          base,
          -1,
          () =>
            `migrate-disable depth left at ${this.migrateDepth[task]} after a failed PTE write; ${written} of ${n} PTEs left present with no owner`,
        );
      }
      return this.getFailed(cpu, mm, task, R_PTE_WRITE, pages, reserved);
    }
    return this.granted(cpu, rec, task, h, reserved);
  }

  /**
   * Write the first `pages` PTEs of [base, ...) to pfn.. with prot, as the allocator's
   * apply_to_*_page_range() does; base = MERMAP_BASE_ADDR page + off (pages are carried as
   * offsets from it, small integers, and made 52-bit page numbers only where one is reported).
   * Returns whether the checker found a reuse without flush (the first such page in reusedVpn).
   */
  private mapRange(
    rec: MmRec,
    cpu: number,
    off: number,
    pages: number,
    pfn: number,
    prot: number,
    outside: boolean,
  ): boolean {
    if (pages === 0) return false;
    const baseVpn = this.geometry.baseVpn;
    if (outside || rec.regionReady[cpu] === 0) this.ensureRegions(rec, baseVpn + off, pages);
    const pt = rec.pt;
    const ix = rec.pteIdx;
    const existingOnly = rec.alloc.writesExistingOnly;
    const checking = this.checking;
    let reused = false;
    let idx = -1;
    for (let i = 0; i < pages; i++) {
      const o = off + i;
      // consecutive PTEs of one PTE table are consecutive in pt.ptes: look up at table starts
      idx = idx >= 0 && !startsTable(o) ? idx + 1 : ix.indexAt(pt, o);
      if (idx < 0) {
        if (existingOnly) {
          this.ptesSkipped++;
          continue;
        }
        pt.populate(baseVpn + o, 1, 0); // PGRANGE_CREATE
        idx = ix.indexAt(pt, o);
      } else if (existingOnly && pt.ptes[idx] === 0) {
        this.ptesSkipped++;
        continue;
      }
      if (checking && this.checker.onMapAt(rec.stamps, cpu, o) && !reused) {
        reused = true;
        this.reusedVpn = baseVpn + o;
      }
      // a present PTE changed under a mapping (an overlap, a PTE left by a failed get): any
      // TLB's copy of it is stale from now
      if (ptePresent(pt.ptes[idx])) this.markStaleEverywhere(rec.id, baseVpn + o, -1);
      pt.ptes[idx] = mkPte(pfn + i, prot);
      this.pteWrites++;
    }
    return reused;
  }

  /**
   * mapRange() of a range inside `cpu`'s own region, with `off` a small whole number (the
   * common case, pteIdx.smallOffsets): the same writes and checks in 32-bit integer arithmetic.
   * (Larger than V8 inlines, on purpose: inlined into mermapGet() it took the inlining budget the
   * allocator's get() needs, and the bench's tight loop ran at 14 or 16 M pairs/s from run to run.)
   */
  private mapOwn(rec: MmRec, cpu: number, off: number, pages: number, pfn: number, prot: number): boolean {
    const stamps = this.checking ? this.checker.ownStamps(rec.stamps, cpu) : null;
    // the checker without its stamps at hand (a CPU's first get, an mm that left its region)
    if (this.checking && stamps === null) return this.mapRange(rec, cpu, off, pages, pfn, prot, false);
    const stamp = stamps === null ? 0 : this.checker.stampNow(rec.stamps, cpu);
    let ptes = rec.pt.ptes;
    const existingOnly = rec.alloc.writesExistingOnly;
    const rel = off - cpu * this.geometry.regionPages;
    // the value a put leaves (not present): the common old PTE, told apart with one comparison
    const unmapped = rec.unmappedAbsent;
    let reusedAt = -1;
    let idx = -1;
    for (let i = 0; i < pages; i++) {
      const o = off + i;
      // consecutive PTEs of one PTE table are consecutive in ptes: look up at table starts
      if (idx < 0 || (o & (PTRS_PER_TABLE - 1)) === 0) {
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
      if (old !== unmapped && ptePresent(old)) this.markStaleEverywhere(rec.id, this.geometry.baseVpn + o, -1);
      ptes[idx] = mkPte(pfn + i, prot);
      this.pteWrites++;
    }
    if (reusedAt >= 0) this.reusedVpn = this.geometry.baseVpn + reusedAt;
    return reusedAt >= 0;
  }

  /** Remember that handle h of this mm came from a reserved get (for the put's call site). */
  private markReserved(rec: MmRec, h: number): void {
    let a = rec.reservedHandle;
    if (a === null || h >= a.length) {
      const grown = new Uint8Array(Math.max(h + 1, this.possibleCpus * rec.alloc.slotsPerCpu));
      if (a !== null) grown.set(a);
      a = grown;
      rec.reservedHandle = a;
    }
    a[h] = 1;
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
    if (rel >= 0 && rel + n <= R && rec.pteIdx.smallOffsets) this.unmapOwn(rec, cpu, off | 0, n);
    else this.unmapRange(rec, cpu, off, n);
    if (this.observer !== null && this.observer.onPut !== undefined)
      this.observer.onPut(cpu, mm, task, handle, base, n);
    if (alloc.flushAfterPut !== undefined) alloc.flushAfterPut(cpu, base, n);
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
    const checking = this.checking;
    const ix = rec.pteIdx;
    const baseVpn = this.geometry.baseVpn;
    const rel = off - cpu * this.geometry.regionPages;
    const stamps = checking ? this.checker.ownStamps(rec.stamps, cpu) : null;
    const stamp = stamps === null ? 0 : this.checker.stampNow(rec.stamps, cpu);
    // (markStale has nothing to do while the TLB holds no mermap translation; marking does not
    // change that, nor whether the mm ever left its region)
    const mark = tlb.mermapLive !== 0;
    const crossed = rec.crossedRegion;
    let idx = -1;
    let writes = 0;
    for (let i = 0; i < n; i++) {
      const o = off + i;
      idx = idx >= 0 && (o & (PTRS_PER_TABLE - 1)) !== 0 ? idx + 1 : ix.indexOfSmall(rec.pt, o);
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

  /** The put's PTE rewrites of any range (one that left its region, or huge offsets): unmapOwn()'s general form. */
  private unmapRange(rec: MmRec, cpu: number, off: number, n: number): void {
    const mm = rec.id;
    const pt = rec.pt;
    const unmapped = rec.alloc.unmappedPte;
    const tlb = this.tlbs[cpu];
    const pcid = this.currentPcidOf[cpu];
    const checking = this.checking;
    const stamps = rec.stamps;
    const ix = rec.pteIdx;
    const baseVpn = this.geometry.baseVpn;
    let idx = -1;
    for (let i = 0; i < n; i++) {
      const o = off + i;
      idx = idx >= 0 && !startsTable(o) ? idx + 1 : ix.indexAt(pt, o);
      if (idx >= 0) {
        pt.ptes[idx] = unmapped;
        this.pteWrites++;
      }
      if (checking) this.checker.onUnmapAt(stamps, o);
      // (markStale has nothing to do while the TLB holds no mermap translation)
      if (tlb.mermapLive !== 0) tlb.markStale(baseVpn + o, pcid);
      // after an out-of-region mapping in this mm, other CPUs may hold copies too
      if (rec.crossedRegion) this.markStaleEverywhere(mm, baseVpn + o, cpu);
    }
  }
}

export { FLUSH_ALL, FLUSH_CR3, FLUSH_INVLPG, FLUSH_INVPCID_SINGLE };

/**
 * Whether page offset o (from MERMAP_BASE_ADDR, table aligned) starts a PTE table. Offsets come
 * from 52-bit page numbers, so V8 holds them as doubles, and `%` on a double is a libm fmod
 * call; the floor form is exact and stays in registers.
 */
function startsTable(o: number): boolean {
  return o - Math.floor(o / PTRS_PER_TABLE) * PTRS_PER_TABLE === 0;
}
