import type { MermapGeometry } from './paging/geometry.js';
import { NumMap } from './util/num-map.js';

/**
 * The checker: watches the machine and reports states that are unsafe in the kernel.
 *
 *   reuse_without_flush    a page of the mermap is mapped again although it was mapped at some
 *                          time since the last flush of the CPU that mapped it: that CPU's TLB
 *                          may still hold the old translation
 *   out_of_region          an allocation reaches outside the CPU's own region
 *   stale_tlb_after_free   a physical page that was mapped through the mermap goes back to the
 *                          page allocator while some TLB still holds a translation to it
 *   migrate_disable_leak   a task's migrate-disable depth is left raised with no allocation
 *                          to show for it (the missing migrate_enable(), §8.3)
 *   lock_in_atomic         the PTE lock is taken with preemption or IRQs off (PREEMPT_RT, §8.2)
 *
 * How reuse is tracked without allocating: per mm, one stamp per page of the mermap, made when
 * the page is mapped, naming the mapping CPU and two flush epochs at that moment:
 *   cpuEpoch[c]      bumped by every flush that drops all of CPU c's non-global entries
 *                    (__flush_tlb_all, a CR3 write without PCID), whatever mm they belong to
 *   mm.epoch[c]      bumped when only this mm's entries on c go (INVPCID single context)
 * A page mapped while both epochs of its stamp are still current is a reuse without flush;
 * INVLPG of one page clears the page's stamp. A full flush is O(1): no loop over mms.
 * Stamps live in chunks of one region each, made on first use, so 1024 possible CPUs cost
 * nothing until they map.
 */
export const V_REUSE_WITHOUT_FLUSH = 0;
export const V_OUT_OF_REGION = 1;
export const V_STALE_TLB_AFTER_FREE = 2;
export const V_MIGRATE_DISABLE_LEAK = 3;
export const V_LOCK_IN_ATOMIC = 4;
export const VIOLATION_KINDS = [
  'reuse_without_flush',
  'out_of_region',
  'stale_tlb_after_free',
  'migrate_disable_leak',
  'lock_in_atomic',
] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

export interface Violation {
  kind: ViolationKind;
  /** op index (the machine's clock.op) */
  op: number;
  cpu: number;
  mm: number;
  task: number;
  /** page number involved (reuse, out_of_region), or -1 */
  vpn: number;
  /** physical page involved (stale_tlb_after_free), or -1 */
  pfn: number;
  detail: string;
}

const CPU_SPAN = 8192;

/** Per-mm state of the checker. */
export class MmStamps {
  /** per region chunk: cpuEpoch * 8192 + mappingCpu + 1 (0: no translation since the last flush) */
  readonly chunks: (Float64Array | undefined)[] = [];
  /** per region chunk: the mm's own epoch on the mapping CPU at mapping time */
  readonly mmChunks: (Uint32Array | undefined)[] = [];
  /** flush epoch of this mm on each possible CPU (INVPCID single context) */
  readonly epoch: Uint32Array;
  constructor(possibleCpus: number) {
    this.epoch = new Uint32Array(possibleCpus);
  }
}

export class Checker {
  enabled: boolean;
  readonly counts = new Float64Array(VIOLATION_KINDS.length);
  /** Violations as events, in order (capped: see maxKept). */
  readonly violations: Violation[] = [];
  maxKept = 10_000;
  onViolation: ((v: Violation) => void) | null = null;
  /** translations to each pfn currently held by any TLB (mermap entries only) */
  readonly tlbRefs = new NumMap(1024);

  private readonly g: MermapGeometry;
  private readonly R: number;

  constructor(geometry: MermapGeometry, enabled: boolean) {
    this.cpuEpoch = new Float64Array(geometry.possibleCpus);
    this.g = geometry;
    this.R = geometry.regionPages;
    this.enabled = enabled;
  }

  /** Violation events are still being kept or passed on: worth building their detail text. */
  get keeping(): boolean {
    return this.violations.length < this.maxKept || this.onViolation !== null;
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
    if (this.violations.length < this.maxKept || this.onViolation !== null) {
      const v: Violation = { kind: VIOLATION_KINDS[kind], op, cpu, mm, task, vpn, pfn, detail };
      if (this.violations.length < this.maxKept) this.violations.push(v);
      if (this.onViolation !== null) this.onViolation(v);
    }
  }

  /** Flush epochs of every CPU: bumped by flushes that drop all of a CPU's non-global entries. */
  readonly cpuEpoch: Float64Array;

  /** The mermap page vpn is being mapped by `cpu` in mm `st`. Returns true on a reuse without flush. */
  onMap(st: MmStamps, cpu: number, vpn: number): boolean {
    const idx = vpn - this.g.baseVpn;
    if (idx < 0) return false;
    const chunkNo = Math.floor(idx / this.R);
    let chunk = st.chunks[chunkNo];
    let mmChunk = st.mmChunks[chunkNo];
    if (chunk === undefined || mmChunk === undefined) {
      chunk = new Float64Array(this.R);
      mmChunk = new Uint32Array(this.R);
      st.chunks[chunkNo] = chunk;
      st.mmChunks[chunkNo] = mmChunk;
    }
    const i = idx - chunkNo * this.R;
    const s = chunk[i];
    let reused = false;
    if (s !== 0) {
      const c = (s - 1) % CPU_SPAN;
      const e = Math.floor((s - 1) / CPU_SPAN);
      reused = this.cpuEpoch[c] === e && st.epoch[c] === mmChunk[i];
    }
    chunk[i] = this.cpuEpoch[cpu] * CPU_SPAN + cpu + 1;
    mmChunk[i] = st.epoch[cpu];
    return reused;
  }

  /** INVLPG of vpn on cpu: a translation made by that CPU is gone. */
  onInvlpg(st: MmStamps, cpu: number, vpn: number): void {
    const idx = vpn - this.g.baseVpn;
    if (idx < 0) return;
    const chunkNo = Math.floor(idx / this.R);
    const chunk = st.chunks[chunkNo];
    if (chunk === undefined) return;
    const i = idx - chunkNo * this.R;
    const s = chunk[i];
    if (s !== 0 && (s - 1) % CPU_SPAN === cpu) chunk[i] = 0;
  }

  /** A TLB of some CPU started (+1) or stopped (-1) holding a mermap translation to pfn. */
  tlbRef(pfn: number, delta: number): void {
    this.tlbRefs.add(pfn, delta);
  }

  /** First pfn of [pfn, pfn+pages) some TLB still translates to through the mermap, or -1. */
  firstCachedPfn(pfn: number, pages: number): number {
    if (this.tlbRefs.size === 0) return -1;
    for (let i = 0; i < pages; i++) if (this.tlbRefs.has(pfn + i)) return pfn + i;
    return -1;
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
