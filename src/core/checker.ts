import { type MmStamps, Stamp } from './checker-stamps.js';
import type { MermapGeometry } from './paging/geometry.js';
import { ChunkCounts } from './util/chunk-counts.js';
import type { StateMeter } from './util/state-bytes.js';
import { LOCK_SITES, V_LOCK_IN_ATOMIC, type Violation, VIOLATION_KINDS, type ViolationKind } from './violations.js';

/**
 * The checker: watches the machine and reports states that are unsafe in the kernel (the kinds
 * are in ./violations.ts).
 *
 * The reuse rule (facts §5.1), per mm, per CPU c, per page v of the mermap:
 *   dirty(c, v) = c mapped v, and v's PTE was present at some time since c's last full flush
 *                 (or since c's last INVLPG of v)
 * Only CPUs that mapped a page count: the kernel forbids a CPU to touch another CPU's region, so
 * only the mapping CPU (or, with an out-of-region bug, each of the CPUs that mapped it) can have
 * cached a translation. A page is stamped per (CPU, page):
 *   LIVE (-1)  mapped by c and its PTE still present: dirty whatever c flushes
 *   g + 1      the PTE stopped being present when c's flush generation was g: dirty until the
 *              generation moves on
 *   0          clean
 * c's flush generation in an mm is cpuEpoch[c] (flushes that drop all of c's non-global entries:
 * __flush_tlb_all, a CR3 write without PCID) plus the mm's epoch[c] (INVPCID single context, a
 * reused PCID): a full flush is O(1), no loop over mms or pages.
 *
 * Stamps live in one Float64Array per (CPU, region), made on first use: a CPU's own region in
 * `own`, any other region it reached (out-of-region bugs) in a short list. No allocation per
 * event once a region's array exists.
 */
export class Checker {
  enabled: boolean;
  /** PREEMPT_RT kernel: the PTE lock sleeps, so taking it in atomic context is a bug */
  readonly preemptRt: boolean;
  readonly counts = new Float64Array(VIOLATION_KINDS.length);
  /** lock_in_atomic events per call site (LOCK_SITES), counted whatever preemptRt says */
  readonly lockSiteEvents = new Float64Array(LOCK_SITES.length);
  /** Violations as events, in order (capped: see maxKept). */
  readonly violations: Violation[] = [];
  /** The first violation of each kind (VIOLATION_KINDS order), kept whatever maxKept says. */
  readonly first: (Violation | null)[] = VIOLATION_KINDS.map(() => null);
  maxKept = 10_000;
  onViolation: ((v: Violation) => void) | null = null;
  /** translations to each pfn currently held by any TLB (mermap entries only) */
  readonly tlbRefs = new ChunkCounts();
  /** Flush epochs of every CPU: bumped by flushes that drop all of a CPU's non-global entries. */
  readonly cpuEpoch: Float64Array;

  private readonly baseVpn: number;
  private readonly R: number;
  private readonly totalPages: number;

  /** told of each region's stamps as they are made (the machine's StateMeter), or null */
  meter: StateMeter | null = null;

  constructor(geometry: MermapGeometry, enabled: boolean, preemptRt = false) {
    this.cpuEpoch = new Float64Array(geometry.possibleCpus);
    this.baseVpn = geometry.baseVpn;
    this.R = geometry.regionPages;
    this.totalPages = geometry.regionPages * geometry.possibleCpus;
    this.enabled = enabled;
    this.preemptRt = preemptRt;
  }

  /** A violation of `kind` would still be kept or passed on: worth building its detail text. */
  keeping(kind: number): boolean {
    return this.first[kind] === null || this.violations.length < this.maxKept || this.onViolation !== null;
  }

  report(
    kind: number,
    op: number,
    cpu: number,
    mm: number,
    task: number,
    vpn: number,
    pfn: number,
    detail: string,
  ): void {
    this.counts[kind]++;
    const isFirst = this.first[kind] === null;
    if (isFirst || this.violations.length < this.maxKept || this.onViolation !== null) {
      const v: Violation = { kind: VIOLATION_KINDS[kind], op, cpu, mm, task, vpn, pfn, detail };
      if (isFirst) this.first[kind] = v;
      if (this.violations.length < this.maxKept) this.violations.push(v);
      if (this.onViolation !== null) this.onViolation(v);
    }
  }

