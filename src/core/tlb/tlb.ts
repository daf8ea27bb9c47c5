/**
 * One CPU's data TLB with x86 semantics (facts sheet §9.2): an L1 dTLB backed by an STLB, both
 * set-associative with LRU, entries tagged by PCID unless global.
 *
 *   lookup(vpn, pcid)   L1 hit | L1 miss, STLB hit -> copy into L1 | miss (the caller walks, then fill())
 *   entry matches       vpn equal and (global || entry.pcid === pcid)
 *
 * A translation is "in the TLB" while a copy of it sits in either level. Page walks fill both
 * levels; an STLB hit copies into L1; either level evicts on its own, so a translation can be in
 * L1 only, STLB only, or both. Everything that is about translations rather than copies (flush
 * discards, stale exposure, onMermapRef, refill attribution) is counted once per translation,
 * when its last copy leaves.
 *
 * What each flush drops (Intel SDM INVLPG / INVPCID pages, arch/x86/mm/tlb.c; facts §9.2):
 *
 *   kind                       current PCID   other PCIDs   global
 *   INVLPG vpn                 vpn only       -             vpn only
 *   CR3 write (pcid)           all non-global of that pcid   kept
 *   INVPCID single (type 1)    all non-global of that pcid   kept
 *   __flush_tlb_all (type 2)   all            all           all      <- arch_mermap_flush_tlb()
 *
 * The mermap flushes with __flush_tlb_all() when a CPU's window wraps, although its own entries
 * are all non-global and of the current mm: the global kernel entries and other PCIDs' entries
 * go too. `discarded` splits each flush's victims by category, and refillsAfterFlush counts the
 * page walks spent getting the non-mermap ones back.
 *
 * Stale translations: mermap_put() clears the PTE but, by design, flushes nothing; the cached
 * translation stays usable until the wrap flush or an eviction pushes it out. markStale() stamps
 * it with the Machine's clock; when it finally leaves, the time it lived on is its exposure.
 */
import { ptePfn, pteGlobal } from '../paging/pte.js';
import { resolveTlbConfig, type TlbConfig } from './config.js';
import { NumMap } from '../util/num-map.js';
import {
  CAT_GLOBAL,
  CAT_MERMAP,
  CAT_OTHER,
  CAT_OTHER_PCID,
  type Clock,
  FLUSH_ALL,
  FLUSH_CR3,
  FLUSH_INVLPG,
  type FLUSH_INVPCID_SINGLE,
  FLUSH_KINDS,
  TLB_CATEGORIES,
  type TlbEntrySnapshot,
} from './kinds.js';
import { F_GLOBAL, F_MERMAP, F_STALE, TlbArray } from './tlb-array.js';

export * from './kinds.js';

/** remembered-key pcid standing for "global" in refill attribution */
const GLOBAL_KEY = -2;
/** internal: a translation leaving without a flush (eviction, replacement by fill) */
const NO_FLUSH = -1;

export class Tlb {
  readonly config: TlbConfig;
  readonly mermapLoVpn: number;
  readonly mermapHiVpn: number;

  l1Hits = 0;
  stlbHits = 0;
  misses = 0;
  /** translations inserted after a page walk */
  fills = 0;
  /** valid copies replaced to make room, in either level */
  evictions = 0;
  /** fills of a (pcid or global, vpn) a flush with attribute=true had discarded (non-mermap only) */
  refillsAfterFlush = 0;
  /** mermap translations cached now (a translation in both levels counts once) */
  mermapLive = 0;
  /** hits (either level) on a translation whose PTE was already cleared */
  staleHits = 0;
  /** [kind] flush operations */
  readonly flushes = new Float64Array(FLUSH_KINDS);
  /** [kind * 4 + category] translations discarded by flushes */
  readonly discarded = new Float64Array(FLUSH_KINDS * TLB_CATEGORIES);

  staleDropped = 0;
  exposureOps = 0;
  exposureNs = 0;
  maxExposureOps = 0;
  maxExposureNs = 0;

  /**
   * The counterfactual TLB (issue 12 §3), or null when it is off: fed the same lookups and fills
   * by the Machine and flushed by CR3 writes (FLUSH_CR3 here, forwarded), but never by the
   * mermap's flushes, so its misses are the misses that would have happened anyway.
   */
  shadow: Tlb | null = null;
  /** the pte of the last hit() */
  hitPte = 0;

