import type { MermapAllocator } from '../../core/mermap/allocator.js';

/**
 * Wasted VA of every (mm, CPU) region, time- and op-weighted, O(1) per event.
 *
 * A CPU's region of one mm is R pages; MermapAllocator.regionUsage() splits it into
 *
 *   live         pages of live allocations
 *   reclaimable  flush-pending pages above the highest live allocation: a wrap flush gets them back
 *   pinned       flush-pending pages below a live allocation: new_next stops at that allocation,
 *                so even a flush does not make them usable
 *   free         usable without a flush (the reserve page included while it is unused)
 *
 * and live + reclaimable + pinned + free = R. Wasted = reclaimable + pinned: neither live nor
 * usable without a flush. Fractions divide by R, the whole region, reserve page included.
 *
 *   region r = mm * cpus + cpu        cur[r]  wasted pages now
 *   on a get / failed get / put of r  integral[r] += cur[r] * (now - last[r]); cur[r] = new value
 *
 * The state between two events is constant, so this integral is exact. Both weightings are kept:
 * by simulated time (ns) and by ops (the event index the driver passes to tick()). A region is
 * active from its first get (successful or not); inactive regions are all free and are left out
 * of the means.
 */
export class WastedVaCollector {
  readonly regionPages: number;
  readonly cpus: number;
  mmCapacity = 0;
  /** current wasted / pinned / live pages per region */
  cur = new Float64Array(0);
  curPinned = new Float64Array(0);
  curLive = new Float64Array(0);
  /** time (ns) and op of the region's last update */
  lastNs = new Float64Array(0);
  lastOp = new Float64Array(0);
  /** integral of wasted pages over ns and over ops, up to lastNs / lastOp */
  intNs = new Float64Array(0);
  intOps = new Float64Array(0);
  /** largest wasted page count seen */
  peak = new Float64Array(0);
  active = new Uint8Array(0);
  activeRegions = 0;

  /** sums of cur / curPinned / curLive over all regions */
  totalWasted = 0;
  totalPinned = 0;
  totalLive = 0;
  /** integrals of the totals over ns and ops (advanced by advance()) */
  gWastedNs = 0;
  gWastedOps = 0;
  gPinnedNs = 0;
  gPinnedOps = 0;
  gLiveNs = 0;
  gLiveOps = 0;
  private gLastNs: number;
  private gLastOp: number;

  // state of the regions at get failures (sums, for means)
  failCount = 0;
  failLive = 0;
  failReclaimable = 0;
  failPinned = 0;
  failFree = 0;
  failRequestPages = 0;

  /** regionUsage() output, reused */
  readonly usage = new Float64Array(4);
  private readonly startNs: number;
  private readonly startOp: number;

  constructor(regionPages: number, cpus: number, mms: number, startNs: number, startOp: number) {
    this.regionPages = regionPages;
    this.cpus = cpus;
    this.startNs = this.gLastNs = startNs;
    this.startOp = this.gLastOp = startOp;
    this.ensureMm(Math.max(1, mms) - 1);
  }

