/**
 * What one CPU's TLB model (./tlb.ts) counts, and the accounting done when a translation leaves
 * it: discards by flush kind and category, stale exposure, mermap references, and the keys a
 * flush discarded that later refills are attributed to.
 */
import { ptePfn } from '../paging/pte.js';
import { NumMap } from '../util/num-map.js';
import { type Clock, Cat, Flush } from './kinds.js';
import { alignDown, type TlbArray, TlbFlag } from './tlb-array.js';

/** remembered-key owner standing for "global" in refill attribution */
export const GLOBAL_KEY = -2;
/** remembered keys of size index sz are owner + sz * KEY_STRIDE (PCIDs are 12 bits) */
const KEY_STRIDE = 2 ** 16;

/** What a TLB tells of the mermap translations it holds (Checker.tlbRef). */
export interface MermapRefSink {
  tlbRef(pfn: number, delta: number): void;
}

export abstract class TlbCounters {
  l1Hits = 0;
  stlbHits = 0;
  misses = 0;
  /** translations inserted after a page walk */
  fills = 0;
  /** valid copies replaced to make room, in any array */
  evictions = 0;
  /** fills of a (pcid or global, page) a flush with attribute=true had discarded (non-mermap only) */
  refillsAfterFlush = 0;
  /** mermap translations cached now (a translation in both levels counts once) */
  mermapLive = 0;
  /** hits (either level) on a translation whose PTE was already cleared */
  staleHits = 0;
  /** [kind] flush operations */
  readonly flushes = new Float64Array(Flush.KINDS);
  /** [kind * 4 + category] translations discarded by flushes */
  readonly discarded = new Float64Array(Flush.KINDS * Cat.COUNT);

  staleDropped = 0;
  exposureOps = 0;
  exposureNs = 0;
  maxExposureOps = 0;
  maxExposureNs = 0;

  /**
   * Told +1 when a mermap translation enters this TLB, -1 when its last copy leaves: the
   * checker (an object with a method rather than a closure made per machine, so that the calls
   * below see one target in every run).
   */
  mermapRefs: MermapRefSink | null = null;

  protected readonly clock: Clock;
  /**
   * Translations discarded by attributed flushes and not refilled yet: per key (the PCID or
   * GLOBAL_KEY, plus the size), the first 4 KiB page of each.
   */
  private readonly remembered = new Map<number, NumMap>();
  protected rememberedCount = 0;
  /**
   * the last key refilled() or remember() looked up and its set (undefined: none), so a run of
   * fills or discards by one PCID skips the Map
   */
  private lastKey = Number.NaN;
  private lastSet: NumMap | undefined = undefined;

  constructor(clock: Clock) {
    this.clock = clock;
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
    for (let sz = 0; sz < 3; sz++) {
      const key = pcid + sz * KEY_STRIDE;
      const set = this.remembered.get(key);
      if (set !== undefined) {
        this.rememberedCount -= set.size;
        this.remembered.delete(key);
      }
      if (key === this.lastKey) this.lastKey = Number.NaN;
    }
  }

  /** Zero the counters (after a warm-up), keeping the cached contents and stale stamps. */
  resetCounters(): void {
    this.l1Hits = this.stlbHits = this.misses = this.fills = this.evictions = 0;
    this.refillsAfterFlush = this.staleHits = 0;
    this.staleDropped = this.exposureOps = this.exposureNs = this.maxExposureOps = this.maxExposureNs = 0;
    this.flushes.fill(0);
    this.discarded.fill(0);
  }

  /** A fill of (owner, size index, the page holding vpn): count it as a refill if a flush discarded it. */
  protected refilled(owner: number, sz: number, vpn: number): void {
    const tag = sz === 0 ? vpn : alignDown(vpn, sz); // (see TlbArray.find)
    const key = owner + sz * KEY_STRIDE;
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.lastSet = this.remembered.get(key);
    }
    const set = this.lastSet;
    if (set !== undefined && set.take(tag, 0) !== 0) {
      this.rememberedCount--;
      this.refillsAfterFlush++;
    }
  }

  /** The last copy of entry i's translation is leaving the TLB: account for it (before invalidate). */
  protected leave(a: TlbArray, i: number, kind: number, currentPcid: number, attribute: boolean): void {
    const f = a.flags[i];
    if (kind >= 0) {
      const cat =
        (f & TlbFlag.MERMAP) !== 0
          ? Cat.MERMAP
          : (f & TlbFlag.GLOBAL) !== 0
            ? Cat.GLOBAL
            : a.pcid[i] !== currentPcid
              ? Cat.OTHER_PCID
              : Cat.OTHER;
      this.discarded[kind * Cat.COUNT + cat]++;
      if (attribute === true && cat !== Cat.MERMAP) this.remember(a, i);
    }
    if ((f & TlbFlag.STALE) !== 0) {
      const ops = this.clock.op - a.staleOp[i];
      const ns = this.clock.ns - a.staleNs[i];
      this.staleDropped++;
      this.exposureOps += ops;
      this.exposureNs += ns;
      if (ops > this.maxExposureOps) this.maxExposureOps = ops;
      if (ns > this.maxExposureNs) this.maxExposureNs = ns;
    }
    if ((f & TlbFlag.MERMAP) !== 0) {
      this.mermapLive--;
      if (this.mermapRefs !== null) this.mermapRefs.tlbRef(ptePfn(a.pte[i]), -1);
    }
  }

  /** Remember entry i's translation (a split 2 MiB entry stands for its 1 GiB translation). */
  private remember(a: TlbArray, i: number): void {
    const f = a.flags[i];
    const owner = (f & TlbFlag.GLOBAL) !== 0 ? GLOBAL_KEY : a.pcid[i];
    const sz = (f & TlbFlag.SPLIT) !== 0 ? 2 : (f & TlbFlag.SIZE) >> TlbFlag.SIZE_SHIFT;
    const tag = (f & TlbFlag.SPLIT) !== 0 ? alignDown(a.vpn[i], 2) : a.vpn[i];
    const key = owner + sz * KEY_STRIDE;
    // a flush remembers mostly one PCID's translations: the refill cache serves the run
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.lastSet = this.remembered.get(key);
    }
    let set = this.lastSet;
    if (set === undefined) {
      set = new NumMap(256);
      this.remembered.set(key, set);
      this.lastSet = set;
    }
    const size = set.size;
    set.set(tag, 1);
    this.rememberedCount += set.size - size;
  }
}
