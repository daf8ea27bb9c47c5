import { V_STALE_TLB_AFTER_FREE, V_STALE_TLB_HIT } from '../violations.js';
import { FLUSH_CEILING_PAGES, Table } from '../defaults.js';
import { vpnToHex } from '../paging/geometry.js';
import type { PageTable } from '../paging/page-table.js';
import { modPow2 } from '../util/mod-pow2.js';
import { mkPte, ptePfn, ptePresent, Pte } from '../paging/pte.js';
import { Flush } from '../tlb/index.js';
import { MachineMms } from './mms.js';
import { TLB_NR_DYN_ASIDS } from './config.js';

/**
 * Address translation on the Machine: CR3 writes and PCIDs (switchTo), data accesses through
 * the TLBs and page walks, and the flushes the allocators ask for (the FlushHost).
 */
export abstract class MachineTranslation extends MachineMms {
  /**
   * Run `task` on its CPU: switch_mm_irqs_off(). A CR3 write when the mm changes. With PCID the
   * mm keeps its ASID on this CPU if it still has one (no flush: entries tagged with it are
   * still its own); otherwise choose_new_asid() takes the next of the 6 round robin and the CR3
   * write flushes that PCID, dropping what the ASID's previous mm left there. Without PCID every
   * CR3 write flushes the non-global entries.
   */
  switchTo(task: number): void {
    const cpu = this.taskCpu[task];
    if (this.currentTask[cpu] === task) return;
    this.currentTask[cpu] = task;
    const mm = this.taskMm[task];
    if (this.currentMm[cpu] === mm) return;
    this.currentMm[cpu] = mm;
    this.cr3Writes++;
    const tlb = this.tlbs[cpu];
    if (!this.pcidEnabled) {
      this.cr3Flushes++;
      tlb.flushPcid(0, 0, false, Flush.CR3);
      this.checker.cpuEpoch[cpu]++;
      return;
    }
    const s0 = cpu * TLB_NR_DYN_ASIDS;
    for (let a = 0; a < TLB_NR_DYN_ASIDS; a++) {
      if (this.asidMm[s0 + a] === mm) {
        this.currentPcidOf[cpu] = a + 1;
        return;
      }
    }
    let asid = this.nextAsid[cpu];
    if (asid >= TLB_NR_DYN_ASIDS) asid = 0;
    this.nextAsid[cpu] = asid + 1;
    const previous = this.asidMm[s0 + asid];
    this.asidMm[s0 + asid] = mm;
    const pcid = asid + 1;
    this.currentPcidOf[cpu] = pcid;
    if (previous >= 0) {
      // the reused PCID still tags the previous mm's entries: the CR3 write flushes them
      this.cr3Flushes++;
      tlb.flushPcid(pcid, pcid, false, Flush.CR3);
      tlb.forgetPcid(pcid);
      this.mms[previous].stamps.epoch[cpu]++;
    }
  }

  // ------------------------------------------------------------------ memory accesses

  /**
   * A data access by `task` (on its CPU) to page vpn: a TLB hit, or a page walk through the
   * current mm's tables (or the shared kernel tables) and a fill. User and kernel pages that are
   * not mapped yet are demand-mapped (kernel ones global, the direct map); a not-present mermap
   * page is a fault of the caller (counted, nothing filled).
   */
  access(task: number, vpn: number): boolean {
    if (this.currentTask[this.taskCpu[task]] !== task) this.switchTo(task);
    const cpu = this.taskCpu[task];
    const rec = this.mms[this.taskMm[task]];
    const tlb = this.tlbs[cpu];
    this.accesses++;
    const pcid = this.currentPcidOf[cpu];
    const staleBefore = tlb.staleHits;
    const shadow = tlb.shadow;
    if (tlb.hit(vpn, pcid)) {
      tlb.hitShadow(vpn, pcid);
      if (this.checking === true && tlb.staleHits !== staleBefore) this.reportStaleHit(cpu, task, vpn, tlb.hitPte);
      return true;
    }
    const mmLocal = vpn >= this.geometry.mmLocalStartVpn && vpn < this.geometry.mmLocalEndVpn;
    const pt = vpn < this.userTop || mmLocal ? rec.pt : this.kernelPt;
    // a mermap page's PTE is where the mm's MermapPteIndex says once its table exists: the
    // walk's result (a 4 KiB leaf, one read per level) without descending the upper levels
    const idx = mmLocal ? rec.pteIdx.indexAt(pt, vpn - this.geometry.baseVpn) : -1;
    let pte = this.walk(pt, idx, vpn);
    if (!ptePresent(pte)) {
      if (mmLocal) {
        this.mermapFaults++;
        // a fault with or without the mermap's flushes: a miss even where the shadow still caches the page
        if (shadow?.hit(vpn, pcid)) shadow.misses++;
        return false;
      }
      this.pageFaults++;
      pte = this.demandMap(pt, vpn);
    }
    tlb.walked(vpn, pcid, pte, idx >= 0 ? 12 : pt.lastWalkPageShift);
    return true;
  }

