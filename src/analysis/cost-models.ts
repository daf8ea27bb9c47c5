/**
 * Cycle costs of TLB maintenance, with named presets. Each number cites where it comes from;
 * everything is a parameter a user can override (the sources disagree and are old).
 *
 *   flushes    flushAlls x flushAllCycles + cr3Writes x cr3Cycles + invpcids x invpcidCycles
 *   invlpg     invlpgs x invlpgCycles
 *   refill     walks x walkCycles            (page walks after TLB misses, the refill cost)
 *   shootdown  shootdowns x shootdownBaseCycles + ipis x ipiCycles
 */
export interface CostModel {
  name: string;
  /** where the numbers come from */
  source: string;
  /** one INVLPG */
  invlpgCycles: number;
  /** one __flush_tlb_all(): INVPCID type 2 or a CR4.PGE toggle (the instruction itself; refills are counted as walks) */
  flushAllCycles: number;
  /** one CR3 write that flushes (no PCID, or PCID without NOFLUSH) */
  cr3Cycles: number;
  /** one INVPCID single-context flush */
  invpcidCycles: number;
  /** one page walk + TLB fill after a miss in both TLB levels */
  walkCycles: number;
  /** the initiator's fixed cost of a remote flush (flush_tlb_kernel_range() with IPIs) */
  shootdownBaseCycles: number;
  /** per CPU that receives the IPI */
  ipiCycles: number;
  /** clock, to turn cycles into time */
  cpuGhz: number;
  /** tlb_single_page_flush_ceiling: above it a range flush becomes a full flush */
  flushCeilingPages: number;
}

/**
 * Ingo Molnar, linux-mm 2015 (quoted in shared/reference/kernel-analogues.md §1d): a CR3 full
 * flush costs 96 cycles and one INVLPG 260 cycles, "but a full flush has hidden refill costs".
 * INVPCID single context: no figure in that mail; the 2017 kernel commit calls single-address
 * INVPCID "slow" without a number, so it is set to the INVLPG figure here.
 * Page walk: ~20 cycles on an L2-TLB miss, Haswell (facts sheet §9.4, prod-news 2013).
 * IPI: ~1 us base and ~200 ns per receiver (third-party estimate, unseel.com "TLB Shootdown";
 * no kernel measurement was found), at 3 GHz.
 */
const MOLNAR_2015: CostModel = {
  name: 'molnar-2015',
  source:
    'Molnar, linux-mm 2015: CR3 flush 96 cycles, INVLPG 260 cycles; walk 20 cycles (Haswell, facts §9.4); IPI ~1 us + 200 ns/receiver (unseel.com estimate)',
  invlpgCycles: 260,
  flushAllCycles: 96,
  cr3Cycles: 96,
  invpcidCycles: 260,
  walkCycles: 20,
  shootdownBaseCycles: 3000,
  ipiCycles: 600,
  cpuGhz: 3,
  flushCeilingPages: 33,
};

/**
 * Dave Hansen, "x86: mm: set TLB flush tunable to sane value" (2014), kernel compile, measured
 * in flush_tlb_mm_range(): 1-page flushes averaged 1,276 cycles, full flushes 2,283 cycles
 * (kernel-analogues.md §1d). Those include the call's overhead, so they are per operation,
 * not per instruction: a 1-page flush is counted as one INVLPG here.
 */
const HANSEN_2014: CostModel = {
  ...MOLNAR_2015,
  name: 'hansen-2014',
  source:
    'Hansen 2014 (tlb_single_page_flush_ceiling commit): 1-page flush 1,276 cycles, full flush 2,283 cycles; walk, IPI as molnar-2015',
  invlpgCycles: 1276,
  flushAllCycles: 2283,
  cr3Cycles: 2283,
  invpcidCycles: 1276,
};

/**
 * arch/x86/mm/tlb.c comment next to tlb_single_page_flush_ceiling: "each single flush is about
 * 100 ns, so this caps the maximum overhead at about 3,000 ns" (33 pages). 100 ns = 300 cycles
 * at 3 GHz. Above the ceiling the kernel prefers a full flush, so a full flush is taken to cost
 * what the ceiling's 33 single flushes cost (3,300 ns = 9,900 cycles): an upper bound.
 */
const KERNEL_COMMENT: CostModel = {
  ...MOLNAR_2015,
  name: 'kernel-tlb-c',
  source:
    'arch/x86/mm/tlb.c: ~100 ns per single-page flush, 33-page ceiling (~3,000 ns); 3 GHz assumed; walk, IPI as molnar-2015',
  invlpgCycles: 300,
  flushAllCycles: 9900,
  cr3Cycles: 9900,
  invpcidCycles: 300,
};

export const COST_PRESETS: Readonly<Record<string, CostModel>> = Object.freeze({
  'molnar-2015': MOLNAR_2015,
  'hansen-2014': HANSEN_2014,
  'kernel-tlb-c': KERNEL_COMMENT,
});

export const DEFAULT_COST_MODEL = 'molnar-2015';

export function costPresetNames(): string[] {
  return Object.keys(COST_PRESETS);
}

export function resolveCostModel(preset: string = DEFAULT_COST_MODEL, overrides: Partial<CostModel> = {}): CostModel {
  const base = COST_PRESETS[preset];
  if (base === undefined) throw new RangeError(`unknown cost model ${preset}: one of ${costPresetNames().join(', ')}`);
  return { ...base, ...overrides };
}

/** The counts a cost is computed from (all from the Machine and its TLBs). */
export interface CostCounters {
  gets: number;
  invlpgs: number;
  flushAlls: number;
  cr3Flushes: number;
  invpcids: number;
  walks: number;
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
  const walkCycles = c.walks * m.walkCycles;
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
