/**
 * The cost models' vocabulary, written once: every cost parameter (its unit and meaning) and every
 * preset's name. The figures themselves, with their provenance, are in src/analysis/costs, which
 * imports these; the run config's schema checks `cost.preset` and `cost.overrides` against them
 * (config sits below analysis, so the names live here).
 */

/** Every parameter of a cost model: its unit and meaning, in the order reports print them. */
export const COST_PARAM_INFO = {
  invlpgCycles: { unit: 'cycles', doc: 'one INVLPG' },
  flushAllCycles: {
    unit: 'cycles',
    doc: 'one __flush_tlb_all(): a global flush (INVPCID type 2 or a CR4.PGE toggle); refills are charged as walks',
  },
  cr3Cycles: { unit: 'cycles', doc: 'one CR3 write that flushes (no PCID, or PCID without NOFLUSH)' },
  invpcidCycles: { unit: 'cycles', doc: 'one INVPCID single-context flush (type 1, one PCID, globals kept)' },
  walkCycles: {
    unit: 'cycles',
    doc: 'one page walk + TLB fill that hits the paging-structure caches (reads the PTE only)',
  },
  walkNoPscCycles: {
    unit: 'cycles',
    doc: 'one page walk that misses every paging-structure cache (reads all 4 levels)',
  },
  walkPscHitFraction: {
    unit: 'fraction',
    doc: 'share of walks taken to hit the paging-structure caches when the counters do not say',
  },
  shootdownBaseCycles: {
    unit: 'cycles',
    doc: "the initiator's fixed cost of a remote flush (flush_tlb_kernel_range() with IPIs)",
  },
  ipiCycles: { unit: 'cycles', doc: 'per CPU that receives the flush IPI' },
  cpuGhz: { unit: 'GHz', doc: 'clock, to turn cycles into time' },
  flushCeilingPages: {
    unit: 'pages',
    doc: 'tlb_single_page_flush_ceiling: above it a range flush becomes a full flush',
  },
  pteWriteCycles: { unit: 'cycles', doc: 'one PTE write (set_pte or pte_clear of a mermap PTE)' },
  lockCycles: { unit: 'cycles', doc: 'one uncontended spinlock acquisition and its release' },
  irqSaveRestoreCycles: { unit: 'cycles', doc: 'one local_irq_save() + local_irq_restore() pair' },
  zeroCyclesPerPage: { unit: 'cycles', doc: 'zeroing one 4 KiB page (clear_page)' },
} as const satisfies Record<string, { unit: 'cycles' | 'fraction' | 'GHz' | 'pages'; doc: string }>;

export type CostParamName = keyof typeof COST_PARAM_INFO;
export const COST_PARAM_NAMES = Object.keys(COST_PARAM_INFO) as CostParamName[];

/** Every cost preset, in band order: low, the named presets, high (src/analysis/costs/presets.ts). */
export const COST_PRESET_NAMES = ['low', 'molnar-2015', 'hansen-2014', 'kernel-tlb-c', 'high'] as const;
export type CostPresetName = (typeof COST_PRESET_NAMES)[number];