  /**
   * access() of the mermap pages [off, off + pages) (offsets from MERMAP_BASE_ADDR's page, the
   * way the Machine carries them): the zeroing of a range a get just mapped. The same lookups,
   * walks and fills as access() of each page in turn, with the task's CPU, mm and TLB looked up
   * once and the offset a small integer (a 52-bit page number passed to this call, which is not
   * inlined, would be boxed on every page). Nothing here switches tasks: a walk of a mermap page
   * reads the PTE the mm's MermapPteIndex points to, and a not-present one is the caller's fault.
   */
  accessMermap(task: number, off: number, pages: number): void {
    if (pages <= 0) return; // (no access: not even the switch to the task)
    const rec = this.mms[this.taskMm[task]];
    const g = this.geometry;
    if (rec.pteIdx.smallOffsets !== true || off < 0 || off + pages > g.endVpn - g.baseVpn) {
      for (let p = 0; p < pages; p++) this.access(task, g.baseVpn + off + p);
      return;
    }
    if (this.currentTask[this.taskCpu[task]] !== task) this.switchTo(task);
    const cpu = this.taskCpu[task];
    const tlb = this.tlbs[cpu];
    const pcid = this.currentPcidOf[cpu];
    const shadow = tlb.shadow;
    const pt = rec.pt;
    for (let p = 0; p < pages; p++) {
      const o = off + p;
      const vpn = g.baseVpn + o;
      this.accesses++;
      const staleBefore = tlb.staleHits;
      if (tlb.hit(vpn, pcid)) {
        tlb.hitShadow(vpn, pcid);
        if (this.checking === true && tlb.staleHits !== staleBefore) this.reportStaleHit(cpu, task, vpn, tlb.hitPte);
        continue;
      }
      const idx = rec.pteIdx.indexOfSmall(pt, o);
      const pte = this.walk(pt, idx, vpn);
      if (!ptePresent(pte)) {
        this.mermapFaults++;
        if (shadow?.hit(vpn, pcid)) shadow.misses++;
        continue;
      }
      tlb.walked(vpn, pcid, pte, idx >= 0 ? 12 : pt.lastWalkPageShift);
    }
  }

  /**
   * The page walk after a miss, counted: a mermap page whose PTE the mm's MermapPteIndex holds
   * (idx >= 0) is read there (a 4 KiB leaf, one read per level), any other page walked from
   * the top. The leaf's pte, or 0 when it is not present. (Small, so that V8 inlines it and the
   * 52-bit pte is not boxed.)
   */
  // (ptePresent() is called here and in access(), not written out as the map loops write it:
  // written out at these three sites, a worker's 4 default points took 9,000 M instructions
  // against 8,749 M, and its start-up 2,876 M against 2,764 M. `bench:instructions`, November
  // 2026. The shared helper's feedback has seen every kind of pte these sites read.)
  private walk(pt: PageTable, idx: number, vpn: number): number {
    this.pageWalks++;
    if (idx >= 0) {
      this.walkReads += this.geometry.levels;
      const pte = pt.ptes[idx];
      return ptePresent(pte) ? pte : 0;
    }
    pt.walkInto(vpn);
    this.walkReads += pt.lastWalkReads;
    return pt.lastWalkPte;
  }

  /**
   * Map a page nothing has mapped yet and walk to it again (lastWalk* describe the new leaf):
   * a user page (non-global), a kernel page outside the direct map (global), or the direct-map
   * leaf of directMapPageSize holding vpn (global, pfn = its offset in the direct map, as
   * __va() / __pa() make it). The direct map exists from boot; mapping it on first use only
   * keeps the kernel tables small.
   */
  private demandMap(pt: PageTable, vpn: number): number {
    const dm = vpn - this.directMapBase;
    const global = vpn >= this.userTop;
    if (dm >= 0 && vpn < this.directMapEnd) {
      const pages = this.directMapLeafPages;
      const first = dm - modPow2(dm, pages);
      const pte = mkPte(first, Pte.PRESENT | Pte.NX | Pte.GLOBAL);
      if (pages === 1) pt.populate(vpn, 1, pte);
      else pt.mapLarge(this.directMapBase + first, pages === Table.PTRS ? 'pmd' : 'pud', pte);
    } else {
      pt.populate(vpn, 1, mkPte(this.nextUserPfn++, Pte.PRESENT | Pte.NX | (global ? Pte.GLOBAL : 0)));
    }
    pt.walkInto(vpn);
    return pt.lastWalkPte;
  }

