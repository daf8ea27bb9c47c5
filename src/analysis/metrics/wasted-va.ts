import type { MermapAllocator } from '../../core/mermap/allocator.js';

/** A region's numbers, REGION_FIELDS apart in WastedVaCollector.reg (region r at r * REGION_FIELDS). */
const CUR = 0; // wasted pages now
const CUR_PINNED = 1; // pinned pages now
const CUR_LIVE = 2; // live pages now
const LAST_NS = 3; // time (ns) and op of the region's last update
const LAST_OP = 4;
const INT_NS = 5; // integral of wasted pages over ns and over ops, up to LAST_NS / LAST_OP
const INT_OPS = 6;
const PEAK = 7; // largest wasted page count seen
const REGION_FIELDS = 8;

/** Bytes the collector keeps per region, one per (mm, online CPU): its numbers and its active flag. */
export const WASTED_VA_BYTES_PER_REGION = REGION_FIELDS * Float64Array.BYTES_PER_ELEMENT + 1;

/** The totals over all regions and their integrals, in WastedVaCollector.g. */
const G_WASTED = 0; // sums of CUR / CUR_PINNED / CUR_LIVE over all regions
const G_PINNED = 1;
const G_LIVE = 2;
const G_WASTED_NS = 3; // integrals of the sums over ns, each over ops right after (advance())
const G_WASTED_OPS = 4;
const G_PINNED_NS = 5;
const G_PINNED_OPS = 6;
const G_LIVE_NS = 7;
const G_LIVE_OPS = 8;
const G_LAST_NS = 9;
const G_LAST_OP = 10;
const G_FIELDS = 11;

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
 *   region r = mm * cpus + cpu        r's CUR: wasted pages now
 *   on a get / failed get / put of r  r's INT_NS += CUR * (now - LAST_NS), LAST_NS = now (and the
 *                                     same by ops); CUR = the new value
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
  /**
   * Every region's numbers side by side (REGION_FIELDS each, the offsets above): an update reads
   * and writes one region's, which then sit in one or two cache lines, not in eight arrays.
   */
  private reg = new Float64Array(0);
  /** the totals and their integrals (G_*): typed-array slots, not fields holding boxed doubles */
  private readonly g = new Float64Array(G_FIELDS);
  active = new Uint8Array(0);
  activeRegions = 0;

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
    this.startNs = this.g[G_LAST_NS] = startNs;
    this.startOp = this.g[G_LAST_OP] = startOp;
    this.ensureMm(Math.max(1, mms) - 1);
  }

  /** Sums of the regions' wasted, pinned and live pages now. */
  get totalWasted(): number {
    return this.g[G_WASTED];
  }
  get totalPinned(): number {
    return this.g[G_PINNED];
  }
  get totalLive(): number {
    return this.g[G_LIVE];
  }
  /**
   * The integral of the regions' wasted, pinned or live pages summed, over ns (byTime) or over
   * ops, up to the last advance().
   */
  totalIntegral(of: 'wasted' | 'pinned' | 'live', byTime: boolean): number {
    const k = of === 'wasted' ? G_WASTED_NS : of === 'pinned' ? G_PINNED_NS : G_LIVE_NS;
    return this.g[byTime ? k : k + 1];
  }

  /** Region r's integral of wasted pages, over ns (byTime) or over ops. */
  integralOf(r: number, byTime: boolean): number {
    return this.reg[r * REGION_FIELDS + (byTime ? INT_NS : INT_OPS)];
  }

  /** Region r's largest wasted page count so far. */
  peakOf(r: number): number {
    return this.reg[r * REGION_FIELDS + PEAK];
  }

  /** Region r's numbers as an object (allocates: tests and diagnostics). */
  regionState(r: number): {
    wasted: number;
    pinned: number;
    live: number;
    lastNs: number;
    lastOp: number;
    intNs: number;
    intOps: number;
    peak: number;
  } {
    const k = r * REGION_FIELDS;
    const reg = this.reg;
    return {
      wasted: reg[k + CUR],
      pinned: reg[k + CUR_PINNED],
      live: reg[k + CUR_LIVE],
      lastNs: reg[k + LAST_NS],
      lastOp: reg[k + LAST_OP],
      intNs: reg[k + INT_NS],
      intOps: reg[k + INT_OPS],
      peak: reg[k + PEAK],
    };
  }

  /** Regions tracked: mmCapacity x cpus. */
  get regions(): number {
    return this.mmCapacity * this.cpus;
  }

  /** Make room for mm (grows by doubling: allocation only when a new mm appears). */
  ensureMm(mm: number): void {
    if (mm < this.mmCapacity) return;
    const cap = Math.max(mm + 1, this.mmCapacity * 2, 1);
    const n = cap * this.cpus;
    const reg = new Float64Array(n * REGION_FIELDS);
    reg.set(this.reg);
    // the new regions' clocks start at the run start: they were all free until now
    for (let r = this.mmCapacity * this.cpus; r < n; r++) {
      reg[r * REGION_FIELDS + LAST_NS] = this.startNs;
      reg[r * REGION_FIELDS + LAST_OP] = this.startOp;
    }
    this.reg = reg;
    const active = new Uint8Array(n);
    active.set(this.active);
    this.active = active;
    this.mmCapacity = cap;
  }

  /** Advance the totals' integrals to (ns, op): call before the state changes at that time. */
  advance(ns: number, op: number): void {
    const g = this.g;
    const dt = ns > g[G_LAST_NS] ? ns - g[G_LAST_NS] : 0;
    const dop = op > g[G_LAST_OP] ? op - g[G_LAST_OP] : 0;
    if (dt > 0) {
      g[G_WASTED_NS] += g[G_WASTED] * dt;
      g[G_PINNED_NS] += g[G_PINNED] * dt;
      g[G_LIVE_NS] += g[G_LIVE] * dt;
      g[G_LAST_NS] = ns;
    }
    if (dop > 0) {
      g[G_WASTED_OPS] += g[G_WASTED] * dop;
      g[G_PINNED_OPS] += g[G_PINNED] * dop;
      g[G_LIVE_OPS] += g[G_LIVE] * dop;
      g[G_LAST_OP] = op;
    }
  }

  /** Integral of the wasted total at (ns, op) >= the last advance, without advancing. */
  wastedIntegralAt(ns: number, op: number): { ns: number; ops: number } {
    const g = this.g;
    return {
      ns: g[G_WASTED_NS] + g[G_WASTED] * Math.max(0, ns - g[G_LAST_NS]),
      ops: g[G_WASTED_OPS] + g[G_WASTED] * Math.max(0, op - g[G_LAST_OP]),
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
    const reg = this.reg;
    const g = this.g;
    const k = r * REGION_FIELDS;
    const wasted = u[1] + u[2];
    const dt = ns - reg[k + LAST_NS];
    const dop = op - reg[k + LAST_OP];
    const w0 = reg[k + CUR];
    if (dt > 0) {
      reg[k + INT_NS] += w0 * dt;
      reg[k + LAST_NS] = ns;
    }
    if (dop > 0) {
      reg[k + INT_OPS] += w0 * dop;
      reg[k + LAST_OP] = op;
    }
    g[G_WASTED] += wasted - w0;
    g[G_PINNED] += u[2] - reg[k + CUR_PINNED];
    g[G_LIVE] += u[0] - reg[k + CUR_LIVE];
    reg[k + CUR] = wasted;
    reg[k + CUR_PINNED] = u[2];
    reg[k + CUR_LIVE] = u[0];
    if (wasted > reg[k + PEAK]) reg[k + PEAK] = wasted;
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
    const reg = this.reg;
    const n = this.mmCapacity * this.cpus;
    for (let k = 0; k < n * REGION_FIELDS; k += REGION_FIELDS) {
      const dt = ns - reg[k + LAST_NS];
      const dop = op - reg[k + LAST_OP];
      if (dt > 0) {
        reg[k + INT_NS] += reg[k + CUR] * dt;
        reg[k + LAST_NS] = ns;
      }
      if (dop > 0) {
        reg[k + INT_OPS] += reg[k + CUR] * dop;
        reg[k + LAST_OP] = op;
      }
    }
  }

  /** Current wasted fraction of one region (0 for an untracked one). */
  fractionNow(mm: number, cpu: number): number {
    if (mm >= this.mmCapacity || cpu < 0 || cpu >= this.cpus) return 0;
    return this.reg[(mm * this.cpus + cpu) * REGION_FIELDS + CUR] / this.regionPages;
  }
}