  /**
   * The PTE lock was taken in atomic context at a call site (lockSite()). Counted per site; a
   * violation only on PREEMPT_RT and only the first time at each site.
   */
  lockInAtomic(site: number, op: number, cpu: number, mm: number, task: number, vpn: number): void {
    // (preemptRt is read at every event: read at a site's first event only, its load had not
    // run when V8 compiled the caller, and the next site's first event deoptimized it; issue 19)
    const earlier = this.lockSiteEvents[site]++;
    if (this.preemptRt !== true || earlier !== 0) return;
    this.report(
      V_LOCK_IN_ATOMIC,
      op,
      cpu,
      mm,
      task,
      vpn,
      -1,
      `PTE lock taken in mermap ${LOCK_SITES[site]} with preemption or IRQs off`,
    );
  }

  /** c's flush generation in mm st */
  private gen(st: MmStamps, c: number): number {
    return this.cpuEpoch[c] + st.epoch[c];
  }

  /** CPU cpu's stamps of region `region`, made if `make`; undefined if none yet. */
  private stampsOf(st: MmStamps, cpu: number, region: number, make: boolean): Float64Array | undefined {
    if (cpu === region) {
      let a = st.own[cpu];
      if (a === undefined && make) {
        a = new Float64Array(this.R);
        st.own[cpu] = a;
        this.meter?.add(a.byteLength);
      }
      return a;
    }
    const fc = st.foreignCpu;
    const fr = st.foreignRegion;
    for (let k = 0; k < fc.length; k++) if (fc[k] === cpu && fr[k] === region) return st.foreign[k];
    if (!make) return undefined;
    const a = new Float64Array(this.R);
    this.meter?.add(a.byteLength);
    fc.push(cpu);
    fr.push(region);
    st.foreign.push(a);
    return a;
  }

  private dirtyIn(st: MmStamps, a: Float64Array | undefined, c: number, i: number): boolean {
    if (a === undefined) return false;
    const s = a[i];
    return s === Stamp.LIVE || (s !== 0 && s === this.gen(st, c) + 1);
  }

  /**
   * `cpu` makes vpn's PTE present in mm st. Returns true when some CPU that mapped vpn had its
   * PTE present since its last flush (a reuse without flush). Pages outside the mermap: false.
   */
  onMap(st: MmStamps, cpu: number, vpn: number): boolean {
    return this.onMapAt(st, cpu, vpn - this.baseVpn);
  }

  /** onMap() of the page at offset idx from MERMAP_BASE_ADDR (a small integer: no 52-bit vpn). */
  onMapAt(st: MmStamps, cpu: number, idx: number): boolean {
    // the common case, small enough to inline: cpu maps in its own region, stamps made, and no
    // CPU of this mm has reached outside its own region
    if (idx >= 0 && idx < this.totalPages && st.foreign.length === 0) {
      const region = Math.floor(idx / this.R);
      const a = st.own[region];
      if (region === cpu && a !== undefined) {
        const i = idx - region * this.R;
        const s = a[i];
        a[i] = Stamp.LIVE;
        return s === Stamp.LIVE || (s !== 0 && s === this.gen(st, cpu) + 1);
      }
    }
    return this.onMapSlow(st, cpu, idx);
  }

  /**
   * For a range in `cpu`'s own region: cpu's stamps there when the range may use mapOwnStamp()
   * and unmapOwnStamp() page by page (the stamps exist and no CPU of this mm has reached outside
   * its region), else null (use onMapOwn()/onUnmapOwn()).
   */
  ownStamps(st: MmStamps, cpu: number): Float64Array | null {
    const a = st.own[cpu];
    return a !== undefined && st.foreign.length === 0 ? a : null;
  }

  /** What a page of cpu's region unmapped now is stamped with (its flush generation + 1). */
  stampNow(st: MmStamps, cpu: number): number {
    return this.gen(st, cpu) + 1;
  }

  /**
   * onMap() of page i of `cpu`'s own region (0 <= i < R, a small integer): what a get that stays
   * in its region calls, with no division to find the region.
   */
  onMapOwn(st: MmStamps, cpu: number, i: number): boolean {
    const a = st.own[cpu];
    if (a !== undefined && st.foreign.length === 0) {
      const s = a[i];
      a[i] = Stamp.LIVE;
      return s === Stamp.LIVE || (s !== 0 && s === this.gen(st, cpu) + 1);
    }
    return this.onMapSlow(st, cpu, cpu * this.R + i);
  }