  private reportStaleHit(cpu: number, task: number, vpn: number, pte: number): void {
    const pfn = ptePfn(pte);
    this.violation(
      V_STALE_TLB_HIT,
      cpu,
      this.taskMm[task],
      task,
      vpn,
      pfn,
      () =>
        `access to ${vpnToHex(vpn)} hit a cached translation to pfn 0x${pfn.toString(16)} whose PTE was cleared since`,
    );
  }

  /**
   * Pages go back to the page allocator: the checker looks for TLBs still translating to them.
   * (Under RFC v1, whose put flushes nothing, many frees report: hence a module-level detail
   * function, not a closure per report.)
   */
  freePages(pfn: number, pages: number, cpu = -1): void {
    if (!this.checking) return;
    const p = this.checker.firstCachedPfn(pfn, pages);
    if (p >= 0) this.violation(V_STALE_TLB_AFTER_FREE, cpu, -1, -1, -1, p, staleAfterFreeDetail);
  }

  // ------------------------------------------------------------------ flushes (the FlushHost)

  /** __flush_tlb_all() on `cpu`: INVPCID type 2 / CR4.PGE toggle: everything, globals included. */
  flushTlbAll(cpu: number): void {
    this.tlbs[cpu].flushAll(this.currentPcid(cpu), true);
    this.checker.cpuEpoch[cpu]++;
    if (this.observer !== null && this.observer.onFlush !== undefined) this.observer.onFlush(cpu, Flush.ALL, 0, -1);
  }

  /** INVPCID single context: the current mm's PCID on `cpu`, globals and other PCIDs survive. */
  flushTlbMm(cpu: number): void {
    const mm = this.currentMm[cpu];
    const pcid = this.currentPcid(cpu);
    this.tlbs[cpu].flushPcid(pcid, pcid, true, Flush.INVPCID_SINGLE);
    if (mm >= 0) this.mms[mm].stamps.epoch[cpu]++;
    if (this.observer !== null && this.observer.onFlush !== undefined)
      this.observer.onFlush(cpu, Flush.INVPCID_SINGLE, 0, -1);
  }

  invlpg(cpu: number, vpn: number): void {
    const pcid = this.currentPcid(cpu);
    this.tlbs[cpu].invlpg(vpn, pcid);
    const mm = this.currentMm[cpu];
    if (this.checking && mm >= 0) this.checker.onInvlpg(this.mms[mm].stamps, cpu, vpn);
    if (this.observer !== null && this.observer.onFlush !== undefined) this.observer.onFlush(cpu, Flush.INVLPG, 1, vpn);
  }

  /**
   * flush_tlb_kernel_range() from `cpu`: every online CPU, the others by IPI; INVLPG per page up
   * to the ceiling, a full flush past it (arch/x86/mm/tlb.c; ceiling from the allocator options).
   */
  flushKernelRangeAllCpus(cpu: number, startVpn: number, pages: number): void {
    const ceiling = this.allocOptions.flushCeilingPages ?? FLUSH_CEILING_PAGES;
    this.shootdowns++;
    for (let c = 0; c < this.onlineCpus; c++) {
      if (c !== cpu) this.ipis++;
      if (pages > ceiling) {
        this.flushTlbAll(c);
      } else {
        for (let i = 0; i < pages; i++) {
          this.invlpg(c, startVpn + i);
          if (c !== cpu) this.remoteInvlpgs++;
        }
      }
    }
  }

  /** Mark vpn's translations of mm stale in the TLB of every online CPU but `except`. */
  protected markStaleEverywhere(mm: number, vpn: number, except: number): void {
    for (let c = 0; c < this.onlineCpus; c++) {
      if (c === except) continue;
      let pcid = -1;
      if (!this.pcidEnabled) pcid = this.currentMm[c] === mm ? 0 : -1;
      else {
        // entries under an ASID this mm held before were flushed when it was reassigned
        const s0 = c * TLB_NR_DYN_ASIDS;
        for (let a = 0; a < TLB_NR_DYN_ASIDS; a++) if (this.asidMm[s0 + a] === mm) pcid = a + 1;
      }
      if (pcid >= 0) this.tlbs[c].markStale(vpn, pcid);
    }
  }

  protected currentPcid(cpu: number): number {
    return this.currentPcidOf[cpu];
  }
}

function staleAfterFreeDetail(pfn: number): string {
  return `pfn 0x${pfn.toString(16)} freed while a TLB still holds a mermap translation to it`;
}