  /** +1 when a mermap translation enters this TLB, -1 when its last copy leaves; set by the checker */
  onMermapRef: ((pfn: number, delta: number) => void) | null = null;

  private readonly l1: TlbArray;
  private readonly stlb: TlbArray;
  private readonly clock: Clock;
  private tick = 0;
  /**
   * The (vpn, pcid) of the last lookup miss while no fill has happened since: a fill for exactly
   * that key cannot find a cached translation to replace (flushes only remove; an L1 refill
   * copies a translation the missed lookup would already have hit), so it skips the scan.
   */
  private missVpn = -1;
  private missPcid = -1;
  /** keys discarded by attributed flushes and not refilled yet: pcid (or GLOBAL_KEY) -> vpns */
  /** per PCID (or GLOBAL_KEY): vpns discarded by an attributed flush and not refilled yet */
  private readonly remembered = new Map<number, NumMap>();
  private rememberedCount = 0;

  constructor(cfg: TlbConfig, mermapLoVpn: number, mermapHiVpn: number, clock: Clock) {
    this.config = resolveTlbConfig(cfg);
    this.mermapLoVpn = mermapLoVpn;
    this.mermapHiVpn = mermapHiVpn;
    this.clock = clock;
    this.l1 = new TlbArray(this.config.l1.entries, this.config.l1.ways);
    this.stlb = new TlbArray(this.config.stlb.entries, this.config.stlb.ways);
  }

  /** The pte of a cached translation of vpn visible to pcid, or -1 on a miss (the caller walks). */
  lookup(vpn: number, pcid: number): number {
    return this.hit(vpn, pcid) ? this.hitPte : -1;
  }

  /**
   * lookup() without returning a 52-bit pte (a double a call boundary would box): whether it
   * hit, the pte in hitPte.
   */
  hit(vpn: number, pcid: number): boolean {
    const l1 = this.l1;
    let i = l1.find(vpn, pcid);
    if (i >= 0) {
      l1.lru[i] = ++this.tick;
      this.l1Hits++;
      if ((l1.flags[i] & F_STALE) !== 0) this.staleHits++;
      this.hitPte = l1.pte[i];
      return true;
    }
    const stlb = this.stlb;
    i = stlb.find(vpn, pcid);
    if (i < 0) {
      this.misses++;
      this.missVpn = vpn;
      this.missPcid = pcid;
      return false;
    }
    stlb.lru[i] = ++this.tick;
    this.stlbHits++;
    if ((stlb.flags[i] & F_STALE) !== 0) this.staleHits++;
    // copy into L1: the translation is already in the TLB, so no onMermapRef
    const j = this.makeRoom(l1, stlb, vpn);
    l1.vpn[j] = vpn;
    l1.pcid[j] = stlb.pcid[i];
    l1.flags[j] = stlb.flags[i];
    l1.pte[j] = stlb.pte[i];
    l1.staleOp[j] = stlb.staleOp[i];
    l1.staleNs[j] = stlb.staleNs[i];
    l1.lru[j] = this.tick;
    l1.valid++;
    this.hitPte = stlb.pte[i];
    return true;
  }

