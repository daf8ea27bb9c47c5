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
 * discards, stale exposure, onMermapRef, refill attribution) is counted once per translation,
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
import { PAGE_SHIFT, PAGE_SIZE_NAMES, PAGE_SIZE_ORDER } from '../paging/geometry.js';
import { ptePfn, pteGlobal } from '../paging/pte.js';
import { resolveTlbConfig, type TlbConfig, type TlbLevelConfig } from './config.js';
import {
  type Clock,
  FLUSH_ALL,
  FLUSH_CR3,
  FLUSH_INVLPG,
  type FLUSH_INVPCID_SINGLE,
  type TlbEntrySnapshot,
} from './kinds.js';
import { GLOBAL_KEY, NO_FLUSH, TlbCounters } from './tlb-counters.js';
import {
  alignDown,
  F_GLOBAL,
  F_MERMAP,
  F_SIZE,
  F_SPLIT,
  F_STALE,
  SIZE_PAGES,
  SIZE_SHIFT,
  TlbArray,
} from './tlb-array.js';

export * from './kinds.js';

/** page shift of each size index: 12, 21, 30 */
const SIZE_PAGE_SHIFT: readonly number[] = PAGE_SIZE_ORDER.map((o) => o + PAGE_SHIFT);

export class Tlb extends TlbCounters {
  readonly config: TlbConfig;
  readonly mermapLoVpn: number;
  readonly mermapHiVpn: number;

  /**
   * The counterfactual TLB (issue 12 §3), or null when it is off: fed the same lookups and fills
   * by the Machine and flushed by CR3 writes (FLUSH_CR3 here, forwarded), but never by the
   * mermap's flushes, so its misses are the misses that would have happened anyway.
   */
  shadow: Tlb | null = null;
  /** the pte of the last hit() (of a large page: its leaf pte) */
  hitPte = 0;
  /** the page shift of the last hit()'s translation: 12, 21 or 30 */
  hitShift = 12;

  /** the L1 array of 4 KiB pages */
  private readonly l1: TlbArray;
  /** the L1 array of each size index (l1 itself where it holds that size too) */
  private readonly l1For: readonly TlbArray[];
  private readonly stlb: TlbArray;
  /** the size index the STLB holds each size index as; -1: not at all */
  private readonly stlbAs: Int8Array;
  /** every distinct array, the L1 ones first (4 KiB first), the STLB last */
  private readonly arrays: readonly TlbArray[];
  /**
   * The (vpn, pcid) of the last lookup miss while no fill has happened since: a fill for exactly
   * that key cannot find a cached translation to replace (flushes only remove; an L1 refill
   * copies a translation the missed lookup would already have hit), so it skips the scan.
   */
  private missVpn = -1;
  private missPcid = -1;
  /**
   * [largeLo, largeHi): the pages any 2 MiB or 1 GiB entry filled so far covers (it only grows):
   * a lookup outside it (every mermap and user page) skips the large sizes' probes.
   */
  private largeLo = Infinity;
  private largeHi = -Infinity;

