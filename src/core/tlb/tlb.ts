/**
 * One CPU's data TLB with x86 semantics (facts sheet §9.2): an L1 dTLB backed by an STLB, both
 * set-associative with LRU, entries tagged by PCID unless global, and by page size (§9.3, §9.4).
 *
 *   lookup(vpn, pcid)   L1 hit | L1 miss, STLB hit -> copy into L1 | miss (the caller walks, then fill())
 *   entry matches       its page holds vpn (same first page at the entry's size: 4 KiB, 2 MiB or
 *                       1 GiB) and (global || entry.pcid === pcid)
 *
 * The L1 has an array per page size or one for all (./config.ts); the STLB is one array that
 * holds the sizes its preset says, a 1 GiB translation possibly as the 2 MiB entry of the part
 * looked up (Zen 2). A lookup probes the large sizes only inside the pages large fills have
 * covered (the direct map), so a mermap or user lookup costs what it did with 4 KiB entries only.
 *
 * A translation is "in the TLB" while a copy of it sits in either level. Page walks fill both
 * levels; an STLB hit copies into L1; either level evicts on its own, so a translation can be in
 * L1 only, STLB only, or both. Everything that is about translations rather than copies (flush
 * discards, stale exposure, mermapRefs, refill attribution) is counted once per translation,
 * when its last copy leaves; a 1 GiB translation held as 2 MiB STLB entries counts once for its
 * L1 copy and once per STLB entry (Zen 2 only).
 *
 * What each flush drops (Intel SDM INVLPG / INVPCID pages, arch/x86/mm/tlb.c; facts §9.2):
 *
 *   kind                       current PCID   other PCIDs   global
 *   INVLPG vpn                 vpn's page     -             vpn's page (any size)
 *   CR3 write (pcid)           all non-global of that pcid   kept
 *   INVPCID single (type 1)    all non-global of that pcid   kept
 *   __flush_tlb_all (type 2)   all            all           all      <- arch_mermap_flush_tlb()
 *
 * The mermap flushes with __flush_tlb_all() when a CPU's window wraps, although its own entries
 * are all non-global and of the current mm: the global kernel entries (the direct map's 2 MiB /
 * 1 GiB ones among them) and other PCIDs' entries go too. `discarded` splits each flush's
 * victims by category, and refillsAfterFlush counts the page walks spent getting the non-mermap
 * ones back.
 *
 * Stale translations: mermap_put() clears the PTE but, by design, flushes nothing; the cached
 * translation stays usable until the wrap flush or an eviction pushes it out. markStale() stamps
 * it with the Machine's clock; when it finally leaves, the time it lived on is its exposure. The
 * mermap maps 4 KiB PTEs only, so only 4 KiB entries go stale.
 */
import { ptePfn, Pte } from '../paging/pte.js';
import { Flush } from './kinds.js';
import { GLOBAL_KEY } from './tlb-counters.js';
import { alignDown, TlbFlag } from './tlb-array.js';
import { TlbDrops } from './tlb-drops.js';

export * from './kinds.js';

export class Tlb extends TlbDrops {
  /**
   * The counterfactual TLB (issue 12 §3), or null when it is off: fed the same lookups and fills
   * by the Machine and flushed by CR3 writes (Flush.CR3 here, forwarded), but never by the
   * mermap's flushes, so its misses are the misses that would have happened anyway.
   */
  shadow: Tlb | null = null;
  /**
   * The (vpn, pcid) of the last lookup miss while no fill has happened since: a fill for exactly
   * that key cannot find a cached translation to replace (flushes only remove; an L1 refill
   * copies a translation the missed lookup would already have hit), so it skips the scan.
   */
  private missVpn = -1;
  private missPcid = -1;

  /** The pte of a cached translation of vpn visible to pcid, or -1 on a miss (the caller walks). */
  lookup(vpn: number, pcid: number): number {
    return this.hit(vpn, pcid) ? this.hitPte : -1;
  }

