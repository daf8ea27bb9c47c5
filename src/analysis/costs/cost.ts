/**
 * Cost functions: TLB maintenance and refills (costOf), the slow path of clear_page_mermap()
 * (slowPathCost), and either one under every preset at once (costBand), for reports to print as
 * a band.
 */
import type { CostModel } from './params.js';
import { COST_PRESETS, costPresetNames } from './presets.js';

/** The counts a cost is computed from (all from the Machine and its TLBs). */
export interface CostCounters {
  gets: number;
  invlpgs: number;
  flushAlls: number;
  cr3Flushes: number;
  invpcids: number;
  walks: number;
  /**
   * walks (of `walks`) that found no paging-structure-cache entry; when absent, a share
   * 1 - walkPscHitFraction of the walks is taken to miss
   */
  walksNoPsc?: number | undefined;
  shootdowns: number;
  ipis: number;
  /** cycles of useful work (e.g. zeroing) the overhead is compared with; 0 if unknown */
  workCycles: number;
}

export interface Cost {
  flushCycles: number;
  invlpgCycles: number;
  walkCycles: number;
  shootdownCycles: number;
  totalCycles: number;
  perGetCycles: number;
  /** total / (total + work): the share of cycles spent on TLB maintenance and refills */
  overheadFraction: number;
  totalNs: number;
}

export function costOf(c: CostCounters, m: CostModel): Cost {
  const flushCycles = c.flushAlls * m.flushAllCycles + c.cr3Flushes * m.cr3Cycles + c.invpcids * m.invpcidCycles;
  const invlpgCycles = c.invlpgs * m.invlpgCycles;
  const missing = c.walksNoPsc ?? c.walks * (1 - m.walkPscHitFraction);
  const walkCycles = (c.walks - missing) * m.walkCycles + missing * m.walkNoPscCycles;
  const shootdownCycles = c.shootdowns * m.shootdownBaseCycles + c.ipis * m.ipiCycles;
  const totalCycles = flushCycles + invlpgCycles + walkCycles + shootdownCycles;
  return {
    flushCycles,
    invlpgCycles,
    walkCycles,
    shootdownCycles,
    totalCycles,
    perGetCycles: c.gets > 0 ? totalCycles / c.gets : 0,
    overheadFraction: totalCycles + c.workCycles > 0 ? totalCycles / (totalCycles + c.workCycles) : 0,
    totalNs: totalCycles / m.cpuGhz,
  };
}

/**
 * The events of clear_page_mermap()'s slow path (facts §6.1): per page, with IRQs off,
 * mermap_get_reserved() maps it (a PTE write), clear_page() zeroes it, mermap_put() clears the
 * PTE. Counted by the metrics; locks are whatever the allocator takes on the way.
 */
export interface SlowPathCounters {
  /** allocations that fell back to the slow path */
  allocations: number;
  /** pages zeroed one at a time (one local_irq_save/restore pair each) */
  pages: number;
  pteWrites: number;
  lockAcquisitions: number;
}

export interface SlowPathCost {
  irqCycles: number;
  pteCycles: number;
  lockCycles: number;
  zeroCycles: number;
  totalCycles: number;
  /** total less zeroing: what the slow path costs beyond the work itself */
  overheadCycles: number;
  perPageCycles: number;
  perAllocationCycles: number;
  totalNs: number;
}

export function slowPathCost(c: SlowPathCounters, m: CostModel): SlowPathCost {
  const irqCycles = c.pages * m.irqSaveRestoreCycles;
  const pteCycles = c.pteWrites * m.pteWriteCycles;
  const lockCycles = c.lockAcquisitions * m.lockCycles;
  const zeroCycles = c.pages * m.zeroCyclesPerPage;
  const overheadCycles = irqCycles + pteCycles + lockCycles;
  const totalCycles = overheadCycles + zeroCycles;
  return {
    irqCycles,
    pteCycles,
    lockCycles,
    zeroCycles,
    totalCycles,
    overheadCycles,
    perPageCycles: c.pages > 0 ? totalCycles / c.pages : 0,
    perAllocationCycles: c.allocations > 0 ? totalCycles / c.allocations : 0,
    totalNs: totalCycles / m.cpuGhz,
  };
}

export interface BandEntry<T> {
  /** preset name */
  model: string;
  value: T;
}

/**
 * f under every preset, in band order (low, the named presets, high). `overrides` apply to
 * every preset alike (e.g. the run's flushCeilingPages or a measured cpuGhz).
 */
export function bandOf<T>(f: (m: CostModel) => T, overrides: Partial<CostModel> = {}): BandEntry<T>[] {
  return costPresetNames().map((name) => ({ model: name, value: f({ ...COST_PRESETS[name], ...overrides }) }));
}

/** costOf under every preset at once: the band a report prints. */
export function costBand(c: CostCounters, overrides: Partial<CostModel> = {}): BandEntry<Cost>[] {
  return bandOf((m) => costOf(c, m), overrides);
}

/** slowPathCost under every preset at once. */
export function slowPathBand(c: SlowPathCounters, overrides: Partial<CostModel> = {}): BandEntry<SlowPathCost>[] {
  return bandOf((m) => slowPathCost(c, m), overrides);
}