  constructor(cfg: TlbConfig, mermapLoVpn: number, mermapHiVpn: number, clock: Clock) {
    super(clock);
    this.config = resolveTlbConfig(cfg);
    this.mermapLoVpn = mermapLoVpn;
    this.mermapHiVpn = mermapHiVpn;
    const { l1, l1Large, stlb, stlbLarge } = this.config;
    const array = (l: TlbLevelConfig): TlbArray => new TlbArray(l.entries, l.ways);
    this.l1 = array(l1);
    const large = (l: TlbLevelConfig | 'l1' | undefined): TlbArray =>
      l === undefined || l === 'l1' ? this.l1 : array(l);
    this.l1For = [this.l1, large(l1Large?.['2m']), large(l1Large?.['1g'])];
    this.stlb = array(stlb);
    const giga = stlbLarge?.['1g'] ?? '1g';
    this.stlbAs = Int8Array.of(0, (stlbLarge?.['2m'] ?? true) ? 1 : -1, giga === '1g' ? 2 : giga === '2m' ? 1 : -1);
    this.arrays = [...new Set([...this.l1For, this.stlb])];
  }

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
      if ((l1.flags[i] & F_STALE) !== 0) this.staleHits++;
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
    const global = pteGlobal(pte);
    const mermap = vpn >= this.mermapLoVpn && vpn < this.mermapHiVpn;
    if (vpn !== this.missVpn || pcid !== this.missPcid) this.dropMatching(vpn, pcid, NO_FLUSH, pcid, false);
    this.missVpn = -1;
    this.fills++;
    // page numbers and ptes are doubles: the calls below that may not be inlined take vpn (as
    // passed in, already boxed) or small integers, never a page number computed here
    if (sz !== 0) this.coverLarge(vpn, sz);
    // flushes remember non-mermap translations only, and a 4 KiB entry's tag is its vpn: a 4 KiB
    // mermap fill is never a refill
    if (this.rememberedCount !== 0 && (!mermap || sz !== 0)) this.refilled(global ? GLOBAL_KEY : pcid, sz, vpn);
    const flags = (global ? F_GLOBAL : 0) | (mermap ? F_MERMAP : 0) | (sz << SIZE_SHIFT);
    const tag = alignDown(vpn, sz);
    const as = this.stlbAs[sz];
    if (as >= 0) {
      const stlb = this.stlb;
      const st = as === sz ? tag : alignDown(vpn, as);
      const j = this.makeRoom(stlb, stlb.setOfTag(st, as));
      stlb.vpn[j] = st;
      stlb.pte[j] = pte;
      stlb.occupy(j, pcid, as === sz ? flags : (flags & ~F_SIZE) | (as << SIZE_SHIFT) | F_SPLIT);
    }
    const a = this.l1For[sz];
    const j = this.makeRoom(a, a.setOfTag(tag, sz));
    a.vpn[j] = tag;
    a.pte[j] = pte;
    a.occupy(j, pcid, flags);
    if (mermap) {
      this.mermapLive++;
      if (this.onMermapRef !== null) this.onMermapRef(ptePfn(pte), 1);
    }
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
    this.flushes[FLUSH_INVLPG]++;
    this.dropMatching(vpn, currentPcid, FLUSH_INVLPG, currentPcid, false);
  }

  /** __flush_tlb_all() / INVPCID type 2: every entry, globals and other PCIDs included. */
  flushAll(currentPcid: number, attribute: boolean): void {
    this.flushes[FLUSH_ALL]++;
    if (this.validEntries() === 0) return;
    this.dropWhere(-1, currentPcid, attribute, FLUSH_ALL);
  }

  /** CR3 write / INVPCID type 1: the non-global entries of pcid; globals and other PCIDs stay. */
  flushPcid(
    pcid: number,
    currentPcid: number,
    attribute: boolean,
    kind: typeof FLUSH_CR3 | typeof FLUSH_INVPCID_SINGLE,
  ): void {
    this.flushes[kind]++;
    if (kind === FLUSH_CR3 && this.shadow !== null) this.shadow.flushPcid(pcid, currentPcid, false, kind);
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

  /** Stale translations still cached (a translation in both levels counts once). */
  staleLive(): number {
    let n = 0;
    const stlb = this.stlb;
    for (const a of this.arrays) {
      for (let i = 0; i < a.pcid.length; i++) {
        if (a.pcid[i] >= 0 && (a.flags[i] & F_STALE) !== 0 && (a === stlb || !stlb.hasCopyOf(a, i))) n++;
      }
    }
    return n;
  }

  /** Valid copies in all arrays (a translation cached in L1 and STLB counts twice). */
  validEntries(): number {
    let n = 0;
    for (const a of this.arrays) n += a.valid;
    return n;
  }

  /** Zero the counters (after a warm-up), keeping the cached contents and stale stamps. */
  override resetCounters(): void {
    super.resetCounters();
    if (this.shadow !== null) this.shadow.resetCounters();
  }

  /** Every cached copy, L1 first (allocates: tests and rendering only). */
  snapshot(): TlbEntrySnapshot[] {
    const out: TlbEntrySnapshot[] = [];
    for (const a of this.arrays) {
      for (let i = 0; i < a.pcid.length; i++) {
        if (a.pcid[i] < 0) continue;
        const f = a.flags[i];
        out.push({
          level: a === this.stlb ? 'stlb' : 'l1',
          vpn: a.vpn[i],
          pcid: a.pcid[i],
          global: (f & F_GLOBAL) !== 0,
          pte: a.pte[i],
          stale: (f & F_STALE) !== 0,
          pageSize: PAGE_SIZE_NAMES[(f & F_SIZE) >> SIZE_SHIFT],
        });
      }
    }
    return out;
  }

  // ---- internals -------------------------------------------------------------------------

  /** Widen [largeLo, largeHi) to the page of size index sz holding vpn. */
  private coverLarge(vpn: number, sz: number): void {
    const tag = alignDown(vpn, sz);
    if (tag < this.largeLo) this.largeLo = tag;
    const end = tag + SIZE_PAGES[sz];
    if (end > this.largeHi) this.largeHi = end;
  }

  /** hit() for the 2 MiB and 1 GiB sizes: L1, then the STLB. */
  private hitLarge(vpn: number, pcid: number): boolean {
    for (let sz = 1; sz <= 2; sz++) {
      const a = this.l1For[sz];
      if (a.validBySize[sz] === 0) continue;
      const i = a.findSized(vpn, sz, pcid);
      if (i < 0) continue;
      a.touch(i);
      this.l1Hits++;
      this.hitPte = a.pte[i];
      this.hitShift = (a.flags[i] & F_SPLIT) !== 0 ? SIZE_PAGE_SHIFT[2] : SIZE_PAGE_SHIFT[sz];
      return true;
    }
    const stlb = this.stlb;
    for (let sz = 1; sz <= 2; sz++) {
      if (stlb.validBySize[sz] === 0) continue;
      const i = stlb.findSized(vpn, sz, pcid);
      if (i < 0) continue;
      this.stlbHit(i, sz);
      return true;
    }
    return false;
  }

  /** An STLB hit on entry i of size index sz: count it and copy the entry into L1. */
  private stlbHit(i: number, sz: number): void {
    const stlb = this.stlb;
    stlb.touch(i);
    this.stlbHits++;
    const f = stlb.flags[i];
    if ((f & F_STALE) !== 0) this.staleHits++;
    // copy into L1: the translation is already in the TLB, so no onMermapRef
    const a = this.l1For[sz];
    const tag = stlb.vpn[i];
    const j = this.makeRoom(a, a.setOfTag(tag, sz));
    a.vpn[j] = tag;
    a.pte[j] = stlb.pte[i];
    a.occupy(j, stlb.pcid[i], f);
    a.staleOp[j] = stlb.staleOp[i];
    a.staleNs[j] = stlb.staleNs[i];
    this.hitPte = stlb.pte[i];
    this.hitShift = (f & F_SPLIT) !== 0 ? SIZE_PAGE_SHIFT[2] : SIZE_PAGE_SHIFT[sz];
  }

  /**
   * Pick the victim way in set s of `a`; a valid victim is evicted (its translation leaves if
   * the other level has no copy).
   */
  private makeRoom(a: TlbArray, s: number): number {
    const j = a.victim(s);
    if (a.pcid[j] >= 0) {
      this.evictions++;
      const f = a.flags[j];
      if ((f & (F_MERMAP | F_STALE)) !== 0) {
        const other = a === this.stlb ? this.l1For[(f & F_SIZE) >> SIZE_SHIFT] : this.stlb;
        if (!other.hasCopyOf(a, j)) this.leave(a, j, NO_FLUSH, 0, false);
      }
      a.invalidate(j);
    }
    return j;
  }

  /**
   * Drop the entries a lookup by (vpn, pcid) hits, of every size: INVLPG, and the replacement in
   * fill(). L1 first, counting a copy only when the STLB has none (the STLB copy goes next and
   * is counted there), so a translation in both levels counts once.
   */
  private dropMatching(vpn: number, pcid: number, kind: number, currentPcid: number, attribute: boolean): void {
    const { l1, stlb } = this;
    // 4 KiB entries live in l1 and the STLB; the large sizes only where one was ever filled
    this.dropIn(l1, vpn, 0, pcid, kind, currentPcid, attribute);
    this.dropIn(stlb, vpn, 0, pcid, kind, currentPcid, attribute);
    if (vpn < this.largeLo || vpn >= this.largeHi) return;
    for (const a of this.arrays) {
      for (let sz = 1; sz < 3; sz++) {
        if (a.validBySize[sz] !== 0) this.dropIn(a, vpn, sz, pcid, kind, currentPcid, attribute);
      }
    }
  }

  /** dropMatching() in one array for one size: the entries holding vpn a lookup by pcid hits. */
  private dropIn(
    a: TlbArray,
    vpn: number,
    sz: number,
    pcid: number,
    kind: number,
    currentPcid: number,
    attribute: boolean,
  ): void {
    const stlb = this.stlb;
    const size = sz << SIZE_SHIFT;
    const tag = alignDown(vpn, sz);
    const base = a.setOfTag(tag, sz) * a.ways;
    for (let i = base; i < base + a.ways; i++) {
      const p = a.pcid[i];
      if (p < 0 || a.vpn[i] !== tag || (a.flags[i] & F_SIZE) !== size) continue;
      if ((a.flags[i] & F_GLOBAL) === 0 && p !== pcid) continue;
      if (a === stlb || !stlb.hasCopyOf(a, i)) this.leave(a, i, kind, currentPcid, attribute);
      a.invalidate(i);
    }
  }

  /** Whole-TLB scan: pcid -1 drops everything, else the non-global entries of pcid. */
  private dropWhere(pcid: number, currentPcid: number, attribute: boolean, kind: number): void {
    const stlb = this.stlb;
    for (const a of this.arrays) {
      if (a.valid === 0) continue;
      // the valid ways only: each set's mask words, lowest way first
      const { words, validMask } = a;
      for (let s = 0; s < a.sets; s++) {
        for (let w = 0; w < words; w++) {
          let m = validMask[s * words + w];
          while (m !== 0) {
            const bit = m & -m;
            m ^= bit;
            const i = s * a.ways + w * 32 + 31 - Math.clz32(bit);
            if (pcid >= 0 && ((a.flags[i] & F_GLOBAL) !== 0 || a.pcid[i] !== pcid)) continue;
            if (a === stlb || stlb.valid === 0 || !stlb.hasCopyOf(a, i)) this.leave(a, i, kind, currentPcid, attribute);
            a.invalidate(i);
          }
        }
      }
    }
  }

  /**
   * markStale() of the mermap page at offset o: in each level, the set's mermap ways only (a
   * mermap vpn's entries are all F_MERMAP), a valid, not yet stale 4 KiB entry of the page that
   * pcid sees. Written out for both levels so that no call takes the page number.
   */
  private markStaleMermap(o: number, pcid: number): void {
    const vpn = this.mermapLoVpn + o;
    for (let level = 0; level < 2; level++) {
      const a = level === 0 ? this.l1 : this.stlb;
      const s = a.setIndex(vpn);
      const words = a.words;
      for (let w = 0; w < words; w++) {
        let m = a.mermapMask[s * words + w];
        while (m !== 0) {
          const bit = m & -m;
          m ^= bit;
          const i = s * a.ways + w * 32 + 31 - Math.clz32(bit);
          if (a.vpn[i] !== vpn) continue;
          const f = a.flags[i];
          if ((f & (F_STALE | F_SIZE)) !== 0 || (a.pcid[i] !== pcid && (f & F_GLOBAL) === 0)) continue;
          a.flags[i] = f | F_STALE;
          a.staleOp[i] = this.clock.op;
          a.staleNs[i] = this.clock.ns;
        }
      }
    }
  }

  /** markStale() of a page outside the mermap (tests): every way of its set in each level. */
  private markStaleOther(vpn: number, pcid: number): void {
    for (const a of [this.l1, this.stlb]) {
      const base = a.setIndex(vpn) * a.ways;
      for (let i = base; i < base + a.ways; i++) {
        const p = a.pcid[i];
        const f = a.flags[i];
        if (a.vpn[i] !== vpn || p < 0 || (f & (F_STALE | F_SIZE)) !== 0) continue;
        if (p !== pcid && (f & F_GLOBAL) === 0) continue;
        a.flags[i] = f | F_STALE;
        a.staleOp[i] = this.clock.op;
        a.staleNs[i] = this.clock.ns;
      }
    }
  }
}