  /**
   * lookup() without returning a 52-bit pte (a double a call boundary would box): whether it
   * hit, the pte in hitPte and the translation's page shift in hitShift.
   */
  hit(vpn: number, pcid: number): boolean {
    const l1 = this.l1;
    let i = l1.find(vpn, pcid);
    if (i >= 0) {
      l1.touch(i);
      this.l1Hits++;
      if ((l1.flags[i] & TlbFlag.STALE) !== 0) this.staleHits++;
      this.hitPte = l1.pte[i];
      this.hitShift = 12;
      return true;
    }
    const stlb = this.stlb;
    i = stlb.find(vpn, pcid);
    if (i < 0) {
      // the large sizes only where a large page was ever filled (the 4 KiB path stays two probes)
      if (vpn >= this.largeLo && vpn < this.largeHi && this.hitLarge(vpn, pcid)) return true;
      this.misses++;
      this.missVpn = vpn;
      this.missPcid = pcid;
      return false;
    }
    this.stlbHit(i, 0);
    return true;
  }

  /**
   * Insert the translation a page walk found into both levels: a page of 2^pageShift bytes
   * (12, 21 or 30) holding vpn. Any cached translation the same lookup would have hit is
   * replaced (normally there is none: fill follows a miss).
   */
  fill(vpn: number, pcid: number, pte: number, pageShift = 12): void {
    const sz = pageShift === 12 ? 0 : pageShift === 21 ? 1 : 2;
    const global = ((pte | 0) & Pte.GLOBAL) !== 0; // pteGlobal(), written out (Habits)
    const mermap = vpn >= this.mermapLoVpn && vpn < this.mermapHiVpn;
    if (vpn !== this.missVpn || pcid !== this.missPcid) this.dropMatching(vpn, pcid, Flush.NONE, pcid, false);
    this.missVpn = -1;
    this.fills++;
    // page numbers and ptes are doubles: the calls below that may not be inlined take vpn (as
    // passed in, already boxed) or small integers, never a page number computed here
    if (sz !== 0) this.coverLarge(vpn, sz);
    // flushes remember non-mermap translations only, and a 4 KiB entry's tag is its vpn: a 4 KiB
    // mermap fill is never a refill
    if (this.rememberedCount !== 0 && (!mermap || sz !== 0)) this.refilled(global ? GLOBAL_KEY : pcid, sz, vpn);
    const flags = (global ? TlbFlag.GLOBAL : 0) | (mermap ? TlbFlag.MERMAP : 0) | (sz << TlbFlag.SIZE_SHIFT);
    const tag = sz === 0 ? vpn : alignDown(vpn, sz); // (see TlbArray.find)
    const as = this.stlbAs[sz];
    const stlb = this.stlb;
    let js = -1;
    if (as >= 0) {
      const st = as === sz ? tag : alignDown(vpn, as);
      js = this.makeRoom(stlb, stlb.setOfTag(st, as));
      stlb.vpn[js] = st;
      stlb.pte[js] = pte;
      stlb.occupy(js, pcid, as === sz ? flags : (flags & ~TlbFlag.SIZE) | (as << TlbFlag.SIZE_SHIFT) | TlbFlag.SPLIT);
    }
    const a = this.l1For[sz];
    const j = this.makeRoom(a, a.setOfTag(tag, sz));
    a.vpn[j] = tag;
    a.pte[j] = pte;
    a.occupy(j, pcid, flags);
    // the two levels hold copies of one translation, unless the STLB holds it as a part (split)
    if (as === sz) this.pair(a, j, stlb, js);
    if (mermap) {
      this.mermapLive++;
      if (this.mermapRefs !== null) this.mermapRefs.tlbRef(ptePfn(pte), 1);
    }
  }

  /**
   * fill() of what a page walk after a miss found, and the shadow TLB kept in step: it gets the
   * same fill, or, where it still caches the page (no mermap flush dropped it), the new PTE if
   * it changed (remapped()).
   */
  walked(vpn: number, pcid: number, pte: number, pageShift: number): void {
    this.fill(vpn, pcid, pte, pageShift);
    const shadow = this.shadow;
    if (shadow !== null) {
      if (!shadow.hit(vpn, pcid)) shadow.fill(vpn, pcid, pte, pageShift);
      else if (shadow.hitPte !== pte) shadow.remapped(vpn, pcid, pte, pageShift);
    }
  }