  /** Make room for mm (grows by doubling: allocation only when a new mm appears). */
  ensureMm(mm: number): void {
    if (mm < this.mmCapacity) return;
    const cap = Math.max(mm + 1, this.mmCapacity * 2, 1);
    const n = cap * this.cpus;
    const grow = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T, fill = 0): T => {
      const b = make(n);
      if (fill !== 0) b.fill(fill);
      b.set(a);
      return b;
    };
    const f = (k: number) => new Float64Array(k);
    this.cur = grow(this.cur, f);
    this.curPinned = grow(this.curPinned, f);
    this.curLive = grow(this.curLive, f);
    this.lastNs = grow(this.lastNs, f, this.startNs);
    this.lastOp = grow(this.lastOp, f, this.startOp);
    this.intNs = grow(this.intNs, f);
    this.intOps = grow(this.intOps, f);
    this.peak = grow(this.peak, f);
    this.active = grow(this.active, (k) => new Uint8Array(k));
    // the new regions' clocks start at the run start: they were all free until now
    this.mmCapacity = cap;
  }

  /** Advance the totals' integrals to (ns, op): call before the state changes at that time. */
  advance(ns: number, op: number): void {
    const dt = ns > this.gLastNs ? ns - this.gLastNs : 0;
    const dop = op > this.gLastOp ? op - this.gLastOp : 0;
    if (dt > 0) {
      this.gWastedNs += this.totalWasted * dt;
      this.gPinnedNs += this.totalPinned * dt;
      this.gLiveNs += this.totalLive * dt;
      this.gLastNs = ns;
    }
    if (dop > 0) {
      this.gWastedOps += this.totalWasted * dop;
      this.gPinnedOps += this.totalPinned * dop;
      this.gLiveOps += this.totalLive * dop;
      this.gLastOp = op;
    }
  }

  /** Integral of the wasted total at (ns, op) >= the last advance, without advancing. */
  wastedIntegralAt(ns: number, op: number): { ns: number; ops: number } {
    return {
      ns: this.gWastedNs + this.totalWasted * Math.max(0, ns - this.gLastNs),
      ops: this.gWastedOps + this.totalWasted * Math.max(0, op - this.gLastOp),
    };
  }

  /**
   * Re-read region (mm, cpu) after an event changed it, at (ns, op). Leaves regionUsage's output
   * in `usage`. Returns false (and reads nothing) for a CPU outside the tracked range.
   */
  update(alloc: MermapAllocator, mm: number, cpu: number, ns: number, op: number): boolean {
    if (cpu < 0 || cpu >= this.cpus) return false;
    if (mm >= this.mmCapacity) this.ensureMm(mm);
    const r = mm * this.cpus + cpu;
    const u = this.usage;
    alloc.regionUsage(cpu, u);
    const wasted = u[1] + u[2];
    const dt = ns - this.lastNs[r];
    const dop = op - this.lastOp[r];
    const w0 = this.cur[r];
    if (dt > 0) {
      this.intNs[r] += w0 * dt;
      this.lastNs[r] = ns;
    }
    if (dop > 0) {
      this.intOps[r] += w0 * dop;
      this.lastOp[r] = op;
    }
    this.totalWasted += wasted - w0;
    this.totalPinned += u[2] - this.curPinned[r];
    this.totalLive += u[0] - this.curLive[r];
    this.cur[r] = wasted;
    this.curPinned[r] = u[2];
    this.curLive[r] = u[0];
    if (wasted > this.peak[r]) this.peak[r] = wasted;
    if (this.active[r] === 0) {
      this.active[r] = 1;
      this.activeRegions++;
    }
    return true;
  }

  /** After update() for a failed get: add the region's state to the failure means. */
  noteFailure(pages: number): void {
    const u = this.usage;
    this.failCount++;
    this.failLive += u[0];
    this.failReclaimable += u[1];
    this.failPinned += u[2];
    this.failFree += u[3];
    this.failRequestPages += pages;
  }

  /** Bring every region's integral up to (ns, op) (idempotent for the same time). */
  closeAll(ns: number, op: number): void {
    this.advance(ns, op);
    const n = this.mmCapacity * this.cpus;
    for (let r = 0; r < n; r++) {
      const dt = ns - this.lastNs[r];
      const dop = op - this.lastOp[r];
      if (dt > 0) {
        this.intNs[r] += this.cur[r] * dt;
        this.lastNs[r] = ns;
      }
      if (dop > 0) {
        this.intOps[r] += this.cur[r] * dop;
        this.lastOp[r] = op;
      }
    }
  }

  /** Current wasted fraction of one region (0 for an untracked one). */
  fractionNow(mm: number, cpu: number): number {
    if (mm >= this.mmCapacity || cpu < 0 || cpu >= this.cpus) return 0;
    return this.cur[mm * this.cpus + cpu] / this.regionPages;
  }
}