  /**
   * Insert the translation a page walk found into both levels. Any cached translation the same
   * lookup would have hit is replaced (normally there is none: fill follows a miss).
   */
  fill(vpn: number, pcid: number, pte: number): void {
    const global = pteGlobal(pte);
    const mermap = vpn >= this.mermapLoVpn && vpn < this.mermapHiVpn;
    if (vpn !== this.missVpn || pcid !== this.missPcid) this.dropMatching(vpn, pcid, NO_FLUSH, pcid, false);
    this.missVpn = -1;
    this.fills++;
    if (this.rememberedCount !== 0) {
      const set = this.remembered.get(global ? GLOBAL_KEY : pcid);
      if (set !== undefined && set.take(vpn, 0) !== 0) {
        this.rememberedCount--;
        this.refillsAfterFlush++;
      }
    }
    const flags = (global ? F_GLOBAL : 0) | (mermap ? F_MERMAP : 0);
    const t = ++this.tick;
    this.insert(this.stlb, this.l1, vpn, pcid, flags, pte, t);
    this.insert(this.l1, this.stlb, vpn, pcid, flags, pte, t);
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
  remapped(vpn: number, pcid: number, pte: number): void {
    this.misses++;
    this.fill(vpn, pcid, pte);
  }

  /** INVLPG: vpn's entries of the current PCID and any global entry for vpn. */
  invlpg(vpn: number, currentPcid: number): void {
    this.flushes[FLUSH_INVLPG]++;
    this.dropMatching(vpn, currentPcid, FLUSH_INVLPG, currentPcid, false);
  }

  /** __flush_tlb_all() / INVPCID type 2: every entry, globals and other PCIDs included. */
  flushAll(currentPcid: number, attribute: boolean): void {
    this.flushes[FLUSH_ALL]++;
    if (this.l1.valid + this.stlb.valid === 0) return;
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
    if (this.l1.valid + this.stlb.valid === 0) return;
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
    this.markStaleIn(this.l1, vpn, pcid);
    this.markStaleIn(this.stlb, vpn, pcid);
  }

  /** Stale translations still cached (a translation in both levels counts once). */
  staleLive(): number {
    let n = 0;
    const { l1, stlb } = this;
    for (let i = 0; i < stlb.pcid.length; i++) {
      if (stlb.pcid[i] >= 0 && (stlb.flags[i] & F_STALE) !== 0) n++;
    }
    for (let i = 0; i < l1.pcid.length; i++) {
      if (
        l1.pcid[i] >= 0 &&
        (l1.flags[i] & F_STALE) !== 0 &&
        !stlb.hasKey(l1.vpn[i], l1.pcid[i], (l1.flags[i] & F_GLOBAL) !== 0)
      )
        n++;
    }
    return n;
  }

  /** Valid copies in both levels (a translation cached in L1 and STLB counts twice). */
  validEntries(): number {
    return this.l1.valid + this.stlb.valid;
  }

  /** Keys waiting for refill attribution (see refillsAfterFlush). */
  rememberedKeys(): number {
    return this.rememberedCount;
  }

  /**
   * Forget pcid's remembered keys: call when the PCID is handed to another mm (the kernel
   * recycles its few dynamic ASIDs per CPU), whose fills are not refills of what was flushed.
   */
  forgetPcid(pcid: number): void {
    const set = this.remembered.get(pcid);
    if (set !== undefined) {
      this.rememberedCount -= set.size;
      this.remembered.delete(pcid);
    }
  }

  /** Zero the counters (after a warm-up), keeping the cached contents and stale stamps. */
  resetCounters(): void {
    this.l1Hits = this.stlbHits = this.misses = this.fills = this.evictions = 0;
    this.refillsAfterFlush = this.staleHits = 0;
    this.staleDropped = this.exposureOps = this.exposureNs = this.maxExposureOps = this.maxExposureNs = 0;
    this.flushes.fill(0);
    this.discarded.fill(0);
    if (this.shadow !== null) this.shadow.resetCounters();
  }

  /** Every cached copy, L1 first (allocates: tests and rendering only). */
  snapshot(): TlbEntrySnapshot[] {
    const out: TlbEntrySnapshot[] = [];
    for (const [level, a] of [
      ['l1', this.l1],
      ['stlb', this.stlb],
    ] as const) {
      for (let i = 0; i < a.pcid.length; i++) {
        if (a.pcid[i] < 0) continue;
        out.push({
          level,
          vpn: a.vpn[i],
          pcid: a.pcid[i],
          global: (a.flags[i] & F_GLOBAL) !== 0,
          pte: a.pte[i],
          stale: (a.flags[i] & F_STALE) !== 0,
        });
      }
    }
    return out;
  }

  // ---- internals -------------------------------------------------------------------------

  /** Write a fresh entry into `a` (making room first). */
  private insert(a: TlbArray, other: TlbArray, vpn: number, pcid: number, flags: number, pte: number, t: number): void {
    const j = this.makeRoom(a, other, vpn);
    a.vpn[j] = vpn;
    a.pcid[j] = pcid;
    a.flags[j] = flags;
    a.pte[j] = pte;
    a.lru[j] = t;
    a.valid++;
  }

  /** Pick vpn's victim way in `a`; a valid victim is evicted (its translation leaves if `other` has no copy). */
  private makeRoom(a: TlbArray, other: TlbArray, vpn: number): number {
    const j = a.victim(vpn);
    if (a.pcid[j] >= 0) {
      this.evictions++;
      const f = a.flags[j];
      if ((f & (F_MERMAP | F_STALE)) !== 0 && !other.hasKey(a.vpn[j], a.pcid[j], (f & F_GLOBAL) !== 0)) {
        this.leave(a, j, NO_FLUSH, 0, false);
      }
      a.invalidate(j);
    }
    return j;
  }

  /**
   * Drop the entries of vpn's sets that a lookup by (vpn, pcid) hits: INVLPG, and the
   * replacement in fill(). L1 first, counting a copy only when the STLB has none (the STLB copy
   * goes next and is counted there), so a translation in both levels counts once.
   */
  private dropMatching(vpn: number, pcid: number, kind: number, currentPcid: number, attribute: boolean): void {
    const { l1, stlb } = this;
    for (let pass = 0; pass < 2; pass++) {
      const a = pass === 0 ? l1 : stlb;
      const base = a.setBase(vpn);
      for (let i = base; i < base + a.ways; i++) {
        const p = a.pcid[i];
        if (p < 0 || a.vpn[i] !== vpn) continue;
        const g = (a.flags[i] & F_GLOBAL) !== 0;
        if (!g && p !== pcid) continue;
        if (pass === 1 || !stlb.hasKey(vpn, p, g)) this.leave(a, i, kind, currentPcid, attribute);
        a.invalidate(i);
      }
    }
  }

  /** Whole-TLB scan: pcid -1 drops everything, else the non-global entries of pcid. */
  private dropWhere(pcid: number, currentPcid: number, attribute: boolean, kind: number): void {
    const { l1, stlb } = this;
    for (let pass = 0; pass < 2; pass++) {
      const a = pass === 0 ? l1 : stlb;
      for (let i = 0; i < a.pcid.length; i++) {
        const p = a.pcid[i];
        if (p < 0) continue;
        const g = (a.flags[i] & F_GLOBAL) !== 0;
        if (pcid >= 0 && (g || p !== pcid)) continue;
        if (pass === 1 || stlb.valid === 0 || !stlb.hasKey(a.vpn[i], p, g))
          this.leave(a, i, kind, currentPcid, attribute);
        a.invalidate(i);
      }
    }
  }

  /** The last copy of entry i's translation is leaving the TLB: account for it (before invalidate). */
  private leave(a: TlbArray, i: number, kind: number, currentPcid: number, attribute: boolean): void {
    const f = a.flags[i];
    if (kind >= 0) {
      const cat =
        (f & F_MERMAP) !== 0
          ? CAT_MERMAP
          : (f & F_GLOBAL) !== 0
            ? CAT_GLOBAL
            : a.pcid[i] !== currentPcid
              ? CAT_OTHER_PCID
              : CAT_OTHER;
      this.discarded[kind * TLB_CATEGORIES + cat]++;
      if (attribute && cat !== CAT_MERMAP) this.remember((f & F_GLOBAL) !== 0 ? GLOBAL_KEY : a.pcid[i], a.vpn[i]);
    }
    if ((f & F_STALE) !== 0) {
      const ops = this.clock.op - a.staleOp[i];
      const ns = this.clock.ns - a.staleNs[i];
      this.staleDropped++;
      this.exposureOps += ops;
      this.exposureNs += ns;
      if (ops > this.maxExposureOps) this.maxExposureOps = ops;
      if (ns > this.maxExposureNs) this.maxExposureNs = ns;
    }
    if ((f & F_MERMAP) !== 0) {
      this.mermapLive--;
      if (this.onMermapRef !== null) this.onMermapRef(ptePfn(a.pte[i]), -1);
    }
  }

  private remember(key: number, vpn: number): void {
    let set = this.remembered.get(key);
    if (set === undefined) {
      set = new NumMap(256);
      this.remembered.set(key, set);
    }
    if (!set.has(vpn)) {
      set.set(vpn, 1);
      this.rememberedCount++;
    }
  }

  private markStaleIn(a: TlbArray, vpn: number, pcid: number): void {
    const base = a.setBase(vpn);
    for (let i = base; i < base + a.ways; i++) {
      const p = a.pcid[i];
      if (p < 0 || a.vpn[i] !== vpn || (a.flags[i] & F_STALE) !== 0) continue;
      if (p !== pcid && (a.flags[i] & F_GLOBAL) === 0) continue;
      a.flags[i] |= F_STALE;
      a.staleOp[i] = this.clock.op;
      a.staleNs[i] = this.clock.ns;
    }
  }
}