  /** After a hit: the shadow may miss where the real TLB hit (an eviction order that differs). */
  hitShadow(vpn: number, pcid: number): void {
    const shadow = this.shadow;
    if (shadow !== null && !shadow.hit(vpn, pcid)) shadow.fill(vpn, pcid, this.hitPte, this.hitShift);
  }

  /**
   * A lookup that hit a translation whose PTE has changed since (a mermap page mapped again to
   * another pfn): the walk the new mapping needs happens with or without the mermap's flushes,
   * so it counts as a miss and the new translation replaces the old. The shadow TLB only.
   */
  remapped(vpn: number, pcid: number, pte: number, pageShift = 12): void {
    this.misses++;
    this.fill(vpn, pcid, pte, pageShift);
  }

  /** INVLPG: the entries of vpn's page (any size) of the current PCID and any global one. */
  invlpg(vpn: number, currentPcid: number): void {
    this.flushes[Flush.INVLPG]++;
    this.dropMatching(vpn, currentPcid, Flush.INVLPG, currentPcid, false);
  }

  /** __flush_tlb_all() / INVPCID type 2: every entry, globals and other PCIDs included. */
  flushAll(currentPcid: number, attribute: boolean): void {
    this.flushes[Flush.ALL]++;
    if (this.validEntries() === 0) return;
    this.dropWhere(-1, currentPcid, attribute, Flush.ALL);
  }

  /** CR3 write / INVPCID type 1: the non-global entries of pcid; globals and other PCIDs stay. */
  flushPcid(pcid: number, currentPcid: number, attribute: boolean, kind: Flush.CR3 | Flush.INVPCID_SINGLE): void {
    this.flushes[kind]++;
    if (kind === Flush.CR3 && this.shadow !== null) this.shadow.flushPcid(pcid, currentPcid, false, kind);
    if (this.validEntries() === 0) return;
    this.dropWhere(pcid, currentPcid, attribute, kind);
  }

  /** Misses the shadow TLB had: those that would have happened without the mermap's flushes. */
  get shadowMisses(): number | null {
    return this.shadow === null ? null : this.shadow.misses;
  }

  /** Misses the mermap's flushes caused: misses - shadowMisses, never negative (null: no shadow). */
  get collateralRefills(): number | null {
    return this.shadow === null ? null : Math.max(0, this.misses - this.shadow.misses);
  }

  /**
   * The PTE behind vpn's translation for pcid was cleared (mermap put) and nothing flushed it:
   * the cached copies, if any, stay usable and are stale from now (the first clearing counts).
   */
  markStale(vpn: number, pcid: number): void {
    if (this.mermapLive === 0) return; // no mermap translation cached: nothing can go stale
    // small, so that it inlines into the Machine: the helpers take the offset, a small integer
    // (a page number near 2^36..2^45 passed to a call that is not inlined is a heap number)
    const o = vpn - this.mermapLoVpn;
    if (o >= 0 && vpn < this.mermapHiVpn) this.markStaleMermap(o, pcid);
    else this.markStaleOther(vpn, pcid);
  }

  /**
   * markStale() of the mermap page at offset o from mermapLoVpn (o < mermapHiVpn - mermapLoVpn),
   * for a caller that holds the offset: a small integer, which crosses a call that is not
   * inlined without being boxed, where a page number would be.
   */
  markStaleOffset(o: number, pcid: number): void {
    if (this.mermapLive !== 0) this.markStaleMermap(o, pcid);
  }

  /** Zero the counters (after a warm-up), keeping the cached contents and stale stamps. */
  override resetCounters(): void {
    super.resetCounters();
    if (this.shadow !== null) this.shadow.resetCounters();
  }
}
