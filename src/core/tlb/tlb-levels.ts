/**
 * The two levels of one CPU's TLB model (./tlb.ts) and what moves translations between them:
 * the arrays a preset makes, eviction to make room, the L1 copy of an STLB hit. ./tlb-drops.ts
 * adds the drops of the flushes and stale stamping, and Tlb the lookups, fills and flush
 * operations on top.
 */
import { PAGE_SHIFT, PAGE_SIZE_NAMES, PAGE_SIZE_ORDER } from '../paging/geometry.js';
import { resolveTlbConfig, type TlbConfig, type TlbLevelConfig } from './config.js';
import { type Clock, Flush, type TlbEntrySnapshot } from './kinds.js';
import { TlbCounters } from './tlb-counters.js';
import { alignDown, SIZE_PAGES, TlbArray, TlbFlag } from './tlb-array.js';

/** page shift of each size index: 12, 21, 30 */
const SIZE_PAGE_SHIFT: readonly number[] = PAGE_SIZE_ORDER.map((o) => o + PAGE_SHIFT);

export abstract class TlbLevels extends TlbCounters {
  readonly config: TlbConfig;
  readonly mermapLoVpn: number;
  readonly mermapHiVpn: number;

  /** the pte of the last hit() (of a large page: its leaf pte) */
  hitPte = 0;
  /** the page shift of the last hit()'s translation: 12, 21 or 30 */
  hitShift = 12;

  /** the L1 array of 4 KiB pages */
  protected readonly l1: TlbArray;
  /** the L1 array of each size index (l1 itself where it holds that size too) */
  protected readonly l1For: readonly TlbArray[];
  protected readonly stlb: TlbArray;
  /** the size index the STLB holds each size index as; -1: not at all */
  protected readonly stlbAs: Int8Array;
  /** every distinct array, the L1 ones first (4 KiB first), the STLB last */
  protected readonly arrays: readonly TlbArray[];
  /**
   * [largeLo, largeHi): the pages any 2 MiB or 1 GiB entry filled so far covers (it only grows):
   * a lookup outside it (every mermap and user page) skips the large sizes' probes.
   */
  protected largeLo = Infinity;
  protected largeHi = -Infinity;

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

  /** Stale translations still cached (a translation in both levels counts once). */
  staleLive(): number {
    let n = 0;
    const stlb = this.stlb;
    for (const a of this.arrays) {
      for (let i = 0; i < a.pcid.length; i++) {
        if (a.pcid[i] >= 0 && (a.flags[i] & TlbFlag.STALE) !== 0 && (a === stlb || a.partner[i] < 0)) n++;
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
          global: (f & TlbFlag.GLOBAL) !== 0,
          pte: a.pte[i],
          stale: (f & TlbFlag.STALE) !== 0,
          pageSize: PAGE_SIZE_NAMES[(f & TlbFlag.SIZE) >> TlbFlag.SIZE_SHIFT],
        });
      }
    }
    return out;
  }

  /** Widen [largeLo, largeHi) to the page of size index sz holding vpn. */
  protected coverLarge(vpn: number, sz: number): void {
    const tag = alignDown(vpn, sz);
    if (tag < this.largeLo) this.largeLo = tag;
    const end = tag + SIZE_PAGES[sz];
    if (end > this.largeHi) this.largeHi = end;
  }

  /** hit() for the 2 MiB and 1 GiB sizes: L1, then the STLB. */
  protected hitLarge(vpn: number, pcid: number): boolean {
    for (let sz = 1; sz <= 2; sz++) {
      const a = this.l1For[sz];
      if (a.validBySize[sz] === 0) continue;
      const i = a.findSized(vpn, sz, pcid);
      if (i < 0) continue;
      a.touch(i);
      this.l1Hits++;
      this.hitPte = a.pte[i];
      this.hitShift = (a.flags[i] & TlbFlag.SPLIT) !== 0 ? SIZE_PAGE_SHIFT[2] : SIZE_PAGE_SHIFT[sz];
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
  protected stlbHit(i: number, sz: number): void {
    const stlb = this.stlb;
    stlb.touch(i);
    this.stlbHits++;
    const f = stlb.flags[i];
    if ((f & TlbFlag.STALE) !== 0) this.staleHits++;
    // copy into L1: the translation is already in the TLB, so no mermapRefs call
    const a = this.l1For[sz];
    const tag = stlb.vpn[i];
    const j = this.makeRoom(a, a.setOfTag(tag, sz));
    a.vpn[j] = tag;
    a.pte[j] = stlb.pte[i];
    a.occupy(j, stlb.pcid[i], f);
    a.staleOp[j] = stlb.staleOp[i];
    a.staleNs[j] = stlb.staleNs[i];
    // (the L1 missed, so the STLB entry had no copy there: it gets this one)
    this.pair(a, j, stlb, i);
    this.hitPte = stlb.pte[i];
    this.hitShift = (f & TlbFlag.SPLIT) !== 0 ? SIZE_PAGE_SHIFT[2] : SIZE_PAGE_SHIFT[sz];
  }

  /**
   * Pick the victim way in set s of `a`; a valid victim is evicted (its translation leaves if
   * the other level has no copy).
   */
  protected makeRoom(a: TlbArray, s: number): number {
    const j = a.victim(s);
    if (a.pcid[j] >= 0) {
      this.evictions++;
      // (an evicted translation leaves, for the counts, only with its last copy)
      if ((a.flags[j] & (TlbFlag.MERMAP | TlbFlag.STALE)) !== 0 && a.partner[j] < 0)
        this.leave(a, j, Flush.NONE, 0, false);
      this.drop(a, j);
    }
    return j;
  }

  /**
   * Make entries j of `a` and k of the other level (the STLB for an L1 array, the L1 array of
   * the entry's size for the STLB) each other's copy: a fill or an STLB hit just made them.
   */
  protected pair(a: TlbArray, j: number, other: TlbArray, k: number): void {
    a.partner[j] = k;
    other.partner[k] = j;
  }

  /** Invalidate entry i of `a`; a copy in the other level no longer has one here. */
  protected drop(a: TlbArray, i: number): void {
    const p = a.partner[i];
    if (p >= 0) {
      const other = a === this.stlb ? this.l1For[(a.flags[i] & TlbFlag.SIZE) >> TlbFlag.SIZE_SHIFT] : this.stlb;
      other.partner[p] = -1;
      a.partner[i] = -1;
    }
    a.invalidate(i);
  }
}
