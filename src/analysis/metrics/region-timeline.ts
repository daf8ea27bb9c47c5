import type { MermapAllocator } from '../../core/mermap/allocator.js';

/**
 * The seed's diagram over time: one (mm, CPU) region, one step per event that touched it, each
 * step stored as runs of pages in one state.
 *
 *   allocated       a page of a live allocation
 *   flush-pending   below next_addr and not live: freed, unusable until a wrap flush (and, below
 *                   a live allocation, until that allocation goes too)
 *   free            at or above next_addr and not live: usable without a flush
 *
 * This is regionUsage()'s split (flush-pending = reclaimable + pinned), so the picture and the
 * wasted-VA numbers agree. It matches the kernel diagram (and core/region-text.ts) step for step,
 * with one difference: after a wrap flush that stopped at a live allocation, the holes below it
 * are drawn flush-pending here (they cannot be allocated) where the text tracer draws them free.
 *
 * Bounded: at most maxSteps steps (the first ones; later steps are counted in `droppedSteps`), and
 * a region of more than maxBands pages is drawn in bands of ceil(R / maxBands) pages, each band in
 * the "worst" state of its pages (allocated > flush-pending > free).
 */
export type RegionPageState = 'free' | 'allocated' | 'flush-pending';
export const REGION_STATES: readonly RegionPageState[] = ['free', 'allocated', 'flush-pending'];
const S_FREE = 0;
const S_ALLOC = 1;
const S_PENDING = 2;
/** rank for banding: allocated > pending > free */
const RANK = [0, 2, 1];

export interface RegionTimelineRow {
  /** 0, 1, 2, ...: the events that touched the region, in order */
  step: number;
  /** op index of that event */
  op: number;
  /** simulated time of that event, ns */
  timeNs: number;
  /** first page of the run (offset from the CPU's region base) */
  page: number;
  /** one past the last page of the run */
  pageEnd: number;
  state: RegionPageState;
}

export interface RegionTimelineOptions {
  mm: number;
  cpu: number;
  /** default 256 */
  maxSteps?: number;
  /** default 512 */
  maxBands?: number;
}

export class RegionTimeline {
  readonly mm: number;
  readonly cpu: number;
  readonly maxSteps: number;
  readonly regionPages: number;
  readonly bandPages: number;
  steps = 0;
  droppedSteps = 0;
  /** an event touched the region and the step has not been captured yet */
  dirty = false;
  private readonly rows: RegionTimelineRow[] = [];
  private readonly pages: Uint8Array;

  /** @param cpus online CPUs, when known (RunMetrics): opts.cpu must be one of them */
  constructor(regionPages: number, opts: RegionTimelineOptions, cpus = Infinity) {
    if (!Number.isInteger(opts.cpu) || opts.cpu < 0 || opts.cpu >= cpus)
      throw new RangeError(
        cpus === Infinity
          ? `regionTimeline.cpu must be a whole number >= 0, got ${opts.cpu}`
          : `regionTimeline.cpu ${opts.cpu} is not an online CPU (0..${cpus - 1})`,
      );
    if (!Number.isInteger(opts.mm) || opts.mm < 0)
      throw new RangeError(`regionTimeline.mm must be a whole number >= 0, got ${opts.mm}`);
    this.mm = opts.mm;
    this.cpu = opts.cpu;
    this.maxSteps = opts.maxSteps ?? 256;
    this.regionPages = regionPages;
    const maxBands = opts.maxBands ?? 512;
    this.bandPages = Math.max(1, Math.ceil(regionPages / maxBands));
    this.pages = new Uint8Array(regionPages);
  }

  /** Record the region's state now as the next step (allocates: bounded by maxSteps). */
  capture(alloc: MermapAllocator, op: number, timeNs: number): void {
    this.dirty = false;
    if (this.steps >= this.maxSteps) {
      this.droppedSteps++;
      return;
    }
    const R = this.regionPages;
    const p = this.pages;
    const next = Math.max(0, Math.min(R, alloc.nextOffset(this.cpu)));
    p.fill(S_PENDING, 0, next);
    p.fill(S_FREE, next, R);
    for (const a of alloc.liveAllocations(this.cpu)) {
      const lo = Math.max(0, a.offset);
      const hi = Math.min(R, a.offset + a.pages);
      if (hi > lo) p.fill(S_ALLOC, lo, hi);
    }
    const step = this.steps++;
    const b = this.bandPages;
    let runStart = 0;
    let runState = -1;
    for (let lo = 0; lo < R; lo += b) {
      let s = p[lo];
      for (let i = lo + 1; i < Math.min(R, lo + b); i++) if (RANK[p[i]] > RANK[s]) s = p[i];
      if (s !== runState) {
        if (runState >= 0)
          this.rows.push({ step, op, timeNs, page: runStart, pageEnd: lo, state: REGION_STATES[runState] });
        runStart = lo;
        runState = s;
      }
    }
    this.rows.push({ step, op, timeNs, page: runStart, pageEnd: R, state: REGION_STATES[runState] });
  }

  result(): RegionTimelineRow[] {
    return this.rows.map((r) => ({ ...r }));
  }
}
