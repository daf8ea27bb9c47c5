/**
 * What flushes and puts do to the copies one CPU's TLB model holds (./tlb.ts): the entries a
 * lookup by (vpn, pcid) hits dropped (INVLPG, the replacement in a fill), whole-TLB scans
 * (__flush_tlb_all, a CR3 write) and stale stamping of a page whose PTE a put cleared. The
 * arrays, eviction and the copies between levels are in ./tlb-levels.ts.
 */
import { alignDown, type TlbArray, TlbFlag } from './tlb-array.js';
import { TlbLevels } from './tlb-levels.js';

export abstract class TlbDrops extends TlbLevels {
  /**
   * Drop the entries a lookup by (vpn, pcid) hits, of every size: INVLPG, and the replacement in
   * fill(). L1 first, counting a copy only when the STLB has none (the STLB copy goes next and
   * is counted there), so a translation in both levels counts once.
   */
  protected dropMatching(vpn: number, pcid: number, kind: number, currentPcid: number, attribute: boolean): void {
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
  protected dropIn(
    a: TlbArray,
    vpn: number,
    sz: number,
    pcid: number,
    kind: number,
    currentPcid: number,
    attribute: boolean,
  ): void {
    const stlb = this.stlb;
    const size = sz << TlbFlag.SIZE_SHIFT;
    const tag = alignDown(vpn, sz);
    const base = a.setOfTag(tag, sz) * a.ways;
    for (let i = base; i < base + a.ways; i++) {
      const p = a.pcid[i];
      if (p < 0 || a.vpn[i] !== tag || (a.flags[i] & TlbFlag.SIZE) !== size) continue;
      if ((a.flags[i] & TlbFlag.GLOBAL) === 0 && p !== pcid) continue;
      if (a === stlb || a.partner[i] < 0) this.leave(a, i, kind, currentPcid, attribute);
      this.drop(a, i);
    }
  }

  /** Whole-TLB scan: pcid -1 drops everything, else the non-global entries of pcid. */
  protected dropWhere(pcid: number, currentPcid: number, attribute: boolean, kind: number): void {
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
            if (pcid >= 0 && ((a.flags[i] & TlbFlag.GLOBAL) !== 0 || a.pcid[i] !== pcid)) continue;
            if (a === stlb || a.partner[i] < 0) this.leave(a, i, kind, currentPcid, attribute);
            // (everything goes: the whole array is cleared at once below)
            if (pcid >= 0) this.drop(a, i);
          }
        }
      }
      // after the STLB's copies were looked at: the STLB is the last array
      if (pcid < 0) a.clear();
    }
  }

  /**
   * markStale() of the mermap page at offset o: in each level, the set's mermap ways only (a
   * mermap vpn's entries are all TlbFlag.MERMAP), a valid, not yet stale 4 KiB entry of the page that
   * pcid sees. Written out for both levels so that no call takes the page number.
   */
  protected markStaleMermap(o: number, pcid: number): void {
    const vpn = this.mermapLoVpn + o;
    for (let level = 0; level < 2; level++) {
      const a = level === 0 ? this.l1 : this.stlb;
      const s = a.setIndex(vpn);
      const words = a.words;
      const k = a.bucketBase(vpn | 0, s);
      for (let w = 0; w < words; w++) {
        let m = a.mermapMask[k + w];
        while (m !== 0) {
          const bit = m & -m;
          m ^= bit;
          const i = (Math.imul(s, a.ways) + (w << 5) + 31 - Math.clz32(bit)) | 0;
          if (a.vpn[i] !== vpn) continue;
          const f = a.flags[i];
          // (the global bit first, as in TlbArray.findTag())
          if ((f & (TlbFlag.STALE | TlbFlag.SIZE)) !== 0 || ((f & TlbFlag.GLOBAL) === 0 && a.pcid[i] !== pcid))
            continue;
          a.flags[i] = f | TlbFlag.STALE;
          a.staleOp[i] = this.clock.op;
          a.staleNs[i] = this.clock.ns;
        }
      }
    }
  }

  /** markStale() of a page outside the mermap (tests): every way of its set in each level. */
  protected markStaleOther(vpn: number, pcid: number): void {
    for (const a of [this.l1, this.stlb]) {
      const base = a.setIndex(vpn) * a.ways;
      for (let i = base; i < base + a.ways; i++) {
        const p = a.pcid[i];
        const f = a.flags[i];
        if (a.vpn[i] !== vpn || p < 0 || (f & (TlbFlag.STALE | TlbFlag.SIZE)) !== 0) continue;
        if (p !== pcid && (f & TlbFlag.GLOBAL) === 0) continue;
        a.flags[i] = f | TlbFlag.STALE;
        a.staleOp[i] = this.clock.op;
        a.staleNs[i] = this.clock.ns;
      }
    }
  }
}
