import { lockSite, V_MIGRATE_DISABLE_LEAK, V_OUT_OF_REGION, V_REUSE_WITHOUT_FLUSH } from '../violations.js';
import { Table } from '../defaults.js';
import type { MermapAllocator } from '../mermap/allocator.js';
import { Reason } from '../mermap/reasons.js';
import { cpuBaseVpn } from '../paging/geometry.js';
import { Pte } from '../paging/pte.js';
import type { MmRec } from './config.js';
import { MachineTranslation } from './translation.js';

/**
 * The mermap's paths off the common case, under the Machine's get and put (../machine.ts): a
 * range that leaves its CPU's region or has huge offsets (mapRange(), unmapRange()), a get the
 * allocator refused, fault injection (§8.3), the checker's reports (the PTE lock in atomic
 * context, a reuse without flush, a range outside its region), and the marks a reserved get
 * leaves for its put. Kept apart so that machine.ts reads as mm/mermap.c's get and put do.
 */
export abstract class MachineMermapPaths extends MachineTranslation {
  /** the page mapRange() or mapOwn() found a reuse without flush on */
  protected reusedVpn = 0;

  /**
   * mapRange() of a range inside `cpu`'s own region with `off` a small whole number: the
   * Machine's hot path (../machine.ts).
   */
  protected abstract mapOwn(rec: MmRec, cpu: number, off: number, pages: number, pfn: number, prot: number): boolean;

  /** The checker's case of the PTE lock taken with preemption or IRQs off (facts §8.2). */
  protected lockedInAtomic(alloc: MermapAllocator, task: number): boolean {
    return (
      this.checking === true && alloc.ptesLocked === true && (this.preemptCount[task] > 0 || this.irqsOff[task] > 0)
    );
  }

  /** observer.onGet() of the range the allocator just handed out. */
  protected notifyGet(cpu: number, rec: MmRec, task: number, h: number, reserved: boolean): void {
    const o = this.observer;
    if (o !== null && o.onGet !== undefined)
      o.onGet(cpu, rec.id, task, h, rec.alloc.lastBase, rec.alloc.lastPages, reserved);
  }

  /** The rest of any get the allocator granted (handle h): mermapGet() without its shortcuts. */
  protected mapGot(
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
  protected granted(cpu: number, rec: MmRec, task: number, h: number, reserved: boolean): number {
    this.liveAllocs[task]++;
    this.getsOk++;
    if (this.observer !== null) this.notifyGet(cpu, rec, task, h, reserved);
    return h;
  }

  /** The allocator's flushAfterPut() changed mm's region of `cpu` after the put was told of. */
  protected regionChanged(cpu: number, mm: number): void {
    if (this.observer !== null && this.observer.onRegionChange !== undefined) this.observer.onRegionChange(cpu, mm);
  }

  /** The allocator refused a get (reason > 0). */
  protected getFailed(cpu: number, mm: number, task: number, reason: number, pages: number, reserved: boolean): number {
    this.failures[reason]++;
    if (this.observer !== null && this.observer.onGetFail !== undefined)
      this.observer.onGetFail(cpu, mm, task, reason, pages, reserved);
    return -reason;
  }

  /** The checker's look at a get that took the PTE lock in atomic context or reached outside its region. */
  protected checkGet(cpu: number, mm: number, task: number, reserved: boolean, outside: boolean): void {
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
  protected lockedGet(cpu: number, mm: number, task: number, reserved: boolean): void {
    const base = this.mms[mm].alloc.lastBase;
    this.checker.lockInAtomic(lockSite(false, reserved), this.clock.op, cpu, mm, task, base);
  }

  protected reportReuse(cpu: number, mm: number, task: number): void {
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
  protected getWithFault(
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
      return this.getFailed(cpu, mm, task, Reason.PTE_WRITE, pages, reserved);
    }
    return this.granted(cpu, rec, task, h, reserved);
  }

  /**
   * Write the first `pages` PTEs of [base, ...) to pfn.. with prot, as the allocator's
   * apply_to_*_page_range() does; base = MERMAP_BASE_ADDR page + off (pages are carried as
   * offsets from it, small integers, and made 52-bit page numbers only where one is reported).
   * Returns whether the checker found a reuse without flush (the first such page in reusedVpn).
   */
  protected mapRange(
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
      if (((pt.ptes[idx] | 0) & Pte.PRESENT) !== 0) this.markStaleEverywhere(rec.id, baseVpn + o, -1);
      pt.ptes[idx] = (pfn + i) * Pte.SPAN + prot; // mkPte(), written out (Habits)
      this.pteWrites++;
    }
    return reused;
  }

  /** Remember that handle h of this mm came from a reserved get (for the put's call site). */
  protected markReserved(rec: MmRec, h: number): void {
    let a = rec.reservedHandle;
    if (a === null || h >= a.length) {
      const grown = new Uint8Array(Math.max(h + 1, this.possibleCpus * rec.alloc.slotsPerCpu));
      if (a !== null) grown.set(a);
      this.stateMeter.add(grown.byteLength - (a === null ? 0 : a.byteLength));
      a = grown;
      rec.reservedHandle = a;
    }
    a[h] = 1;
  }

  /** The put's PTE rewrites of any range (one that left its region, or huge offsets): unmapOwn()'s general form. */
  protected unmapRange(rec: MmRec, cpu: number, off: number, n: number): void {
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

/**
 * Whether page offset o (from MERMAP_BASE_ADDR, table aligned) starts a PTE table. Offsets come
 * from 52-bit page numbers, so V8 holds them as doubles, and `%` on a double is a libm fmod
 * call; the floor form is exact and stays in registers.
 */
function startsTable(o: number): boolean {
  return o - Math.floor(o / Table.PTRS) * Table.PTRS === 0;
}