  private onMapSlow(st: MmStamps, cpu: number, idx: number): boolean {
    if (idx < 0 || idx >= this.totalPages) return false;
    const region = Math.floor(idx / this.R);
    const i = idx - region * this.R;
    let dirty = this.dirtyIn(st, st.own[region], region, i);
    const fr = st.foreignRegion;
    for (let k = 0; k < fr.length && !dirty; k++) {
      if (fr[k] === region) dirty = this.dirtyIn(st, st.foreign[k], st.foreignCpu[k], i);
    }
    (this.stampsOf(st, cpu, region, true) as Float64Array)[i] = Stamp.LIVE;
    return dirty;
  }

  /** vpn's PTE stops being present in mm st (a put): every CPU that had it mapped stamps the moment. */
  onUnmap(st: MmStamps, vpn: number): void {
    this.onUnmapAt(st, vpn - this.baseVpn);
  }

  /** onUnmap() of the page at offset idx from MERMAP_BASE_ADDR. */
  onUnmapAt(st: MmStamps, idx: number): void {
    if (idx < 0 || idx >= this.totalPages) return;
    const region = Math.floor(idx / this.R);
    const i = idx - region * this.R;
    const a = st.own[region];
    if (a !== undefined && a[i] === Stamp.LIVE) a[i] = this.gen(st, region) + 1;
    if (st.foreign.length !== 0) this.onUnmapForeign(st, region, i);
  }

  /** onUnmap() of page i of `region` (0 <= i < R, a small integer): a put that stays in its region. */
  onUnmapOwn(st: MmStamps, region: number, i: number): void {
    const a = st.own[region];
    if (a !== undefined && a[i] === Stamp.LIVE) a[i] = this.gen(st, region) + 1;
    if (st.foreign.length !== 0) this.onUnmapForeign(st, region, i);
  }

  /** onUnmapAt() for the CPUs that mapped page i of `region` from outside their own region. */
  private onUnmapForeign(st: MmStamps, region: number, i: number): void {
    const fr = st.foreignRegion;
    for (let k = 0; k < fr.length; k++) {
      if (fr[k] !== region) continue;
      const b = st.foreign[k];
      if (b[i] === Stamp.LIVE) b[i] = this.gen(st, st.foreignCpu[k]) + 1;
    }
  }

  /** INVLPG of vpn on cpu: its translation made before is gone (a present PTE stays dirty). */
  onInvlpg(st: MmStamps, cpu: number, vpn: number): void {
    const idx = vpn - this.baseVpn;
    if (idx < 0 || idx >= this.totalPages) return;
    const region = Math.floor(idx / this.R);
    const a = this.stampsOf(st, cpu, region, false);
    if (a === undefined) return;
    const i = idx - region * this.R;
    if (a[i] !== Stamp.LIVE) a[i] = 0;
  }

  /** Is vpn dirty for cpu in mm st (see the rule above)? For tests and diagnostics. */
  isDirty(st: MmStamps, cpu: number, vpn: number): boolean {
    const idx = vpn - this.baseVpn;
    if (idx < 0 || idx >= this.totalPages) return false;
    const region = Math.floor(idx / this.R);
    return this.dirtyIn(st, this.stampsOf(st, cpu, region, false), cpu, idx - region * this.R);
  }

  /** A TLB of some CPU started (+1) or stopped (-1) holding a mermap translation to pfn. */
  tlbRef(pfn: number, delta: number): void {
    this.tlbRefs.add(pfn, delta);
  }

  /** First pfn of [pfn, pfn+pages) some TLB still translates to through the mermap, or -1. */
  firstCachedPfn(pfn: number, pages: number): number {
    return this.tlbRefs.firstNonZero(pfn, pages);
  }

  countOf(kind: ViolationKind): number {
    return this.counts[VIOLATION_KINDS.indexOf(kind)];
  }

  /** Counts by kind as a plain object (every kind present). */
  countsByKind(): Record<ViolationKind, number> {
    const out = {} as Record<ViolationKind, number>;
    VIOLATION_KINDS.forEach((k, i) => (out[k] = this.counts[i]));
    return out;
  }
}
